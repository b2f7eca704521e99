"""Chapter 10, training in practice: weight decay (`decay`), dead ReLUs and their revival
(`relu`), the memory of stored activations (`memory`) and gradient checkpointing
(`checkpoint`), what gradients cost (`cost`), the pictures (`plots`), the explorer (`explore`)
and the exercise checks (`exercises`). The deep networks themselves are the library's
(`bpbook.deep`)."""
