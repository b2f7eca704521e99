"""bpbook.engine.Value against torch.autograd (float64), closed forms and finite differences."""
import math

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bpbook.engine import Step, Value
from tests.strategies import VALUE_OPS, programs, run_program, torch_ops

TOL = 1e-9


def close(a, b, tol=TOL):
    return abs(a - b) <= tol * max(1.0, abs(b))


def value_run(program):
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(program.leaves)]
    try:
        registers = run_program(program, VALUE_OPS, leaves)
    except OverflowError:
        assume(False)  # a graph whose numbers leave float range says nothing about gradients
    assume(all(abs(r.data) < 1e6 for r in registers))
    return registers


def torch_run(program):
    leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in program.leaves]
    registers = run_program(program, torch_ops(), leaves)
    for r in registers[len(leaves):]:
        if r.requires_grad:
            r.retain_grad()
    return registers


def torch_grad(t):
    return 0.0 if t.grad is None else t.grad.item()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(programs())
def test_matches_torch_on_random_expressions(program):
    ours = value_run(program)
    ours[-1].backward()
    theirs = torch_run(program)
    theirs[-1].backward()
    for i, (v, t) in enumerate(zip(ours, theirs)):
        assert close(v.data, t.item()), f"forward of register {i}: {v.data} vs torch {t.item()}"
        assert close(v.grad, torch_grad(t)), (
            f"gradient of register {i} of {program}: ours {v.grad}, torch {torch_grad(t)}")


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(programs(min_instructions=2), programs(min_instructions=2))
def test_leaves_accumulate_across_two_outputs_like_torch(first, second):
    """Two outputs sharing leaves: two backward passes add up in the leaves, as in torch."""
    n = min(len(first.leaves), len(second.leaves))
    second = type(second)(first.leaves[:n] + second.leaves[n:], second.instructions)
    ours_a, ours_b = value_run(first), None
    leaves = ours_a[:len(first.leaves)]
    try:
        ours_b = run_program(second, VALUE_OPS, leaves[:n] + [Value(x) for x in second.leaves[n:]])
    except OverflowError:
        assume(False)
    assume(all(abs(r.data) < 1e6 for r in ours_b))
    ours_a[-1].backward()
    ours_b[-1].backward()
    t_leaves = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in first.leaves]
    t_extra = [torch.tensor(x, dtype=torch.float64) for x in second.leaves[n:]]
    run_program(first, torch_ops(), t_leaves)[-1].backward()
    out_b = run_program(second, torch_ops(), t_leaves[:n] + t_extra)[-1]
    if out_b.requires_grad:
        out_b.backward()
    for v, t in zip(leaves, t_leaves):
        assert close(v.grad, torch_grad(t))


