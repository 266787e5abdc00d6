"""Benchmark: micrograd_bp against micrograd 0.1.0 and PyTorch used as a scalar engine.

Run it with ``bash run.sh bench`` (or ``python benchmarks/bench_engine.py``; needs
``pip install -e '.[bench]' torch==2.13.0``).  All engines run in this one
process, interleaved round by round, and every ratio is taken within a round.

Every timed region includes dropping the graph and ``gc.collect()``: micrograd's
per-node closures form reference cycles that only the cyclic garbage collector
frees, so leaving the collection out would flatter it.

micrograd 0.1.0 has no tanh() or exp(); they are added to its Value below in its
own style (a closure per node, as in its lecture), so that all engines build the
same graphs.
"""

import argparse
import gc
import math
import platform
import random
import statistics
import sys
import time
import tracemalloc

import micrograd_bp
from micrograd_bp import nn as bp_nn

try:
    import micrograd.engine as mg_engine
    import micrograd.nn as mg_nn
except ImportError:
    sys.exit("the benchmark needs micrograd 0.1.0: pip install -e '.[bench]'")
try:
    import torch
except ImportError:
    torch = None


# --- micrograd 0.1.0, completed with tanh and exp in its own style ---------------------

def _mg_tanh(self):
    t = math.tanh(self.data)
    out = mg_engine.Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t ** 2) * out.grad
    out._backward = _backward
    return out


