"""Instructor material for chapter 07: solutions, model answers and points."""
EXERCISES = {
    "07.accumulate-step": dict(
        points=3,
        solution=("def accumulate_step(net, opt, parts):\n"
                  "    opt.zero_grad()\n"
                  "    total = 0.0\n"
                  "    for X, Y in parts:\n"
                  "        loss = half_mse(net(X), Y) / len(parts)\n"
                  "        loss.backward()\n"
                  "        total += loss.item()\n"
                  "    opt.step()\n"
                  "    return total\n"),
        wrong=("def accumulate_step(net, opt, parts):\n"
               "    opt.zero_grad()\n"
               "    total = 0.0\n"
               "    for X, Y in parts:\n"
               "        loss = half_mse(net(X), Y)\n"
               "        loss.backward()\n"
               "        total += loss.item()\n"
               "    opt.step()\n"
               "    return total / len(parts)\n")),
}
THINK = {}
