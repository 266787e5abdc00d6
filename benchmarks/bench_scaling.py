"""Benchmark: how the engine scales: backward alone, bytes per node,
cost per node as graphs grow, and a user's own minibatch loop.

    python benchmarks/bench_scaling.py              # 5 interleaved rounds (~10 min)
    python benchmarks/bench_scaling.py --quick      # a smoke test

Workloads, each run in this one process, interleaved round by round (the order
alternates), ratios taken within a round and the median over rounds reported:

1. backward() alone on the 100k-node expression graph of bench_engine.py,
   micrograd_bp against micrograd 0.1.0;
2. Python-heap bytes per node of that graph (tracemalloc; deterministic);
3. build + backward + free, ns per node, 1,000,000-node graph against a
   10,000-node one: Python's default collector on, and paused during the build
   (``gc.disable()`` around the user's build only), micrograd_bp and PyTorch used
   as a scalar engine (collector on);
4. a user's own minibatch loop on MLP(64, [32, 10]) (digits-sized) with random
   inputs and cross-entropy, written as a user would (no ``fit()``): ms per sample
   at batch 400 against batch 4, default collector.

Times are wall-clock (``time.perf_counter``) by default; ``--clock process``
uses the CPU time of this process (``time.process_time``) instead, which is what
to use on a machine shared with other work: waiting for a CPU is then not counted.

Needs ``pip install 'micrograd_bp[bench]'``; PyTorch (torch==2.13.0) is optional.
"""

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_engine as engines  # noqa: E402  (its workloads and its engines)

import micrograd_bp  # noqa: E402
from micrograd_bp import MLP, Value  # noqa: E402
from micrograd_bp.losses import cross_entropy  # noqa: E402

clock = time.perf_counter  # --clock process: time.process_time
BARS = {"backward": 0.5, "bytes": 110, "growth_on": 2.5, "growth_paused": 1.6, "minibatch": 1.3}


def backward_alone(V, n_nodes):
    """Seconds for root.backward() alone (the graph built and freed outside the timing)."""
    gc.collect()
    root = engines.build_graph(V, n_nodes)
    t0 = clock()
    root.backward()
    seconds = clock() - t0
    del root
    gc.collect()
    return seconds


def ns_per_node(V, n_nodes, nodes, paused):
    """build + backward + free (and the final gc.collect()), ns per node."""
    gc.collect()
    t0 = clock()
    if paused:
        gc.disable()
    root = engines.build_graph(V, n_nodes)
    gc.enable()
    root.backward()
    del root
    gc.collect()
    return 1e9 * (clock() - t0) / nodes


def minibatch_loop(batch_size, n_samples, seed=0):
    """ms per sample of a user's own loop: forward, batch-mean cross-entropy,
    zero_grad, backward, SGD, over n_samples random 64-pixel "images"."""
    rng = random.Random(seed)
    X = [[rng.random() for _ in range(64)] for _ in range(n_samples)]
    y = [rng.randrange(10) for _ in range(n_samples)]
    model = MLP(64, [32, 10], seed=seed)
    params = model.parameters()
    gc.collect()
    t0 = clock()
    for start in range(0, n_samples, batch_size):
        batch = range(start, start + batch_size)
        loss = sum(cross_entropy(model(X[i]), y[i]) for i in batch) * (1.0 / batch_size)
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= 0.1 * p.grad
        del loss
    gc.collect()
    return 1e3 * (clock() - t0) / n_samples


def rounds(n, measures):
    """Interleave: each round runs every measure once (alternating order)."""
    results = {name: [] for name in measures}
    names = list(measures)
    for r in range(n):
        for name in names if r % 2 == 0 else names[::-1]:
            results[name].append(measures[name]())
            print(f"  round {r + 1}: {name}: {results[name][-1]:.4g}", file=sys.stderr, flush=True)
    return results


