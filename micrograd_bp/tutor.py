"""The tutor beside a learner who builds their own engine: ``check_engine``.

The learner writes a ``Value`` class in the style of micrograd's lecture (``data``,
``grad``, ``_prev``, ``_op``, ``_backward``, ``backward()``), in seven stages
(notebook 1b).  :func:`check_engine` builds many graphs twice, once with the
learner's class and once with micrograd_bp's :class:`~micrograd_bp.engine.Value`,
compares the forward values and the grads node by node, and reports the first
disagreement in the learner's terms: which node, expected against got, a hint that
names the likely kind of mistake, and a picture of the smallest failing graph with
the wrong grads in red.  It never shows the code of an answer.

    >>> from micrograd.engine import Value
    >>> print(check_engine(Value, stage=5))
    stage 5 (a node used twice: a + a, a * a): passed

A stage the class does not implement yet is reported as "not there yet".
"""

import random

from . import checks, nodes
from .engine import Value as Reference
from .graph import topological_order
from .time_limit import TimeLimitExceeded, time_limit
from .tutor_graphs import UNARY, Program, apply, programs, random_tree

STAGES = {
    1: "a Value with + and *",
    2: "drawing it",
    3: "each operation's _backward",
    4: "topological order and backward()",
    5: "a node used twice: a + a, a * a",
    6: "tanh, exp, **, /, -, relu",
    7: "Neuron, Layer, MLP, a loss and gradient descent",
}
PASSED, FAILED, NOT_YET = "passed", "failed", "not there yet"

TOLERANCE = 1e-6


class StageResult:
    """How one stage went: ``status`` is "passed", "failed" or "not there yet".

    message : str     what was found (which node, expected against got)
    hint : str        the likely kind of mistake ("" when passed)
    picture : Digraph the smallest failing graph, wrong grads in red (or None)
    """

    def __init__(self, stage, status, message="", hint="", picture=None):
        self.stage = stage
        self.title = STAGES[stage]
        self.status = status
        self.message = message
        self.hint = hint
        self.picture = picture

    @property
    def passed(self):
        return self.status == PASSED

    def line(self):
        """The stage on one line: ``stage 3 (...): failed: ... Hint: ...``."""
        text = f"stage {self.stage} ({self.title}): {self.status}"
        text += f": {self.message}" if self.message else ""
        return text + (f" Hint: {self.hint}" if self.hint else "")

    def as_dict(self):
        return {"stage": self.stage, "title": self.title, "status": self.status,
                "message": self.message, "hint": self.hint}

    def __repr__(self):
        return f"<StageResult {self.line()!r}>"


class Report:
    """The results of :func:`check_engine`, one :class:`StageResult` per stage.

    ``ok`` is True when every stage checked passed.  Printed, one line per stage;
    in a notebook the failing stages' pictures are shown too.
    """

    def __init__(self, results):
        self.results = list(results)

    @property
    def ok(self):
        return all(r.passed for r in self.results)

    def __str__(self):
        return "\n".join(r.line() for r in self.results)

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        import html

        parts = [f"<pre>{html.escape(str(self))}</pre>"]
        for r in self.results:
            if r.picture is not None:
                try:
                    svg = r.picture.pipe(format="svg").decode("utf-8")
                    parts.append(svg[svg.index("<svg"):])
                except Exception:  # no Graphviz dot: the text says it all
                    pass
        return "\n".join(parts)


class Finding(Exception):
    """Raised inside a stage's check: ``status``, message, hint and picture."""

    def __init__(self, status, message, hint="", picture=None):
        super().__init__(message)
        self.status, self.message, self.hint, self.picture = status, message, hint, picture


def not_yet(message):
    return Finding(NOT_YET, message)