def _mg_exp(self):
    out = mg_engine.Value(math.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.data * out.grad
    out._backward = _backward
    return out


mg_engine.Value.tanh = _mg_tanh
mg_engine.Value.exp = _mg_exp


# --- PyTorch as a scalar engine: 0-dim float64 tensors, one operation per call -----------

class TorchScalar:
    """A thin wrapper so the same workload code drives 0-dim torch tensors."""

    __slots__ = ("t",)

    def __init__(self, data, requires_grad=True):
        self.t = data if isinstance(data, torch.Tensor) else torch.tensor(
            float(data), dtype=torch.float64, requires_grad=requires_grad)

    def _wrap(self, other):
        return other.t if isinstance(other, TorchScalar) else other

    def __add__(self, o): return TorchScalar(self.t + self._wrap(o))
    def __radd__(self, o): return TorchScalar(self._wrap(o) + self.t)
    def __mul__(self, o): return TorchScalar(self.t * self._wrap(o))
    def __rmul__(self, o): return TorchScalar(self._wrap(o) * self.t)
    def __neg__(self): return TorchScalar(-self.t)
    def __sub__(self, o): return TorchScalar(self.t - self._wrap(o))
    def __rsub__(self, o): return TorchScalar(self._wrap(o) - self.t)
    def relu(self): return TorchScalar(torch.relu(self.t))
    def tanh(self): return TorchScalar(torch.tanh(self.t))
    def exp(self): return TorchScalar(torch.exp(self.t))

    @property
    def data(self):
        return self.t.item()

    def backward(self):
        self.t.backward()


ENGINES = {
    "micrograd_bp": micrograd_bp.Value,
    "micrograd": mg_engine.Value,
}
if torch is not None:
    ENGINES["torch-scalar"] = TorchScalar


# --- workload 1: the expression graph ----------------------------------------------------

def build_graph(Value, n_nodes, depth=100, seed=0):
    """A graph of about n_nodes nodes: `depth` layers mixing + * relu tanh exp, then a
    balanced sum.  It is wide rather than deep so that micrograd's recursive
    topological sort (depth limit about 1,000) can run it."""
    rng = random.Random(seed)
    width = max(2, n_nodes // (depth + 1))
    layer = [Value(rng.uniform(-1, 1)) for _ in range(width)]
    for _ in range(depth - 1):
        new = []
        for a in layer:
            k = rng.random()
            if k < 0.35:
                v = a + layer[rng.randrange(width)]
            elif k < 0.7:
                v = a * layer[rng.randrange(width)]
            elif k < 0.8:
                v = a.relu()
            elif k < 0.95:
                v = a.tanh()
            else:
                v = a.tanh().exp()
            if abs(v.data) > 10:  # keep the numbers finite over 100 layers
                v = v.tanh()
            new.append(v)
        layer = new
    while len(layer) > 1:
        layer = [layer[i] + layer[i + 1] if i + 1 < len(layer) else layer[i]
                 for i in range(0, len(layer), 2)]
    return layer[0]


def count_nodes(root):
    """Distinct nodes of a micrograd or micrograd_bp graph (iteratively)."""
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(v._prev)
    return len(seen)


def time_graph(Value, n_nodes, pause_gc_in_build=False):
    """(seconds for build + backward + free, seconds for backward alone)."""
    gc.collect()
    t0 = time.perf_counter()
    if pause_gc_in_build:
        gc.disable()
    root = build_graph(Value, n_nodes)
    gc.enable()
    t1 = time.perf_counter()
    root.backward()
    t2 = time.perf_counter()
    del root
    gc.collect()
    t3 = time.perf_counter()
    return t3 - t0, t2 - t1


def graph_nodes(n_nodes):
    return count_nodes(build_graph(micrograd_bp.Value, n_nodes))


def heap_bytes_per_node(Value, n_nodes):
    """Python-heap bytes held by a built graph, per node (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    root = build_graph(Value, n_nodes)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    n = count_nodes(root)
    del root
    gc.collect()
    return size / n


# --- workload 2: one training step of micrograd's demo -----------------------------------

def moons(n, seed=0):
    """100 two-moons points with labels -1/+1 (the shape of micrograd's demo data)."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2 == 0:
            X.append([math.cos(t) + rng.gauss(0, 0.1), math.sin(t) + rng.gauss(0, 0.1)])
            y.append(-1)
        else:
            X.append([1 - math.cos(t) + rng.gauss(0, 0.1), 0.5 - math.sin(t) + rng.gauss(0, 0.1)])
            y.append(1)
    return X, y


def training_step(model, X, y, k, update=None):
    """micrograd's demo.ipynb step: max-margin loss + L2, backward, SGD update.
    The same source runs micrograd, micrograd_bp and the torch-scalar MLP."""
    scores = list(map(model, X))
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    model.zero_grad()
    total_loss.backward()
    (update or sgd_update)(model, lr=1.0 - 0.9 * k / 100)
    return total_loss.data


def sgd_update(model, lr):
    for p in model.parameters():
        p.data -= lr * p.grad


class TorchScalarMLP:
    """MLP(2, [16, 16, 1]) with relu hidden layers, one 0-dim tensor per weight."""

    def __init__(self, sizes, seed=0):
        rng = random.Random(seed)
        self.layers = [[([TorchScalar(rng.uniform(-1, 1)) for _ in range(nin)], TorchScalar(0.0))
                        for _ in range(nout)] for nin, nout in zip(sizes, sizes[1:])]

    def __call__(self, x):
        h = x
        for l, layer in enumerate(self.layers):
            last = l == len(self.layers) - 1
            out = []
            for w, b in layer:
                z = sum((wi * hi for wi, hi in zip(w, h)), b)
                out.append(z if last else z.relu())
            h = out
        return h[0]

    def parameters(self):
        return [p for layer in self.layers for w, b in layer for p in w + [b]]

    def zero_grad(self):
        for p in self.parameters():
            p.t.grad = None


def torch_sgd_update(model, lr):
    with torch.no_grad():
        for p in model.parameters():
            p.t -= lr * p.t.grad


def time_training(engine, steps, X, y):
    if engine == "micrograd_bp":
        model, step = bp_nn.MLP(2, [16, 16, 1], seed=0), training_step
    elif engine == "micrograd":
        random.seed(0)
        model, step = mg_nn.MLP(2, [16, 16, 1]), training_step
    else:
        model = TorchScalarMLP([2, 16, 16, 1])
        step = lambda *args: training_step(*args, update=torch_sgd_update)
    gc.collect()
    t0 = time.perf_counter()
    for k in range(steps):
        step(model, X, y, k)
    gc.collect()
    return (time.perf_counter() - t0) / steps


# --- workload 3: the deepest chain --------------------------------------------------------

def chain_backpropagates(Value, depth):
    """True if a chain of `depth` operations backpropagates (False on RecursionError)."""
    x = Value(0.5)
    v = x
    for _ in range(depth):
        v = v * 1.0
    try:
        v.backward()
        ok = x.grad == 1.0
    except RecursionError:
        ok = False
    del v
    gc.collect()
    return ok


def deepest_chain(Value, depths):
    best = 0
    for d in depths:
        if not chain_backpropagates(Value, d):
            break
        best = d
    return best


# --- reporting ------------------------------------------------------------------------------

def rounds_of(engines, rounds, measure):
    """Interleave: every round runs every engine once.  Returns {engine: [results]}."""
    results = {e: [] for e in engines}
    for r in range(rounds):
        order = engines if r % 2 == 0 else engines[::-1]
        for e in order:
            results[e].append(measure(e))
    return results


def ratio(results, engine, base, pick=lambda x: x):
    """Median over rounds of engine's time / base's time in the same round."""
    return statistics.median(pick(a) / pick(b) for a, b in zip(results[engine], results[base]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per workload")
    parser.add_argument("--nodes", type=int, default=100_000, help="size of the expression graph")
    parser.add_argument("--steps", type=int, default=3, help="training steps per timed run")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.nodes, args.steps = 2, 5_000, 1
    engines = list(ENGINES)
    # Move everything imported so far (torch is large) out of the collector's sight,
    # so gc.collect() in each timed region costs what the graph costs, not the
    # whole process; this treats every engine alike.
    gc.collect()
    gc.freeze()
    print(f"# micrograd_bp benchmark  (Python {platform.python_version()}, "
          f"{platform.machine()}, torch {torch.__version__ if torch else 'absent'})\n")

    bars = []  # (bar, measured, passed)

    # 1. training step
    X, y = moons(100)
    res = rounds_of(engines, args.rounds, lambda e: time_training(e, args.steps, X, y))
    print("## One training step of MLP(2,[16,16,1]) on 100 moons points "
          f"(hinge + L2, forward + backward + SGD, {args.steps} steps in a row)\n")
    print("| engine | median ms/step | ratio to micrograd (same round) |")
    print("|---|---:|---:|")
    for e in engines:
        print(f"| {e} | {1e3 * statistics.median(res[e]):.1f} | {ratio(res, e, 'micrograd'):.3f} |")
    r = ratio(res, "micrograd_bp", "micrograd")
    bars.append(("training step <= 0.12x micrograd", f"{r:.3f}x", r <= 0.12))
    if "torch-scalar" in res:
        r = ratio(res, "micrograd_bp", "torch-scalar")
        print(f"\nmicrograd_bp / torch-scalar (same round): {r:.3f}")
        bars.append(("training step faster than scalar PyTorch", f"{r:.3f}x", r < 1))

    # 2. expression graph
    n = graph_nodes(args.nodes)
    res = rounds_of(engines, args.rounds, lambda e: time_graph(ENGINES[e], args.nodes))
    print(f"\n## Expression graph of {n:,} nodes (+ * relu tanh exp)\n")
    print("| engine | build+backward+free ns/node | backward ns/node | total ratio | backward ratio |")
    print("|---|---:|---:|---:|---:|")
    for e in engines:
        tot = statistics.median(r[0] for r in res[e])
        back = statistics.median(r[1] for r in res[e])
        print(f"| {e} | {1e9 * tot / n:.0f} | {1e9 * back / n:.0f} | "
              f"{ratio(res, e, 'micrograd', lambda r: r[0]):.3f} | "
              f"{ratio(res, e, 'micrograd', lambda r: r[1]):.3f} |")
    r = ratio(res, "micrograd_bp", "micrograd", lambda r: r[0])
    bars.append(("graph build+backward+free <= 0.15x micrograd", f"{r:.3f}x", r <= 0.15))
    r = ratio(res, "micrograd_bp", "micrograd", lambda r: r[1])
    bars.append(("graph backward alone <= 0.8x micrograd", f"{r:.3f}x", r <= 0.8))

    # 3. memory
    print(f"\n## Python-heap bytes per node (tracemalloc, {args.nodes // 5:,}-node graph)\n")
    mem = {e: heap_bytes_per_node(ENGINES[e], args.nodes // 5) for e in ("micrograd_bp", "micrograd")}
    print("| engine | bytes/node | ratio to micrograd |")
    print("|---|---:|---:|")
    for e, b in mem.items():
        print(f"| {e} | {b:.0f} | {b / mem['micrograd']:.3f} |")
    print("\n(torch-scalar keeps its nodes in C++ memory, which tracemalloc does not see.)")
    r = mem["micrograd_bp"] / mem["micrograd"]
    bars.append(("heap bytes per node <= 0.25x micrograd", f"{r:.3f}x", r <= 0.25))

    # 4. scaling
    sizes = [1_000, 10_000] if args.quick else [10_000, 100_000, 1_000_000]
    print("\n## Growth: build+backward+free ns/node by graph size (one run each)\n")
    print("With the cyclic garbage collector on (Python's default), and paused while the graph")
    print("is built (`gc.disable()` around the build; backward and the final collection as before).\n")
    print("| engine | collector during build | " + " | ".join(f"{s:,}" for s in sizes)
          + " | largest / smallest |")
    print("|---|---|" + "---:|" * (len(sizes) + 1))
    for e in ("micrograd_bp", "micrograd"):
        for paused in (False, True):
            per = []
            for s in sizes:
                nodes = graph_nodes(s)
                per.append(1e9 * time_graph(ENGINES[e], s, pause_gc_in_build=paused)[0] / nodes)
            growth = per[-1] / per[0]
            print(f"| {e} | {'paused' if paused else 'on'} | "
                  + " | ".join(f"{p:.0f}" for p in per) + f" | {growth:.2f}x |")
            if e == "micrograd_bp":
                bars.append((f"growth {sizes[-1]:,} vs {sizes[0]:,} nodes within 2x "
                             f"(collector {'paused' if paused else 'on'} during build)",
                             f"{growth:.2f}x", growth <= 2))

    # 5. depth
    print("\n## Deepest chain that backpropagates\n")
    deep = [10 ** 3] if args.quick else [10 ** 3, 10 ** 4, 10 ** 5, 10 ** 6]
    shallow = [100, 500, 900, 1000, 2000]
    print("| engine | deepest chain tried that works |")
    print("|---|---:|")
    ours = deepest_chain(micrograd_bp.Value, deep)
    print(f"| micrograd_bp | {ours:,} (tried up to {deep[-1]:,}) |")
    print(f"| micrograd | {deepest_chain(mg_engine.Value, shallow):,} (RecursionError at the next size tried) |")
    bars.append(("deepest chain 10^6", f"{ours:,}", ours >= deep[-1]))

    print("\n## Targets\n")
    print("| target | measured | met |")
    print("|---|---:|---|")
    for bar, measured, passed in bars:
        print(f"| {bar} | {measured} | {'yes' if passed else 'NO'} |")


if __name__ == "__main__":
    main()
