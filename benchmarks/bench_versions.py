"""Benchmark: this micrograd_bp against an earlier copy of itself, in one process.

    git archive <commit> micrograd_bp | tar -x -C /tmp/old
    mv /tmp/old/micrograd_bp /tmp/old/micrograd_bp_before
    PYTHONPATH=/tmp/old:. python benchmarks/bench_versions.py [--rounds 5] [--clock process]

The earlier copy is imported under the name ``micrograd_bp_before`` (the package
uses relative imports, so a renamed copy works).  bench_engine.py's first two
workloads (micrograd's demo training step, and build + backward + free of the
100k-node expression graph, also backward alone) run for both versions,
interleaved round by round; the table gives medians and the median of the
per-round ratios (after / before), so "no loss" can be read off at a glance.
"""

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_engine as engines  # noqa: E402

import micrograd_bp  # noqa: E402

try:
    import micrograd_bp_before  # noqa: E402
    from micrograd_bp_before import nn as before_nn  # noqa: E402
except ImportError:
    sys.exit("put an earlier copy of the package on PYTHONPATH as micrograd_bp_before (see the docstring)")

from micrograd_bp import nn as after_nn  # noqa: E402

VERSIONS = {"before": (micrograd_bp_before.Value, before_nn), "after": (micrograd_bp.Value, after_nn)}


def training_step(version, X, y, clock, steps=3):
    _, nn = VERSIONS[version]
    model = nn.MLP(2, [16, 16, 1], seed=0)
    gc.collect()
    t0 = clock()
    for k in range(steps):
        engines.training_step(model, X, y, k)
    gc.collect()
    return (clock() - t0) / steps


def graph(version, n_nodes, clock):
    """(build + backward + free, backward alone), seconds."""
    Value, _ = VERSIONS[version]
    gc.collect()
    t0 = clock()
    root = engines.build_graph(Value, n_nodes)
    t1 = clock()
    root.backward()
    t2 = clock()
    del root
    gc.collect()
    return clock() - t0, t2 - t1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--clock", choices=("wall", "process"), default="wall")
    args = parser.parse_args(argv)
    clock = time.process_time if args.clock == "process" else time.perf_counter
    X, y = engines.moons(100)
    gc.collect()
    gc.freeze()
    rows = {"training step (ms)": [], "graph build+backward+free (ms)": [], "graph backward alone (ms)": []}
    results = {name: {"before": [], "after": []} for name in rows}
    for r in range(args.rounds):
        for version in ("before", "after") if r % 2 == 0 else ("after", "before"):
            results["training step (ms)"][version].append(1e3 * training_step(version, X, y, clock))
            total, back = graph(version, args.nodes, clock)
            results["graph build+backward+free (ms)"][version].append(1e3 * total)
            results["graph backward alone (ms)"][version].append(1e3 * back)
            print(f"  round {r + 1} {version} done", file=sys.stderr, flush=True)
    print(f"# micrograd_bp, after against before ({args.rounds} interleaved rounds, medians, {args.clock} clock)\n")
    print("| workload | before | after | after / before (median of rounds) |\n|---|---:|---:|---:|")
    for name, res in results.items():
        ratio = statistics.median(a / b for a, b in zip(res["after"], res["before"]))
        before, after = statistics.median(res["before"]), statistics.median(res["after"])
        print(f"| {name} | {before:.1f} | {after:.1f} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