def check_engine(Value, stage=None, *, MLP=None, train=None, seed=0, timeout=None):
    """Check a learner's ``Value`` class stage by stage.

    ``stage``: one stage (1 to 7), a list of stages, or None for all seven.  Stage 7
    also needs ``MLP`` (``MLP(3, [4, 4, 1])`` with ``parameters()``) and, to check the
    learner's own descent, ``train(mlp, xs, ys)``, which returns the loss of each step.
    ``timeout`` (seconds, None for none): a stage still running after it is stopped and
    reported as failed (see :mod:`micrograd_bp.time_limit` for what it cannot stop).
    Returns a :class:`Report`; nothing is raised for a broken class, whatever it does.
    """
    if timeout is not None:
        timeout = checks.number(timeout, "check_engine: timeout", 0, low_inclusive=False)
    results = []
    for s in _stages(stage):
        rng = random.Random(seed * 100 + s)
        try:
            with time_limit(timeout):
                if s > 1:
                    _first_value(Value)
                CHECKS[s](Value, rng, (MLP, train))
            results.append(StageResult(s, PASSED))
        except TimeLimitExceeded:
            results.append(StageResult(s, FAILED, f"did not finish within {timeout:g} s", ENDLESS))
        except Finding as f:
            results.append(StageResult(s, f.status, f.message, f.hint, f.picture))
        except RecursionError:
            results.append(StageResult(s, FAILED, "RecursionError: maximum recursion depth "
                                       "exceeded", RECURSION))
        except Exception as error:  # the learner's code may raise anything
            results.append(StageResult(s, FAILED, f"{type(error).__name__}: {error}",
                                       "read the error: it came from your class"))
    return Report(results)


def _stages(stage):
    chosen = list(STAGES) if stage is None else [stage] if isinstance(stage, int) else list(stage)
    for s in chosen:
        if isinstance(s, bool) or s not in STAGES:
            raise ValueError(f"check_engine: stage must be a whole number from 1 to 7, got {s!r}")
    return chosen


# --- the hints ------------------------------------------------------------------

ENDLESS = "an endless loop?"
RECURSION = ("recursion too deep: a recursive walk needs one Python call per node of the "
             "chain; walk with a list of your own (a stack) instead of recursion")
ACCUMULATE = ("= instead of +=: a _backward overwrote the grad an operand already had "
              "from another use; add to it instead")
ROOT_ONE = "backward() must start from the root with root.grad = 1 (dL/dL = 1)"
TWICE = ("a node visited twice: its _backward ran more than once, so its operands got its "
         "grad twice; keep a set of the nodes already visited")
ORDER = ("wrong order: a node's _backward ran before every node that uses it had passed "
         "its grad to it; call them in reversed topological order (the root first)")
MISSED = ("a node was never visited: its _backward never ran; the topological order "
          "must list every node reachable through _prev")


def _derivative_hint(op, k, expected, got, g, own=None, other=None, unary=False):
    """The likely mistake in the grad of operand k of ``op`` (expected, got: its grads)."""
    which = f"the derivative of {op}" + ("" if unary else f" with respect to its {_ordinal(k)} operand")
    if _close(got, -expected):
        return f"{which} has the wrong sign"
    if g not in (0.0, 1.0) and _close(got, expected / g):
        return f"{which} lacks the factor out.grad (the chain rule multiplies by it)"
    if _close(got, g) and not _close(expected, g):
        return f"{which} is missing: out.grad was passed on unchanged"
    if own is not None and _close(got, own * g) and not _close(own, other):
        return f"{which} used the operand's own data where the other operand's belongs"
    if _close(got, 0.0):
        return f"{which}: the operand's grad was not changed at all"
    if expected != 0 and _close(got / expected, round(got / expected)):
        return f"{which} is off by a factor {round(got / expected)}"
    return f"{which} is not right: work it out by hand, then nudge the input to check"


def _ordinal(k):
    return ("first", "second", "third")[k] if k < 3 else f"{k + 1}th"


def _close(x, y):
    return abs(x - y) <= TOLERANCE * (1.0 + abs(y))


# --- comparing the learner's graph with micrograd_bp's ------------------------------

