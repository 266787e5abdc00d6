"""Benchmark: the floor a pure-CPython graph can reach as it grows from 10^4 to 10^6 nodes.

    python benchmarks/bench_floor.py                  # 3 interleaved rounds (~5 min)
    python benchmarks/bench_floor.py --clock process  # on a shared, loaded machine
    python benchmarks/bench_floor.py --quick          # a smoke test

Why: two of issue 13's bars are about how the cost per node grows from a
10,000-node graph to a 1,000,000-node one (``bench_scaling.py --only growth``):
at most 2.5x with Python's default collector on, at most 1.6x with the collector
paused during the build.  Some of that growth is CPython's, not the engine's:
full collections re-scan every live object the collector tracks, and a
100-MB graph no longer fits in any CPU cache.  This script measures how low a
pure-Python graph can go, by building the SAME graph (bench_engine.build_graph:
100 layers mixing + * relu tanh exp, a random operand from the previous layer,
then a balanced sum; the same seed, the same random choices) out of the leanest
nodes that can still be backpropagated:

* ``floor: 4 slots``  a class with ``__slots__ = (data, grad, a, b)`` and nothing
  else: no op, no label.  The operation is the node's class (``Add``, ``Mul``,
  ``Tanh``, ``Relu``, ``Exp``, all sharing the four slots), which costs no memory.
  A user still writes ``a * b``: bench_engine.build_graph builds it unchanged.
* ``floor: 5 slots``  one class, ``__slots__ = (data, grad, op, a, b)``: a pointer
  more per node, but every slot read is specialized for one class (CPython 3.11
  specializes attribute reads per class; five classes defeat it).
* ``floor: tuple``  a plain tuple ``(i, data, op, a, b)``: CPython stops tracking
  a tuple whose items are all untracked (tuples are the only objects it does this
  to), which could spare a growing graph the collector's re-scans.  The grads live
  in a list indexed by ``i``.  Tuples have no operators, so its builder mirrors
  build_graph call for call.
* ``micrograd_bp``  the engine's own Value, for reference in the same run.
* ``micrograd 0.1.0``  (a closure and a set per node), as bench_engine completes it.

The floors do the work any engine must do: the same iterative depth-first walk
to a topological order as the engine's backward() (grads, or a byte per node,
as the walk's marks; leaves never pushed), then one pass over that order in
reverse applying the chain rule per edge (``a.grad += b.data * g`` for a product,
the local derivative from the node's own value for tanh, relu, exp).  The script
first checks that every engine gives the same gradients on a small graph.

Measured per node, in phases: build, walk (to a topological order), chain rule,
free (dropping the graph), the collections that ran meanwhile (timed through
gc.callbacks and taken out of the other phases; counted per generation), and the
final ``gc.collect()``.  Rounds are interleaved (the order alternates), the small graph's
figure is the median of 5 builds in each round, ratios are taken within a round
and the median over rounds is reported.  micrograd_bp's walk is timed by calling
its walk alone once before backward(); its chain rule is backward() minus that walk.

Times are wall-clock by default; ``--clock process`` counts only this process's
CPU time (the collections are timed with the same clock).
"""

import argparse
import gc
import itertools
import math
import platform
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_engine as engines  # noqa: E402  (the graph, micrograd 0.1.0 completed)
from bench_scaling import BARS, median_ratio, rounds  # noqa: E402

import micrograd_bp  # noqa: E402
from micrograd_bp import engine as bp_engine  # noqa: E402

clock = time.perf_counter  # --clock process: time.process_time
PHASES = ("build", "walk", "chain rule", "free", "collections", "gc.collect")
SMALL_REPEATS = 5  # a 10k-node graph takes milliseconds: the median of 5 builds per round


# --- floor 1: the leanest class (four slots; the operation is the class) -------------

