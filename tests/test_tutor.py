"""check_engine: each kind of mistake, put into an otherwise correct learner's engine
(tests/learner_engine.py), is caught at the right stage with the right hint; a
correct engine and micrograd 0.1.0 pass; what is missing is "not there yet"."""

import pytest
from learner_engine import engine

from micrograd_bp import tutor_graphs
from micrograd_bp.engine import Value as Reference
from micrograd_bp.tutor import check_engine

pytestmark = pytest.mark.timeout(60)  # a graph walk that never ends fails, not hangs


def result(mistake, stage, **options):
    found = engine(mistake, **options)
    report = check_engine(found["Value"], stage=stage, MLP=found["MLP"], train=found["train"])
    (only,) = report.results
    return only


def test_a_correct_engine_passes_every_stage():
    found = engine()
    report = check_engine(found["Value"], MLP=found["MLP"], train=found["train"])
    assert report.ok, str(report)
    assert [r.stage for r in report.results] == [1, 2, 3, 4, 5, 6, 7]
    assert str(report).count("passed") == 7


@pytest.mark.parametrize("mistake, stage, hint", [
    ("no radd", 1, "__radd__"),
    ("wrong op name", 1, "_op"),
    ("no prev", 1, "_prev"),
    ("add sign", 3, "wrong sign"),
    ("mul missing factor", 3, "lacks the factor out.grad"),
    ("mul own data", 3, "own data where the other operand's belongs"),
    ("assign", 5, "= instead of +="),
    ("assign", 4, "= instead of +="),  # a DAG reuses nodes: stage 4 notices it too
    ("no root one", 4, "root.grad = 1"),
    ("visit twice", 4, "visited twice"),
    ("wrong order", 4, "wrong order"),
    ("missing node", 4, "never visited"),
    ("recursive", 4, "recursion too deep"),
    ("tanh sign", 6, "wrong sign"),
    ("exp missing factor", 6, "lacks the factor out.grad"),
    ("ascent", 7, "downhill"),
    ("no zero_grad reset", 7, "missing reset"),
])
def test_each_mistake_is_caught_at_its_stage_with_its_hint(mistake, stage, hint):
    found = result(mistake, stage)
    assert found.status == "failed", found.line()
    assert hint in found.hint, found.line()
    assert found.line().count("\n") == 0


@pytest.mark.parametrize("mistake, stage", [
    ("add sign", 2), ("assign", 3), ("tanh sign", 5), ("ascent", 6), ("no root one", 3),
])
def test_a_mistake_does_not_fail_the_stages_before_it(mistake, stage):
    assert result(mistake, stage).passed, result(mistake, stage).line()


def test_a_failing_graph_is_pictured_with_the_wrong_grad_in_red():
    found = result("add sign", 3)
    assert found.picture is not None
    assert "red" in found.picture.source
    report = check_engine(engine("add sign")["Value"], stage=3)
    assert "<pre>" in report._repr_html_()


@pytest.mark.parametrize("stage, later", [(1, 2), (2, 3), (3, 4), (5, 6), (6, 7)])
def test_stages_not_written_yet_are_not_there_yet(stage, later):
    found = result(None, later, upto=stage)
    assert found.status == "not there yet", found.line()


def test_an_empty_class_is_not_there_yet_at_every_stage():
    class Value:
        pass

    report = check_engine(Value)
    assert [r.status for r in report.results] == ["not there yet"] * 7, str(report)


def test_a_class_that_raises_is_reported_not_raised():
    class Value:
        def __init__(self, data):
            raise RuntimeError("half written")

    assert "half written" in str(check_engine(Value, stage=1))
    report = check_engine(engine()["Value"], stage=7)  # no MLP given
    assert report.results[0].status == "not there yet"


def test_micrograd_passes_what_it_has_and_lacks_tanh_and_exp():
    from micrograd.engine import Value
    from micrograd.nn import MLP

    def train(mlp, xs, ys):
        losses = []
        for _ in range(20):
            loss = sum((mlp(x) - y) ** 2 for x, y in zip(xs, ys))
            mlp.zero_grad()
            loss.backward()
            for p in mlp.parameters():
                p.data -= 0.02 * p.grad
            losses.append(loss.data)
        return losses

    report = check_engine(Value, MLP=MLP, train=train)
    status = {r.stage: r for r in report.results}
    assert all(status[s].passed for s in (1, 2, 3, 4, 5, 7)), str(report)
    assert status[6].status == "not there yet"
    assert status[6].message.startswith("tanh, exp missing")


def test_a_bad_stage_is_a_one_line_error():
    with pytest.raises(ValueError, match="stage must be a whole number from 1 to 7, got 8"):
        check_engine(engine()["Value"], stage=8)


def test_the_deep_chain_is_as_deep_as_promised():
    chain = tutor_graphs.deep_chain(tutor_graphs.DEEP_CHAIN)
    nodes = chain.build(Reference)
    depth, node = 0, nodes[-1]
    while node.children:
        node = node.children[0]
        depth += 1
    assert depth == tutor_graphs.DEEP_CHAIN


def test_a_stage_that_never_ends_is_stopped_by_the_timeout():
    import sys
    import time

    if sys.gettrace() is not None:
        pytest.skip("a tracer is on (tools/mutate.py's coverage run): time_limit enforces no limit")

    Endless = engine()["Value"]  # a class of its own: its operations make Endless nodes

    def backward(self):  # the walk never ends: what is taken off the stack goes back on
        stack = [self]
        while stack:
            stack.append(stack.pop())

    Endless.backward = backward
    start = time.perf_counter()
    report = check_engine(Endless, stage=[3, 4, 5], timeout=0.5)
    took = time.perf_counter() - start
    assert [r.status for r in report.results] == ["passed", "failed", "failed"]
    assert report.results[1].line() == ("stage 4 (topological order and backward()): failed: "
                                         "did not finish within 0.5 s Hint: an endless loop?")
    assert took < 5, took  # two stages of 0.5 s each, and stage 3
    deadline = time.perf_counter() + 1.0
    while time.perf_counter() < deadline:  # nothing is raised later, out of the blue
        sum(range(100))
    assert check_engine(engine()["Value"], stage=4, timeout=10).ok  # a limit not reached


@pytest.mark.parametrize("timeout", [0, -1, "2", True, float("nan")])
def test_a_timeout_that_is_no_number_of_seconds_is_refused_in_one_line(timeout):
    with pytest.raises(ValueError, match=r"^check_engine: timeout must be a number > 0, got "):
        check_engine(engine()["Value"], stage=1, timeout=timeout)