def compare_forward(program, cls):
    """Raise a Finding at the first node whose data differs from micrograd_bp's."""
    theirs, ours = program.build(cls), program.build(Reference)
    names = program.names()
    for k, (t, o) in enumerate(zip(theirs, ours)):
        got = _data(t, names[k])
        if not _close(got, o.data):
            raise Finding(FAILED, f"in {program.title}, {program.formula(k)} has data {got:.6g}, "
                                  f"expected {o.data:.6g}",
                          f"the forward rule of {program.steps[k - len(program.leaves)][0]} is "
                          f"not right", picture(program, theirs, [k], "red: its data differs "
                                                f"from micrograd_bp's, {o.data:.4g}"))
    return theirs, ours


def _data(node, name):
    try:
        return float(node.data)
    except AttributeError:
        raise Finding(FAILED, f"{name} has no attribute 'data'",
                      "every Value keeps its number in .data") from None
    except (TypeError, ValueError):
        raise Finding(FAILED, f"{name}.data is {node.data!r}, not a number",
                      "every Value keeps its number in .data") from None


def compare_grads(program, theirs, ours, diagnose):
    """Raise a Finding at the first node, root first, whose grad differs.

    ``diagnose(program, theirs, k)`` returns the hint.
    """
    names = program.names()
    wrong = [k for k in range(len(theirs))
             if not _close(float(theirs[k].grad), ours[k].grad)]
    if not wrong:
        return
    k = max(wrong)  # nearest the root: the nodes are listed operands first
    what = program.formula(k) if k >= len(program.leaves) else f"the leaf {names[k]}"
    raise Finding(FAILED, f"in {program.title}, {what}: grad {float(theirs[k].grad):.6g}, "
                          f"expected {ours[k].grad:.6g}",
                  diagnose(program, theirs, k), picture(program, theirs, wrong, "red: grad differs "
                                                        "from micrograd_bp's: " + "; ".join(
                      f"{names[j]} expected {ours[j].grad:.4g}" for j in reversed(wrong[-4:]))))


def picture(program, theirs, wrong, caption):
    """The learner's graph, drawn by micrograd_bp, the nodes in ``wrong`` in red."""
    if program.size() > 40:
        return None  # a deep chain: too large to read
    try:
        from .draw import draw_graph

        names = program.names()
        mirrors = nodes.mirror(theirs[-1], {id(t): names[k] for k, t in enumerate(theirs)})
        marks = {mirrors[id(theirs[k])]: "red" for k in wrong if id(theirs[k]) in mirrors}
        return draw_graph(theirs[-1], highlight=marks, caption=caption)
    except Exception:  # no graphviz package, or a graph that cannot be mirrored
        return None


def backward_of(program, cls, how):
    """Build ``program`` both ways, run backward (``how(root)`` on theirs) and compare."""
    theirs, ours = compare_forward(program, cls)
    ours[-1].backward()
    try:
        how(theirs)
    except RecursionError:
        raise Finding(FAILED, f"in {program.title}, backward() raised RecursionError",
                      RECURSION) from None
    return theirs, ours


# --- the stages -------------------------------------------------------------------