class Node:
    """A leaf: its value and dL/d(itself).  ``a``, ``b``: the operands (None here)."""

    __slots__ = ("data", "grad", "a", "b")

    def __init__(self, data):
        self.data = data
        self.grad = 0.0
        self.a = self.b = None

    def __add__(self, other):
        return _node(Add, self.data + other.data, self, other)

    def __mul__(self, other):
        return _node(Mul, self.data * other.data, self, other)

    def tanh(self):
        return _node(Tanh, math.tanh(self.data), self, None)

    def relu(self):
        z = self.data
        return _node(Relu, z if z > 0 else 0.0, self, None)

    def exp(self):
        return _node(Exp, math.exp(self.data), self, None)


def _node(kind, data, a, b):
    """A new interior node of class ``kind``, made as the engine's _result makes one:
    object.__new__ and one store per slot (no __init__ call; no tuple assignment,
    which would allocate a tuple the collector counts)."""
    out = _new(kind)
    out.data = data
    out.grad = 0.0
    out.a = a
    out.b = b
    return out


class Add(Node):
    __slots__ = ()


class Mul(Node):
    __slots__ = ()


class Tanh(Node):
    __slots__ = ()


class Relu(Node):
    __slots__ = ()


class Exp(Node):
    __slots__ = ()


_new = object.__new__


def slots_order(root):
    """The interior nodes in topological order, grads reset to 0: the engine's walk
    (grads as the marks ``opened`` / ``listed``, leaves never pushed).  For floor 2 too."""
    opened, listed = object(), float("0")  # a fresh 0.0, told apart from others by identity
    order = []
    stack = [root] if root.a is not None else []
    while stack:
        node = stack.pop()
        grad = node.grad
        if grad is listed:
            continue
        if grad is opened:
            node.grad = listed
            order.append(node)
            continue
        node.grad = opened
        stack.append(node)
        a, b = node.a, node.b
        if b is not None and b.a is not None and b.grad is not listed:
            stack.append(b)
        if a.a is not None and a.grad is not listed:
            stack.append(a)
    return order


def slots_chain_rule(root, order):
    """child.grad += d node/d child * node.grad, per edge, in reverse topological order."""
    root.grad += 1.0
    for node in reversed(order):
        g = node.grad
        kind = type(node)
        if kind is Add:
            node.a.grad += g
            node.b.grad += g
        elif kind is Mul:
            a, b = node.a, node.b
            a.grad += b.data * g
            b.grad += a.data * g
        elif kind is Tanh:
            h = node.data
            node.a.grad += (1.0 - h * h) * g
        elif kind is Relu:
            if node.data > 0:
                node.a.grad += g
        else:  # Exp: d e**x/dx = e**x, the node's own value
            node.a.grad += node.data * g


# --- floor 2: one class, five slots (the operation in a slot) ---------------------------

LEAF, ADD, MUL, TANH, RELU, EXP = range(6)  # operation codes (small ints: shared objects)


class OpNode:
    """A leaf: its value and dL/d(itself); ``op``: the operation (LEAF here), ``a``,
    ``b``: the operands.  One class for every operation: reading a slot is then one
    specialized instruction, which floor 1's five classes defeat (CPython 3.11
    specializes an attribute read for one class at a time)."""

    __slots__ = ("data", "grad", "op", "a", "b")

    def __init__(self, data):
        self.data = data
        self.grad = 0.0
        self.op = LEAF
        self.a = self.b = None

    def __add__(self, other):
        return _op_node(self.data + other.data, ADD, self, other)

    def __mul__(self, other):
        return _op_node(self.data * other.data, MUL, self, other)

    def tanh(self):
        return _op_node(math.tanh(self.data), TANH, self, None)

    def relu(self):
        z = self.data
        return _op_node(z if z > 0 else 0.0, RELU, self, None)

    def exp(self):
        return _op_node(math.exp(self.data), EXP, self, None)


def _op_node(data, op, a, b):
    """A new interior OpNode (as the engine's _result: object.__new__, slot stores)."""
    out = _new(OpNode)
    out.data = data
    out.grad = 0.0
    out.op = op
    out.a = a
    out.b = b
    return out


