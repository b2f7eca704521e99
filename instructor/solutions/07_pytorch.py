"""Instructor material for chapter 07: solutions, model answers and points."""
EXERCISES = {
    "07.train-step": dict(
        points=2,
        solution=("def train_step(net, opt, X, Y):\n"
                  "    opt.zero_grad()\n"
                  "    loss = half_mse(net(X), Y)\n"
                  "    loss.backward()\n"
                  "    opt.step()\n"
                  "    return loss.item()\n"),
        wrong=("def train_step(net, opt, X, Y):\n"
               "    loss = half_mse(net(X), Y)\n"
               "    loss.backward()\n"
               "    opt.step()\n"
               "    return loss.item()\n")),
}
THINK = {}