def stage_1(Value, rng, network):
    """A Value holds data; + and * compute the result and record operands and op."""
    try:
        a, b = Value(2.0), Value(-3.0)
    except Exception as error:
        raise not_yet(f"Value(2.0) raised {type(error).__name__}: {error}") from None
    if not hasattr(a, "data"):
        raise not_yet("Value(2.0) has no attribute 'data'")
    missing = [op for op in ("+", "*") if not _supports(a, b, op)]
    if len(missing) == 2:
        raise not_yet("neither a + b nor a * b works yet")
    if missing:
        raise Finding(FAILED, f"a {missing[0]} b is not there yet",
                      f"define the method Python calls for {missing[0]}")
    for op in ("+", "*"):
        out = apply(op, [a, b])
        expected = apply(op, [2.0, -3.0])
        if not _close(_data(out, f"a {op} b"), expected):
            raise Finding(FAILED, f"a {op} b has data {out.data!r}, expected {expected}",
                          f"the result of {op} is the {op} of the operands' data")
        _check_record(out, op, [a, b], f"a {op} b")
    for op, text, make in (("+", "a + 2", lambda: a + 2.0), ("+", "2 + a", lambda: 2.0 + a),
                           ("*", "a * 3", lambda: a * 3.0), ("*", "3 * a", lambda: 3.0 * a)):
        try:
            out = make()
        except TypeError:
            side = "left" if text[0].isdigit() else "right"
            raise Finding(FAILED, f"{text} raised TypeError",
                          f"a number on the {side} of {op}: "
                          + ("Python asks the number first, then calls the Value's reflected "
                             "method (__radd__, __rmul__)" if side == "left"
                             else "turn the number into a Value first")) from None
        expected = apply(op, [2.0, 2.0 if op == "+" else 3.0])
        if not _close(_data(out, text), expected):
            raise Finding(FAILED, f"{text} has data {out.data!r}, expected {expected}")
    for program in programs(rng, ("+", "*"), deep=False):
        compare_forward(program, Value)


def _first_value(Value):
    """Value(2.0), or "not there yet" when even that does not work."""
    try:
        return Value(2.0)
    except Exception as error:
        raise not_yet(f"Value(2.0) raised {type(error).__name__}: {error} "
                      f"(stage 1 comes first)") from None


def _supports(a, b, op):
    try:
        apply(op, [a, b])
        return True
    except (TypeError, AttributeError, NotImplementedError):
        return False


def _check_record(out, op, operands, text):
    if not hasattr(out, "_prev"):
        raise Finding(FAILED, f"{text} has no attribute '_prev'",
                      "each result must remember its operands in _prev")
    try:
        kept = list(out._prev)
    except TypeError:
        raise Finding(FAILED, f"{text}._prev is {type(out._prev).__name__}, not a "
                              f"collection", "keep the operands in a tuple or a set") from None
    if any(not any(k is x for k in kept) for x in operands):
        raise Finding(FAILED, f"{text}._prev does not hold both operands",
                      "record the operand Values themselves in _prev")
    if getattr(out, "_op", None) != op:
        raise Finding(FAILED, f"{text}._op is {getattr(out, '_op', None)!r}, expected {op!r}",
                      "record the operation's symbol in _op")


def stage_2(Value, rng, network):
    """The graph can be drawn: every node has a grad, and draw_graph draws it."""
    from .draw import draw_graph

    a = Value(2.0)
    if not hasattr(a, "grad"):
        raise not_yet("a Value has no attribute 'grad' yet")
    if a.grad != 0:
        raise Finding(FAILED, f"a new Value has grad {a.grad!r}, expected 0",
                      "a grad starts at 0: nothing has flowed back yet")
    for program in programs(rng, ("+", "*"), count=10, deep=False):
        theirs, ours = program.build(Value), program.build(Reference)
        draw_graph(theirs[-1])
        drawn, expected = len(nodes.mirror(theirs[-1])), len(topological_order(ours[-1]))
        if drawn != expected:
            raise Finding(FAILED, f"the drawing of {program.title} shows {drawn} nodes, "
                                  f"expected {expected}", "_prev must hold every operand",
                          picture(program, theirs, [], "the drawing of your nodes"))


def stage_3(Value, rng, network):
    """Each operation's _backward adds d out/d operand × out.grad to the operand."""
    out = Value(2.0) + Value(-3.0)
    if not hasattr(out, "_backward") or not hasattr(out, "grad"):
        raise not_yet("a result has no _backward yet")
    changed = [_one_backward(Value, op, 0.0) for op in ("+", "*")]
    if not any(changed):
        raise not_yet("_backward changes no grad yet")
    for size in range(1, 21):
        tree = random_tree(rng, ("+", "*"), size)
        theirs, ours = backward_of(tree, Value, _by_hand)
        compare_grads(tree, theirs, ours, _diagnose)


