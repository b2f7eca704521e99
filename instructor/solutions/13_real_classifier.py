"""Instructor material for chapter 13: solutions, model answers and points."""
PER_STUDENT = True  # 13.param-count's hidden width is each student's own (bpbook.variants)
EXERCISES = {
    "13.ce-grad": dict(
        points=2,
        solution=("def ce_grad(o, labels):\n"
                  "    m = o.shape[1]\n"
                  "    g = softmax(o)\n"
                  "    g[labels, np.arange(m)] -= 1.0\n"
                  "    return g / m\n"),
        wrong=("def ce_grad(o, labels):\n"
               "    g = softmax(o)\n"
               "    g[labels, np.arange(o.shape[1])] -= 1.0\n"
               "    return g\n")),
    "13.logsumexp": dict(
        points=2,
        solution=("def logsumexp(o):\n"
                  "    c = o.max(axis=0, keepdims=True)\n"
                  "    return c + np.log(np.exp(o - c).sum(axis=0, keepdims=True))\n"),
        wrong=("def logsumexp(o):\n"
               "    return np.log(np.exp(o).sum(axis=0, keepdims=True))\n")),
    "13.param-count": dict(
        points=1,
        solution="answer = 64 * PARAM_HIDDEN + PARAM_HIDDEN + PARAM_HIDDEN * 10 + 10",
        wrong="answer = 64 * PARAM_HIDDEN + PARAM_HIDDEN * 10"),
}
THINK = {
    "13.batch-noise": dict(points=2, answer=(
        "Each mini-batch gradient is computed from a small random sample of the training set, so "
        "it is the full gradient plus noise, and the loss of one batch depends on which images "
        "it holds: the curve jumps. Per epoch (the same work) the mini-batch run takes "
        "m / batch-size steps where full-batch descent takes one, and many slightly noisy steps "
        "get further than one exact step, so its loss after an epoch is lower. Batches of 1 "
        "(plain SGD) give the most steps and the noisiest path, and at this learning rate may "
        "not settle; a batch as large as the training set is full-batch gradient descent: "
        "smooth, one step per epoch, slow per unit of work.")),
}
