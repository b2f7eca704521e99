"""Instructor material for chapter 15 (convolutions): solutions and points."""
PER_STUDENT = True  # SIZE_AT and COUNT_AT are each student's own (bpbook.variants)
EXERCISES = {
    "15.output-size": dict(
        points=1,
        solution="answer = (SIZE_AT['H'] + 2 * SIZE_AT['padding'] - SIZE_AT['k']) "
                 "// SIZE_AT['stride'] + 1",
        wrong="answer = (SIZE_AT['H'] - SIZE_AT['k']) // SIZE_AT['stride'] + 1"),
    "15.conv-dw": dict(
        points=3,
        solution="def conv_dW(x, g, k):\n"
                 "    dW = np.zeros((k, k))\n"
                 "    for p in range(k):\n"
                 "        for q in range(k):\n"
                 "            rows = x[p:p + 2 * g.shape[0]:2, q:q + 2 * g.shape[1]:2]\n"
                 "            dW[p, q] = np.sum(g * rows[:g.shape[0], :g.shape[1]])\n"
                 "    return dW",
        wrong="def conv_dW(x, g, k):\n"
              "    dW = np.zeros((k, k))\n"
              "    for p in range(k):\n"
              "        for q in range(k):\n"
              "            dW[p, q] = np.sum(g * x[p:p + g.shape[0], q:q + g.shape[1]])\n"
              "    return dW"),
    "15.pool-backward": dict(
        points=3,
        solution="def pool_backward(x, da):\n"
                 "    dx = np.zeros_like(x)\n"
                 "    for i in range(da.shape[0]):\n"
                 "        for j in range(da.shape[1]):\n"
                 "            w = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]\n"
                 "            p, q = np.unravel_index(w.argmax(), w.shape)\n"
                 "            dx[2 * i + p, 2 * j + q] = da[i, j]\n"
                 "    return dx",
        wrong="def pool_backward(x, da):\n"
              "    return np.kron(da, np.ones((2, 2))) / 4"),
    "15.param-count": dict(
        points=1,
        solution="c = COUNT_AT\nanswer = c['out_channels'] * c['in_channels'] * c['k'] ** 2"
                 " + c['out_channels']",
        wrong="c = COUNT_AT\nanswer = c['out_channels'] * c['in_channels'] * c['k'] ** 2"),
}
THINK = {
    "15.why-share": dict(
        points=2,
        answer="A dense layer from an H×W image to an H×W map has (HW)² weights, a 3×3 kernel 9, "
               "shared by every position: the gradient of a shared weight is the sum of its uses "
               "over all pixels (the correlation of x with δ), so every position's example "
               "teaches the same detector. The layer is translation-equivariant: a shifted digit "
               "gives a shifted feature map, which max pooling then partly absorbs. (Full marks: "
               "the two counts compared, 'the gradient sums over positions' stated, and "
               "translation equivariance or its consequence named; one point for a count "
               "alone.)"),
}