def _backward_written(Value):
    """"Not there yet" while no operation's _backward changes a grad (stage 3)."""
    if not hasattr(Value(1.0) + Value(2.0), "_backward"):
        raise not_yet("stage 3's _backward comes first")
    if not any(_one_backward(Value, op, 0.0) for op in ("+", "*")):
        raise not_yet("stage 3's _backward changes no grad yet")


def _one_backward(Value, op, start, a_data=2.0, b_data=-3.0, g=1.5):
    """out = a op b; out.grad = g; a.grad = b.grad = start; out._backward(); check.

    Returns True when some grad changed; raises a Finding when one is wrong.
    """
    a, b = Value(a_data), Value(b_data)
    out = apply(op, [a, b])
    a.grad, b.grad, out.grad = start, start, g
    out._backward()
    local = {"+": (1.0, 1.0), "*": (b_data, a_data)}[op]
    for k, (x, d) in enumerate(zip((a, b), local)):
        expected, got = start + d * g, float(x.grad)
        if _close(got, expected):
            continue
        if start and _close(got, d * g):
            raise Finding(FAILED, f"out = a {op} b with a.grad = b.grad = {start} before: after "
                                  f"out._backward(), {'ab'[k]}.grad = {got:.6g}, expected "
                                  f"{expected:.6g}", ACCUMULATE)
        if not start and _close(got, 0.0) and all(_close(float(v.grad), 0.0) for v in (a, b)):
            return False
        own, other = (a_data, b_data) if k == 0 else (b_data, a_data)
        raise Finding(FAILED, f"out = a {op} b, a = {a_data}, b = {b_data}, out.grad = {g}: "
                              f"out._backward() gives {'ab'[k]}.grad = {got:.6g}, expected "
                              f"{expected:.6g}",
                      _derivative_hint(op, k, d * g, got - start, g, own, other),
                      _small_picture(a, b, out, k))
    return True


def _small_picture(a, b, out, k):
    try:
        from .draw import draw_graph

        mirrors = nodes.mirror(out, {id(a): "a", id(b): "b", id(out): "out"})
        return draw_graph(out, highlight={mirrors[id((a, b)[k])]: "red"},
                          caption="red: its grad differs from micrograd_bp's")
    except Exception:
        return None


def _by_hand(theirs):
    """Backprop by hand: root.grad = 1, then each _backward in micrograd_bp's order."""
    root = theirs[-1]
    for node in theirs:
        node.grad = 0.0
    root.grad = 1.0
    mirrors = nodes.mirror(root)
    for m in reversed(topological_order(mirrors[id(root)])):
        m.source._backward()


def _learners_backward(theirs):
    theirs[-1].backward()


def stage_4(Value, rng, network):
    """backward(): a topological order, root.grad = 1, each _backward root first."""
    if not hasattr(Value(1.0), "backward"):
        raise not_yet("a Value has no backward() yet")
    _backward_written(Value)
    for program in programs(rng, ("+", "*")):
        theirs, ours = backward_of(program, Value, _learners_backward)
        compare_grads(program, theirs, ours, _diagnose)


def _diagnose(program, theirs, k):
    """The likely mistake behind a wrong grad in a backward pass of ``program``."""
    root = theirs[-1]
    if not _close(float(root.grad), 1.0):
        return ROOT_ONE
    calls = _watched_calls(program, type(root))
    if calls is not None:
        interior = set(range(len(program.leaves), program.size()))
        names = {id(t): i for i, t in enumerate(calls[1])}
        order = [names[id(n)] for n in calls[0] if names.get(id(n)) in interior]
        reachable = program.reachable()
        if len(order) != len(set(order)):
            return TWICE
        for i, node in enumerate(order):
            users = {u for u in reachable if node in program.operands_of(u)}
            if any(u not in order[:i] for u in users):
                return ORDER
        if any(u not in order for u in interior & reachable):
            return MISSED
    for op in {op for op, _ in program.steps} & {"+", "*"}:
        try:
            _one_backward(type(root), op, 0.25)
        except Finding as f:
            return f.hint
    op = program.steps[k - len(program.leaves)][0] if k >= len(program.leaves) else None
    return (f"check the _backward of {op}" if op else
            "check the _backward of the operations that use it")


