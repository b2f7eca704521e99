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
        answer="With x′_{i,j} = x_{i,j−1}, z′_{ij} = Σ_pq w_pq x_{i+p, j−1+q} = z_{i, j−1}: the "
               "feature map shifts by the same pixel (translation equivariance), except at the "
               "border where padding enters. The 2×2 pooled map does not simply shift: a one-pixel "
               "shift moves features across window boundaries, so some pooled values change and "
               "others stay (the maximum may stay in its window); a two-pixel shift is a whole "
               "window, so the pooled map shifts by one cell. Because the same kernel is applied at "
               "every position, what it learns from a stroke in one place applies everywhere, and "
               "its gradient sums over all positions. (Grading: 1 point for z′_ij = z_{i,j−1} from "
               "the index form; 1 point for pooling's one- versus two-pixel behaviour and the "
               "consequence for learning.)"),
}