def op_chain_rule(root, order):
    """The same chain rule, the operation read from the node's op slot."""
    root.grad += 1.0
    for node in reversed(order):
        g = node.grad
        op = node.op
        if op == ADD:
            node.a.grad += g
            node.b.grad += g
        elif op == MUL:
            a, b = node.a, node.b
            a.grad += b.data * g
            b.grad += a.data * g
        elif op == TANH:
            h = node.data
            node.a.grad += (1.0 - h * h) * g
        elif op == RELU:
            if node.data > 0:
                node.a.grad += g
        else:  # EXP
            node.a.grad += node.data * g


# --- floor 3: tuples (i, data, op, a, b), which CPython can stop tracking --------------


def build_tuple_graph(n_nodes, depth=100, seed=0):
    """bench_engine.build_graph's graph out of tuple nodes: the same random choices,
    call for call.  Returns (root, number of nodes)."""
    rng = random.Random(seed)
    count = itertools.count()  # each node's index into the grads list
    width = max(2, n_nodes // (depth + 1))
    layer = [(next(count), rng.uniform(-1, 1), LEAF, None, None) for _ in range(width)]
    for _ in range(depth - 1):
        new = []
        for a in layer:
            k = rng.random()
            if k < 0.35:
                b = layer[rng.randrange(width)]
                v = (next(count), a[1] + b[1], ADD, a, b)
            elif k < 0.7:
                b = layer[rng.randrange(width)]
                v = (next(count), a[1] * b[1], MUL, a, b)
            elif k < 0.8:
                v = (next(count), a[1] if a[1] > 0 else 0.0, RELU, a, None)
            elif k < 0.95:
                v = (next(count), math.tanh(a[1]), TANH, a, None)
            else:
                t = (next(count), math.tanh(a[1]), TANH, a, None)
                v = (next(count), math.exp(t[1]), EXP, t, None)
            if abs(v[1]) > 10:
                v = (next(count), math.tanh(v[1]), TANH, v, None)
            new.append(v)
        layer = new
    while len(layer) > 1:
        layer = [(next(count), layer[i][1] + layer[i + 1][1], ADD, layer[i], layer[i + 1])
                 if i + 1 < len(layer) else layer[i] for i in range(0, len(layer), 2)]
    return layer[0], next(count)


def tuple_order(root, n):
    """The same walk over tuple nodes, one byte per node as its mark
    (0 unseen, 1 opened, 2 listed).  Returns (order, grads)."""
    state = bytearray(n)
    order = []
    stack = [root] if root[2] != LEAF else []
    while stack:
        node = stack.pop()
        i = node[0]
        if state[i] == 2:
            continue
        if state[i] == 1:
            state[i] = 2
            order.append(node)
            continue
        state[i] = 1
        stack.append(node)
        a, b = node[3], node[4]
        if b is not None and b[2] != LEAF and state[b[0]] != 2:
            stack.append(b)
        if a[2] != LEAF and state[a[0]] != 2:
            stack.append(a)
    return order, [0.0] * n


def tuple_chain_rule(root, order, grads):
    """The same chain rule, the grads in a list indexed by the nodes' i."""
    grads[root[0]] = 1.0
    for i, h, op, a, b in reversed(order):
        g = grads[i]
        if op == ADD:
            grads[a[0]] += g
            grads[b[0]] += g
        elif op == MUL:
            grads[a[0]] += b[1] * g
            grads[b[0]] += a[1] * g
        elif op == TANH:
            grads[a[0]] += (1.0 - h * h) * g
        elif op == RELU:
            if h > 0:
                grads[a[0]] += g
        else:  # EXP
            grads[a[0]] += h * g


# --- the four engines: build, and backward in two timed phases --------------------------

def _timed(function, *args):
    """(result, seconds), the collections that ran meanwhile not counted (they are a
    phase of their own)."""
    before = _collections.total()
    t0 = clock()
    result = function(*args)
    return result, clock() - t0 - (_collections.total() - before)


def slots_backward(root):
    order, walk = _timed(slots_order, root)
    _, chain = _timed(slots_chain_rule if isinstance(root, Node) else op_chain_rule, root, order)
    return walk, chain, order


def tuple_backward(graph):
    root, n = graph
    (order, grads), walk = _timed(tuple_order, root, n)
    _, chain = _timed(tuple_chain_rule, root, order, grads)
    return walk, chain, (order, grads)


def bp_backward(root):
    """backward() as the engine does it; its walk timed alone first, if it has one."""
    walk_alone = getattr(bp_engine, "_interior_order", None)
    walk = None if walk_alone is None else _timed(walk_alone, root)[1]
    _, total = _timed(root.backward)
    return (None, total, None) if walk is None else (walk, total - walk, None)


def mg_order(root):
    """micrograd 0.1.0's own walk (Value.backward's build_topo, recursive)."""
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(root)
    return topo


def mg_chain_rule(root, topo):
    """micrograd 0.1.0's own chain-rule pass (the rest of its Value.backward)."""
    root.grad = 1
    for v in reversed(topo):
        v._backward()


def mg_backward(root):
    topo, walk = _timed(mg_order, root)
    _, chain = _timed(mg_chain_rule, root, topo)
    return walk, chain, topo


ENGINES = {  # name: (build(n_nodes), backward(graph) -> (walk s, chain-rule s, what to free))
    "floor: 4 slots": (lambda n: engines.build_graph(Node, n), slots_backward),
    "floor: 5 slots": (lambda n: engines.build_graph(OpNode, n), slots_backward),
    "floor: tuple": (build_tuple_graph, tuple_backward),
    "micrograd_bp": (lambda n: engines.build_graph(micrograd_bp.Value, n), bp_backward),
    "micrograd 0.1.0": (lambda n: engines.build_graph(engines.mg_engine.Value, n), mg_backward),
}


# --- measuring ----------------------------------------------------------------------

class Collections:
    """A gc.callbacks entry: how many collections of each generation ran, and their time."""

    def __init__(self):
        self.count, self.seconds, self._start = [0, 0, 0], [0.0, 0.0, 0.0], 0.0

    def __call__(self, phase, info):
        if phase == "start":
            self._start = clock()
        else:
            self.count[info["generation"]] += 1
            self.seconds[info["generation"]] += clock() - self._start

    def total(self):
        return sum(self.seconds)


_collections = Collections()  # the run's, while one runs


def run_once(engine, n_nodes, paused):
    """One build + backward + free + gc.collect(): (seconds per phase, Collections)."""
    global _collections
    build, backward = ENGINES[engine]
    gc.collect()
    _collections = collections = Collections()
    gc.callbacks.append(collections)
    if paused:
        gc.disable()
    graph, build_seconds = _timed(build, n_nodes)
    gc.enable()
    walk, chain, keep = backward(graph)
    last_references = [graph, keep]
    del graph, keep
    _, free = _timed(last_references.clear)  # the graph is freed here
    gc.callbacks.remove(collections)  # the final, explicit collection is its own phase
    _, final = _timed(gc.collect)
    phases = dict(zip(PHASES, (build_seconds, walk, chain, free, collections.total(), final)))
    phases["total"] = sum(phases.values())  # micrograd_bp's walk timed alone is not in it
    return phases, collections


class Measure:
    """One (engine, size, collector mode) of the rounds: each call runs it (the median of
    ``repeats`` runs) and keeps its phases and collections; returns ns per node."""

    def __init__(self, engine, n_nodes, nodes, paused, repeats):
        self.args, self.nodes, self.repeats = (engine, n_nodes, paused), nodes, repeats
        self.runs = []  # (phases, Collections), one per round

    def __call__(self):
        runs = sorted((run_once(*self.args) for _ in range(self.repeats)), key=lambda r: r[0]["total"])
        self.runs.append(runs[len(runs) // 2])
        return 1e9 * self.runs[-1][0]["total"] / self.nodes

    def ns(self, phase):
        """Median over rounds of a phase's ns per node (None: not measured alone)."""
        values = [p[phase] for p, _ in self.runs]
        return None if None in values else 1e9 * statistics.median(values) / self.nodes

    def collections(self, generation):
        """Median over rounds: (number of collections, their total ms)."""
        return (statistics.median(c.count[generation] for _, c in self.runs),
                1e3 * statistics.median(c.seconds[generation] for _, c in self.runs))


# --- checks and a memory figure -----------------------------------------------------------

def leaf_grads(engine, n_nodes):
    """{leaf value: dL/d leaf} after a backward pass of the engine (the leaf values are
    distinct random numbers, the same in every engine)."""
    build, backward = ENGINES[engine]
    graph = build(n_nodes)
    _, _, keep = backward(graph)
    if engine == "floor: tuple":
        (root, _), grads = graph, keep[1]
        operands = lambda node: [c for c in node[3:] if c is not None]  # noqa: E731
        leaf_grad = lambda node: (node[1], grads[node[0]])  # noqa: E731
    else:
        root = graph
        operands = lambda node: [c for c in (node.a, node.b) if c is not None] \
            if isinstance(node, (Node, OpNode)) else list(node._prev)  # noqa: E731
        leaf_grad = lambda node: (node.data, node.grad)  # noqa: E731
    leaves, stack, seen = {}, [root], set()
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            children = operands(node)
            if not children:
                leaves.update([leaf_grad(node)])
            stack.extend(children)
    return leaves


def check_same_gradients(n_nodes):
    """Every engine's leaf gradients equal micrograd_bp's (tested against PyTorch in
    tests/): the floors do all the work of a backward pass, not less.  Compared
    relatively: after 100 layers the leaves' gradients are tiny (about 1e-27)."""
    reference = leaf_grads("micrograd_bp", n_nodes)
    for engine in ENGINES:
        grads = leaf_grads(engine, n_nodes)
        differ = [x for x, g in reference.items() if not math.isclose(grads.get(x, math.nan), g, rel_tol=1e-6)]
        if differ or grads.keys() != reference.keys():
            sys.exit(f"bench_floor: {engine} gives other gradients than micrograd_bp "
                     f"({len(differ)} of {len(reference)} leaves); its timings would mean nothing")


def heap_bytes_per_node(engine, n_nodes, nodes):
    """Python-heap bytes per node (tracemalloc) of the built graph and its grads
    (after a backward pass: a grad float per node, and the tuple floor's grads list)."""
    build, backward = ENGINES[engine]
    gc.collect()
    tracemalloc.start()
    graph = build(n_nodes)
    walk, chain, keep = backward(graph)
    if engine == "floor: tuple":
        keep = keep[1]  # the grads stay, the order goes (every engine drops its order)
    else:
        keep = None
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del graph, keep
    gc.collect()
    return size / nodes


def tuple_nodes_tracked(n_nodes):
    """(tuple nodes the collector still tracks right after a build with it on, nodes).
    It untracks a tuple only when a collection finds all its items untracked."""
    gc.collect()
    root, n = build_tuple_graph(n_nodes)
    seen, stack, tracked = bytearray(n), [root], 0
    while stack:
        node = stack.pop()
        if not seen[node[0]]:
            seen[node[0]] = 1
            tracked += gc.is_tracked(node)
            stack.extend(c for c in node[3:] if c is not None)
    return tracked, n


# --- the report -------------------------------------------------------------------------

def fmt(x):
    return "—" if x is None else f"{x:.0f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: a smoke test")
    parser.add_argument("--clock", choices=("wall", "process"), default="wall",
                        help="wall-clock time (default) or this process's CPU time")
    parser.add_argument("--without-micrograd", action="store_true",
                        help="leave micrograd 0.1.0 out (it takes the most time)")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "process" else time.perf_counter
    small, large = (1_000, 10_000) if args.quick else (10_000, 1_000_000)
    if args.quick:
        args.rounds = 1
    names = [e for e in ENGINES if not (args.without_micrograd and e == "micrograd 0.1.0")]
    check_same_gradients(2_000)
    n_small, n_large = engines.graph_nodes(small), engines.graph_nodes(large)
    gc.collect()
    gc.freeze()  # what was imported stays out of every collection below, for every engine

    measures = {}
    for paused in (False, True):
        for engine in names:
            mode = "paused" if paused else "on"
            measures[(engine, mode, "small")] = Measure(engine, small, n_small, paused, SMALL_REPEATS)
            measures[(engine, mode, "large")] = Measure(engine, large, n_large, paused, 1)
    res = rounds(args.rounds, {" ".join(key): m for key, m in measures.items()})
    bytes_per_node = {e: heap_bytes_per_node(e, large // 10, engines.graph_nodes(large // 10)) for e in names}
    tracked, n_tuples = tuple_nodes_tracked(large)

    print(f"# The floor of a pure-CPython graph  (Python {platform.python_version()}, "
          f"{platform.machine()}, {args.rounds} interleaved rounds, medians, {args.clock} clock)\n")
    print(f"## Floor: growth of build + backward + free + gc.collect(), ns/node, "
          f"{n_large:,} against {n_small:,} nodes\n")
    print(f"| node | collector during build | {n_small:,} | {n_large:,} | ratio | "
          f"added ns/node | heap B/node |\n|---|---|---:|---:|---:|---:|---:|")
    growth = {}
    for mode in ("on", "paused"):
        for engine in names:
            s, lg = (" ".join((engine, mode, size)) for size in ("small", "large"))
            growth[engine, mode] = median_ratio(res, lg, s)
            small_ns, large_ns = statistics.median(res[s]), statistics.median(res[lg])
            print(f"| {engine} | {mode} | {small_ns:.0f} | {large_ns:.0f} | {growth[engine, mode]:.2f}x | "
                  f"{large_ns - small_ns:.0f} | {bytes_per_node[engine]:.0f} |")
    print(f"\n(heap B/node: tracemalloc, a {engines.graph_nodes(large // 10):,}-node graph "
          f"with its grads, after backward)\n")

    print(f"## Phases, ns/node: {n_small:,} → {n_large:,} nodes (ratio)\n")
    print("| node | collector during build | " + " | ".join(PHASES) + " | total |\n|---|---|"
          + "---:|" * (len(PHASES) + 1))
    for mode in ("on", "paused"):
        for engine in names:
            s, lg = measures[engine, mode, "small"], measures[engine, mode, "large"]
            cells = []
            for phase in (*PHASES, "total"):
                a, b = s.ns(phase), lg.ns(phase)
                ratio = f" ({b / a:.2f}x)" if a and b else ""
                cells.append(f"{fmt(a)} → {fmt(b)}{ratio}")
            print(f"| {engine} | {mode} | " + " | ".join(cells) + " |")
    print("\n(micrograd_bp's walk is its walk timed alone, its chain rule backward() minus that;"
          " micrograd 0.1.0's graph is freed only by gc.collect(): its nodes hold reference cycles)\n")

    print("## Collections during build + backward + free (gc.callbacks; count, total ms; medians)\n")
    print("| node | collector during build | nodes | gen 0 | gen 1 | gen 2 (full) | ns/node in collections |"
          "\n|---|---|---:|---|---|---|---:|")
    for mode in ("on", "paused"):
        for engine in names:
            for size, nodes in (("small", n_small), ("large", n_large)):
                m = measures[engine, mode, size]
                gens = [m.collections(g) for g in range(3)]
                cells = [f"{n:.0f} in {ms:.1f} ms" for n, ms in gens]
                print(f"| {engine} | {mode} | {nodes:,} | " + " | ".join(cells)
                      + f" | {1e6 * sum(ms for _, ms in gens) / nodes:.0f} |")
    print(f"\nTuple nodes the collector still tracks right after a {n_tuples:,}-node build "
          f"(collector on): {tracked:,} ({tracked / n_tuples:.0%}).\n")

    floors = [e for e in names if e != "micrograd 0.1.0"]
    print("## Floor against the bars\n\n| bar | " + " | ".join(floors) + " |\n|---|" + "---:|" * len(floors))
    for mode, bar in (("on", BARS["growth_on"]), ("paused", BARS["growth_paused"])):
        cells = [f"{growth[e, mode]:.2f}x {'meets' if growth[e, mode] <= bar else 'ABOVE'}"
                 for e in floors]
        print(f"| growth, collector {mode} during build, <= {bar}x | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    print(f"micrograd_bp from {Path(micrograd_bp.__file__).parent}", file=sys.stderr)
    main()