def median_ratio(results, top, bottom):
    return statistics.median(a / b for a, b in zip(results[top], results[bottom]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="small sizes, one round: a smoke test")
    parser.add_argument("--only", choices=("backward", "bytes", "growth", "minibatch"), action="append",
                        help="run only these workloads (repeat)")
    parser.add_argument("--clock", choices=("wall", "process"), default="wall",
                        help="wall-clock time (default) or this process's CPU time")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "process" else time.perf_counter
    small, large, graph, samples = 10_000, 1_000_000, 100_000, 800
    if args.quick:
        args.rounds, small, large, graph, samples = 1, 1_000, 10_000, 5_000, 8
    only = set(args.only or ("backward", "bytes", "growth", "minibatch"))
    gc.collect()
    gc.freeze()  # what was imported stays out of every collection below, for every engine
    torch = engines.torch
    print(f"# micrograd_bp scaling benchmark  (Python {platform.python_version()}, "
          f"{platform.machine()}, torch {torch.__version__ if torch else 'absent'}, "
          f"{args.rounds} interleaved rounds, medians, {args.clock} clock)\n")
    bars = []

    if "backward" in only:
        res = rounds(args.rounds, {
            "micrograd_bp": lambda: backward_alone(Value, graph),
            "micrograd": lambda: backward_alone(engines.mg_engine.Value, graph)})
        n = engines.graph_nodes(graph)
        r = median_ratio(res, "micrograd_bp", "micrograd")
        print(f"## backward() alone, expression graph of {n:,} nodes\n")
        print("| engine | median ns/node | ratio to micrograd (same round) |\n|---|---:|---:|")
        for e in res:
            print(f"| {e} | {1e9 * statistics.median(res[e]) / n:.0f} | {median_ratio(res, e, 'micrograd'):.3f} |")
        print()
        bars.append((f"backward alone <= {BARS['backward']}x micrograd", f"{r:.3f}x", r <= BARS["backward"]))

    if "bytes" in only:
        b = engines.heap_bytes_per_node(Value, graph // 5)
        print(f"## Python-heap bytes per node (tracemalloc, {graph // 5:,}-node graph): {b:.0f}\n")
        bars.append((f"heap bytes per node <= {BARS['bytes']}", f"{b:.0f} B", b <= BARS["bytes"]))

    if "growth" in only:
        n_small, n_large = engines.graph_nodes(small), engines.graph_nodes(large)
        measures = {}
        for paused in (False, True):
            for size, nodes in ((small, n_small), (large, n_large)):
                measures[f"micrograd_bp {'paused' if paused else 'on'} {size}"] = (
                    lambda s=size, k=nodes, p=paused: ns_per_node(Value, s, k, p))
        if torch is not None:
            for size, nodes in ((small, n_small), (large, n_large)):
                measures[f"torch-scalar on {size}"] = (
                    lambda s=size, k=nodes: ns_per_node(engines.TorchScalar, s, k, False))
        res = rounds(args.rounds, measures)
        print(f"## Growth: build + backward + free, ns/node, {n_large:,} against {n_small:,} nodes\n")
        print(f"| engine | collector during build | {n_small:,} | {n_large:,} | ratio |\n|---|---|---:|---:|---:|")
        growth = {}
        for engine, mode in (("micrograd_bp", "on"), ("micrograd_bp", "paused"), ("torch-scalar", "on")):
            key = f"{engine} {mode}"
            if f"{key} {small}" not in res:
                continue
            growth[key] = median_ratio(res, f"{key} {large}", f"{key} {small}")
            print(f"| {engine} | {mode} | {statistics.median(res[f'{key} {small}']):.0f} | "
                  f"{statistics.median(res[f'{key} {large}']):.0f} | {growth[key]:.2f}x |")
        print()
        on, paused = growth["micrograd_bp on"], growth["micrograd_bp paused"]
        bars.append((f"growth, collector on, <= {BARS['growth_on']}x", f"{on:.2f}x", on <= BARS["growth_on"]))
        if "torch-scalar on" in growth:
            t = growth["torch-scalar on"]
            bars.append(("growth, collector on, below torch-scalar's", f"{on:.2f}x vs {t:.2f}x", on < t))
        bars.append((f"growth, collector paused in the build, <= {BARS['growth_paused']}x",
                     f"{paused:.2f}x", paused <= BARS["growth_paused"]))

    if "minibatch" in only:
        res = rounds(args.rounds, {f"batch {b}": (lambda b=b: minibatch_loop(b, samples))
                                   for b in (4, 400 if not args.quick else 8)})
        big = "batch 400" if not args.quick else "batch 8"
        r = median_ratio(res, big, "batch 4")
        print(f"## A user's minibatch loop, MLP(64, [32, 10]), cross-entropy, {samples} random samples\n")
        print("| batch | median ms/sample |\n|---|---:|")
        for k in res:
            print(f"| {k.split()[1]} | {statistics.median(res[k]):.3f} |")
        print()
        bars.append((f"minibatch loop, ms/sample at {big} / batch 4, <= {BARS['minibatch']}x",
                     f"{r:.2f}x", r <= BARS["minibatch"]))

    print("## Targets (scaling)\n\n| target | measured | met |\n|---|---:|---|")
    for bar, measured, met in bars:
        print(f"| {bar} | {measured} | {'yes' if met else 'NO'} |")


if __name__ == "__main__":
    print(f"micrograd_bp from {Path(micrograd_bp.__file__).parent}", file=sys.stderr)
    main()