def _watched_calls(program, cls):
    """(the nodes whose _backward ran, in order; the nodes) of a fresh backward()."""
    from .learner_steps import watching

    theirs = program.build(cls)
    calls = []
    try:
        with watching(theirs, after=calls.append):
            theirs[-1].backward()
    except Exception:
        return None
    return calls, theirs


def stage_5(Value, rng, network):
    """A node used twice gets the sum of both contributions (+= in every _backward)."""
    if not hasattr(Value(1.0), "backward"):
        raise not_yet("stage 4's backward() comes first")
    _backward_written(Value)
    for op in ("+", "*"):
        _one_backward(Value, op, 0.25)
    a_twice = [Program([3.0], [("+", [0, 0])], "b = a + a"),
               Program([3.0], [("*", [0, 0])], "b = a * a"),
               Program([3.0, -2.0], [("*", [0, 1]), ("+", [2, 0])], "d = a * b + a")]
    for program in a_twice + programs(rng, ("+", "*"), twice=True):
        theirs, ours = backward_of(program, Value, _learners_backward)
        compare_grads(program, theirs, ours, _diagnose)


OPERATIONS_6 = ("tanh", "exp", "**", "/", "-", "neg", "relu")


def stage_6(Value, rng, network):
    """tanh, exp, ** (by a number), /, - and relu, each forward and backward."""
    present = [op for op in OPERATIONS_6 if _has(Value, op)]
    if not present:
        raise not_yet("none of tanh, exp, **, /, -, relu is there yet")
    for op in present:
        for x, y in ((0.8, 1.7), (-1.3, 0.6), (2.0, -0.5)):
            steps = [(op, [0] if op in UNARY else [0, 2.0] if op == "**" else [0, 1]),
                     ("*", [2, 1.5])]  # out.grad = 1.5: a missing factor shows
            applied = f"{op}(a)" if op in ("tanh", "exp", "relu") else f"({_shown(op)})"
            program = Program([x, y], steps, f"n2 = 1.5 × {applied} at a = {x}, b = {y}")
            theirs, ours = backward_of(program, Value, _learners_backward)
            compare_grads(program, theirs, ours,
                          lambda p, t, k, op=op, ours=ours: _op_hint(op, t, ours, k))
    ops = tuple(present) + ("+", "*")
    for program in programs(rng, ops, deep=False):
        try:
            if any(abs(v.data) > 1e6 for v in program.build(Reference)):
                continue  # too large to compare in floats
        except (ValueError, OverflowError, ZeroDivisionError):
            continue
        theirs, ours = backward_of(program, Value, _learners_backward)
        compare_grads(program, theirs, ours, _diagnose)
    missing = [op for op in OPERATIONS_6 if op not in present]
    if missing:
        raise not_yet(f"{', '.join(map(_shown, missing))} missing "
                      f"({', '.join(map(_shown, present))} pass)")


def _shown(op):
    return {"neg": "-a", "-": "a - b", "/": "a / b", "**": "a ** 2"}.get(op, op)


def _op_hint(op, theirs, ours, k):
    got, expected = float(theirs[k].grad), ours[k].grad
    return _derivative_hint(_shown(op), k, expected, got, 1.5, unary=op in UNARY)


def _has(Value, op):
    a, b = Value(1.5), Value(0.5)
    try:
        apply(op, [a, 2 if op == "**" else b])
        return True
    except (TypeError, AttributeError, NotImplementedError):
        return False


XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
YS = [1.0, -1.0, -1.0, 1.0]


