"""Benchmark: the demo's whole training run, micrograd_bp against micrograd 0.1.0.

The workload is micrograd's ``demo.ipynb``: MLP(2, [16, 16, 1]) with ReLU on 100
two-moons points, max-margin (hinge) loss + L2 (alpha 1e-4), full batch, SGD with
lr = 1.0 - 0.9 k / 100, 100 steps.  Three ways to run it:

* ``micrograd``            micrograd 0.1.0, with the notebook's loop as written there
* ``micrograd_bp loop``    the very same loop source, with micrograd_bp's Value/MLP
* ``micrograd_bp fit``     what ``python -m micrograd_bp demo`` runs: ``fit()``

All run in this one process, interleaved round by round (the order alternates),
on the same data.  Every timed region builds the model, trains it, drops it and
calls ``gc.collect()``: micrograd's per-node closures form reference cycles that
only the cyclic collector frees, so leaving the collection out would flatter it.
Ratios are taken within a round, then the median over rounds is reported.

    python benchmarks/bench_training.py             # 3 rounds of 100 steps (~5 min)
    python benchmarks/bench_training.py --quick     # a smoke test
"""

import argparse
import gc
import platform
import random
import statistics
import sys
import time

from micrograd_bp import MLP as BpMLP
from micrograd_bp import Value as BpValue
from micrograd_bp.datasets import moons
from micrograd_bp.optim import SGD, linear_decay
from micrograd_bp.train import accuracy, fit

try:
    from micrograd.engine import Value as MgValue
    from micrograd.nn import MLP as MgMLP
except ImportError:
    sys.exit("the benchmark needs micrograd 0.1.0: pip install -e '.[bench]'")

BAR = 0.25  # the goal: micrograd_bp's demo training in at most 0.25x micrograd's time


# --- micrograd's demo.ipynb loop, written once, run with either engine --------------------

def notebook_loss(model, Value, X, y):
    """demo.ipynb's loss(): hinge loss + L2, and the accuracy of the scores."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p * p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)


def notebook_training(model, Value, X, y, steps):
    """demo.ipynb's optimization loop; returns the last step's accuracy."""
    for k in range(steps):
        total_loss, acc = notebook_loss(model, Value, X, y)
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return acc


def run_micrograd(X, y_signed, y, steps, seed):
    random.seed(seed)
    model = MgMLP(2, [16, 16, 1])
    return notebook_training(model, MgValue, X, y_signed, steps)


def run_bp_loop(X, y_signed, y, steps, seed):
    model = BpMLP(2, [16, 16, 1], seed=seed)
    return notebook_training(model, BpValue, X, y_signed, steps)


def run_bp_fit(X, y_signed, y, steps, seed):
    """The demo's training, through micrograd_bp's public API."""
    model = BpMLP(2, [16, 16, 1], seed=seed)
    optimizer = SGD(model.parameters(), lr=1.0, schedule=linear_decay(1.0, 0.1, 100))
    fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=steps, alpha=1e-4,
        progress=False)
    return accuracy(model, X, y)


RUNS = {"micrograd": run_micrograd, "micrograd_bp loop": run_bp_loop,
        "micrograd_bp fit": run_bp_fit}


def timed(run, *args):
    """(seconds, accuracy): build, train, drop the model and collect the garbage."""
    gc.collect()
    start = time.perf_counter()
    acc = run(*args)
    gc.collect()  # the model and its last graph were dropped when run() returned
    return time.perf_counter() - start, acc


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="data and weights seed (default 1)")
    parser.add_argument("--quick", action="store_true", help="1 round of 5 steps")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.steps = 1, 5
    X, y = moons(100, noise=0.1, seed=args.seed)
    y_signed = [2 * label - 1 for label in y]
    gc.collect()
    gc.freeze()  # what was imported stays out of every gc.collect() below, for all runs

    names = list(RUNS)
    seconds = {name: [] for name in names}
    accuracies = {name: [] for name in names}
    for r in range(args.rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            s, acc = timed(RUNS[name], X, y_signed, y, args.steps, args.seed)
            seconds[name].append(s)
            accuracies[name].append(acc)
            print(f"  round {r + 1}: {name:18s} {s:7.2f} s  (accuracy {acc:.0%})",
                  file=sys.stderr, flush=True)

    print(f"# Demo training: MLP(2, [16, 16, 1]), 100 moons points, {args.steps} full-batch "
          f"SGD steps\n(Python {platform.python_version()}, {platform.machine()}, "
          f"{args.rounds} interleaved rounds, medians; model build + training + "
          f"gc.collect() timed)\n")
    print("| run | median s | ms/step | ratio to micrograd (same round) | accuracy |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        ratio = statistics.median(a / b for a, b in zip(seconds[name], seconds["micrograd"]))
        median = statistics.median(seconds[name])
        print(f"| {name} | {median:.2f} | {1e3 * median / args.steps:.1f} | {ratio:.3f} | "
              f"{accuracies[name][-1]:.0%} |")
    worst = max(statistics.median(a / b for a, b in zip(seconds[name], seconds["micrograd"]))
                for name in names if name != "micrograd")
    verdict = "meets" if worst <= BAR else "MISSES"
    print(f"\nmicrograd_bp {verdict} the bar of <= {BAR}x micrograd's time "
          f"(worst micrograd_bp ratio: {worst:.3f}).")


if __name__ == "__main__":
    main()
