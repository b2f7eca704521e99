"""Chapter 16, backpropagation through time: the memory task and its training (`task`), the
gradient through time, vanishing and exploding (`flow`), the three checks (`checks`), the
pictures with their text descriptions (`plots`), the explorer (`explore`) and the exercise checks
(`exercises`). The recurrent layer itself is the library's :class:`bpbook.rnn.RNN`."""