def stage_7(Value, rng, network):
    """MLP(3, [4, 4, 1]): its parameters, its grads against finite differences of its
    own forward pass, zero_grad, and the learner's gradient descent making the loss fall."""
    MLP, train = network
    if MLP is None:
        raise not_yet("give your network too: check_engine(Value, stage=7, MLP=MLP, train=train)")
    state = random.getstate()
    random.seed(rng.random())  # the learner's MLP draws its weights from random
    try:
        mlp = MLP(3, [4, 4, 1])
    finally:
        random.setstate(state)
    params = list(mlp.parameters())
    if len(params) != 41:
        raise Finding(FAILED, f"MLP(3, [4, 4, 1]).parameters() has {len(params)} Values, "
                              f"expected 41", "each neuron has one weight per input and a bias")

    def loss():
        total = None
        for x, y in zip(XS, YS):
            out = mlp(x)
            out = out[0] if isinstance(out, (list, tuple)) else out
            d = out + (-y)
            total = d * d if total is None else total + d * d
        return total

    for p in params:
        p.grad = 0.0
    loss().backward()
    for i, p in enumerate(params):
        expected, got = _central_difference(loss, p), float(p.grad)
        if abs(got - expected) > 1e-4 * (1 + abs(expected)):
            raise Finding(FAILED, f"parameter {i} of mlp.parameters(): grad {got:.6g}, a "
                                  f"finite difference of your own forward gives {expected:.6g}",
                          "check that every weight and bias is a Value used in the "
                          "forward pass, and stages 4 to 6")
    if hasattr(mlp, "zero_grad"):
        mlp.zero_grad()
        if any(float(p.grad) != 0 for p in params):
            raise Finding(FAILED, "after mlp.zero_grad() some grads are not 0",
                          "missing reset: zero_grad must set every parameter's grad to 0")
    if train is None:
        raise not_yet("the network passes; give your training loop too: "
                      "check_engine(Value, stage=7, MLP=MLP, train=train)")
    _check_descent(train, mlp, params, loss)


def _check_descent(train, mlp, params, loss):
    """The learner's ``train(mlp, xs, ys)`` makes the loss fall, step after step.

    Run once from grads of 0: the first step must lower the loss (else it climbs).
    Run again with every grad set beforehand to 50 times the uphill direction: a loop
    that resets the grads before backward() does not notice; one that does not climbs.
    """
    losses = _losses(train, mlp)
    if losses[1] >= losses[0]:
        raise Finding(FAILED, f"train's first step took the loss from {losses[0]:.6g} up to "
                              f"{losses[1]:.6g}", "a step goes downhill, against the gradient "
                              "(p.data minus the learning rate times p.grad)")
    for p in params:
        p.grad = 0.0
    loss().backward()
    for p in params:
        p.grad = -50.0 * p.grad  # stale grads, pointing uphill
    again = _losses(train, mlp)
    if again[1] >= again[0]:
        raise Finding(FAILED, f"with grads left over from before, train's first step took "
                              f"the loss from {again[0]:.6g} up to {again[1]:.6g}",
                      "missing reset: set every grad to 0 (zero_grad) before each backward(), "
                      "or the grads of earlier steps add up")
    if not losses[-1] < 0.5 * losses[0]:
        raise Finding(FAILED, f"train(mlp, xs, ys) took the loss from {losses[0]:.6g} only to "
                              f"{losses[-1]:.6g} in {len(losses)} steps",
                      "take more steps or a larger learning rate")


def _losses(train, mlp):
    losses = [float(getattr(x, "data", x)) for x in train(mlp, XS, YS)]
    if len(losses) < 2:
        raise Finding(FAILED, f"train(mlp, xs, ys) returned {len(losses)} losses",
                      "return the loss of every step, as a list")
    return losses


def _central_difference(f, p, eps=1e-6):
    x = p.data
    p.data = x + eps
    up = f().data
    p.data = x - eps
    down = f().data
    p.data = x
    return (up - down) / (2 * eps)


CHECKS = {1: stage_1, 2: stage_2, 3: stage_3, 4: stage_4, 5: stage_5, 6: stage_6, 7: stage_7}

