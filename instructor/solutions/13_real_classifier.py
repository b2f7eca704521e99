"""Instructor material for chapter 13: solutions, model answers and points."""
PER_STUDENT = True  # 13.mult-count's m and H are each student's own (bpbook.variants)
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
    "13.ce-loss": dict(
        points=2,
        solution=("def ce_loss(o, labels):\n"
                  "    m = o.shape[1]\n"
                  "    c = o.max(axis=0)\n"
                  "    lse = c + np.log(np.exp(o - c).sum(axis=0))\n"
                  "    return np.mean(lse - o[labels, np.arange(m)])\n"),
        wrong=("def ce_loss(o, labels):\n"
               "    p = softmax(o)\n"
               "    return -np.mean(np.log(p[labels, np.arange(o.shape[1])]))\n")),
    "13.mult-count": dict(
        points=1,
        solution="answer = MULT_BATCH * (64 * MULT_HIDDEN + MULT_HIDDEN * 10)",
        wrong="answer = 64 * MULT_HIDDEN + MULT_HIDDEN * 10"),
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