@pytest.mark.parametrize("name, f, df", [
    ("exp", lambda v: v.exp(), math.exp),
    ("log", lambda v: v.log(), lambda x: 1 / x),
    ("tanh", lambda v: v.tanh(), lambda x: 1 - math.tanh(x) ** 2),
    ("sigmoid", lambda v: v.sigmoid(), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    ("relu", lambda v: v.relu(), lambda x: float(x > 0)),
    ("leaky_relu", lambda v: v.leaky_relu(0.2), lambda x: 1.0 if x > 0 else 0.2),
    ("x**3", lambda v: v ** 3, lambda x: 3 * x * x),
    ("x**-0.5", lambda v: v ** -0.5, lambda x: -0.5 * x ** -1.5),
    ("2**x", lambda v: 2 ** v, lambda x: 2 ** x * math.log(2)),
    ("1/x", lambda v: 1 / v, lambda x: -1 / x ** 2),
    ("3-x", lambda v: 3 - v, lambda x: -1.0),
    ("-x", lambda v: -v, lambda x: -1.0),
])
@pytest.mark.parametrize("x", [0.3, 1.7])
def test_every_operation_against_closed_form_and_central_difference(name, f, df, x):
    v = Value(x)
    out = f(v)
    out.backward()
    assert close(v.grad, df(x)), f"{name}: grad {v.grad}, closed form {df(x)}"
    h = 1e-6
    numeric = (f(Value(x + h)).data - f(Value(x - h)).data) / (2 * h)
    assert abs(v.grad - numeric) < 1e-6, f"{name}: grad {v.grad}, central difference {numeric}"


def test_fan_out_sums_the_paths():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0
    c = Value(-1.5)
    e = c * 2.0
    (e * e + e.tanh() * c).backward()  # d/dc of 4c² + c·tanh(2c)
    assert close(c.grad, 8 * c.data + math.tanh(2 * c.data) + 2 * c.data * (1 - math.tanh(2 * c.data) ** 2))


def test_chain_of_100000_nodes_backpropagates_without_recursion_error():
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0
    y.backward()
    assert x.grad == 1.0
    assert len(y.topological_order()) == 1 + 4 * 100_000  # x, then per link: 1.0, *, 0.0, +


def test_deep_chain_of_unary_ops_matches_closed_form():
    x = Value(0.1)
    y = x
    for _ in range(100_000):
        y = -y
    y.backward()
    assert y.data == 0.1 and x.grad == 1.0


def test_second_backward_raises_instead_of_doubling():
    x = Value(2.0)
    L = x * x + x
    L.backward()
    assert x.grad == 5.0
    with pytest.raises(RuntimeError, match="zero_grad"):
        L.backward()
    assert x.grad == 5.0
    L.zero_grad()
    assert x.grad == 0.0
    L.backward()
    assert x.grad == 5.0


def test_intermediate_gradients_belong_to_the_latest_pass():
    x = Value(2.0)
    a = x * 3.0
    b, c = a + 1.0, a * a
    b.backward()
    c.backward()
    assert a.grad == 2 * a.data  # dc/da only, not db/da + dc/da
    assert x.grad == 3.0 + 2 * a.data * 3.0  # the leaf accumulates both passes


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(programs(max_instructions=20))
def test_recorded_steps_are_a_reverse_topological_order(program):
    ours = value_run(program)
    root = ours[-1]
    steps = root.backward(record=True)
    assert all(isinstance(s, Step) for s in steps)
    nodes = root.topological_order()
    assert len(steps) == sum(len(n.inputs) for n in nodes)  # one step per edge
    first, last = {}, {}
    for i, s in enumerate(steps):
        first.setdefault(s.node, i)
        last[s.node] = i
        assert s.upstream == s.node.grad  # the node's gradient was complete when it was used
        assert s.passed == s.upstream * s.local
    for n in nodes:
        if n in first:
            assert last[n] - first[n] + 1 == len(n.inputs), "a node's steps are not together"
        for child in n.inputs:
            if child in first:
                assert last[n] < first[child], f"{child} passed on before its consumer {n}"
    assert steps == [] or steps[0].node is root


def test_recorded_steps_sum_to_the_gradients():
    x, w, b = Value(0.5, label="x"), Value(-1.2, label="w"), Value(0.3, label="b")
    y = (w * x + b).sigmoid()
    steps = y.backward(record=True)
    for leaf in (x, w, b):
        assert close(sum(s.passed for s in steps if s.input is leaf), leaf.grad)


@pytest.mark.parametrize("bad", ["1.5", None, [1.0], True, complex(1, 1)])
def test_value_from_a_non_number_is_a_type_error(bad):
    with pytest.raises(TypeError, match="expected a real number.*got"):
        Value(bad)


def test_non_finite_values_are_refused():
    with pytest.raises(ValueError, match="finite"):
        Value(float("nan"))
    with pytest.raises(OverflowError, match="exp"):
        Value(1000.0).exp()
    with pytest.raises(OverflowError, match="not a finite"):
        Value(1e200) * 1e200


@pytest.mark.parametrize("x", [0.0, -2.0])
def test_log_of_non_positive_is_a_value_error_naming_the_value(x):
    with pytest.raises(ValueError, match=f"positive number, got {x!r}"):
        Value(x).log()


def test_power_errors():
    with pytest.raises(TypeError, match="Value exponent"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(ValueError, match="x >= 0"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match="x != 0"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="positive base"):
        (-2.0) ** Value(1.0)
    with pytest.raises(TypeError, match="real number"):
        Value(2.0) ** "2"
    with pytest.raises(ZeroDivisionError, match="equal to 0"):
        Value(1.0) / 0


def test_sigmoid_is_finite_far_from_zero():
    for x in (-800.0, 800.0):
        v = Value(x)
        s = v.sigmoid()
        s.backward()
        assert 0.0 <= s.data <= 1.0 and v.grad == 0.0


def test_labels_and_repr():
    a = Value(2.0, label="a")
    assert a.label == "a" and "label='a'" in repr(a)
    assert (a * 3).op == "*" and (a * 3).inputs[0] is a


@given(st.floats(-5, 5), st.floats(-5, 5))
def test_numbers_on_either_side(x, c):
    v = Value(x)
    assert (c + v).data == c + x and (v + c).data == x + c
    assert (c - v).data == c - x and (v - c).data == x - c
    assert (c * v).data == c * x and (v * c).data == x * c
