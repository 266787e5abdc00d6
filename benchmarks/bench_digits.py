"""Benchmark: handwritten digits with the scalar engine, and micrograd 0.1.0 on the same work.

The workload is ``python -m micrograd_bp demo --dataset digits``: MLP(64, [32, 10])
with ReLU on scikit-learn's 8x8 digits (1,437 training images; 360 held out,
stratified, seed 1), softmax + cross-entropy, Adam (lr 0.01), minibatches of 32
reshuffled every epoch, 12 epochs.  The bar: at least 95% test accuracy with the
scalar engine in at most 120 s of training.

micrograd 0.1.0 runs the same training (the same minibatches, the same
cross-entropy and Adam update written with its Values; it has no exp or log, so
they are added in its own style, a closure per node).  A full run would take
many minutes, so it is timed on the first ``--micrograd-batches`` minibatches
and extrapolated to the whole run; micrograd_bp is timed on those same batches
too, for a like-for-like ratio.

    python benchmarks/bench_digits.py            # the full run (about 1-2 min + micrograd's sample)
    python benchmarks/bench_digits.py --quick    # a smoke test: 1 epoch on 200 images
"""

import argparse
import gc
import math
import os
import platform
import random
import time

from micrograd_bp import MLP
from micrograd_bp.datasets import digits
from micrograd_bp.optim import Adam
from micrograd_bp.train import fit, predict

BAR_ACCURACY, BAR_SECONDS = 0.95, 120.0
RECIPE = dict(hidden=32, lr=0.01, epochs=12, batch_size=32, seed=1, test_size=0.2)


class Clock:
    """Wall-clock and CPU seconds since it was made.

    On a machine shared with other jobs the wall clock counts the time spent
    waiting for a core; this process's CPU time does not, and is what the same
    run would take on an idle machine (these runs use one core).
    """

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def read(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


# --- micrograd 0.1.0, with exp and log added the way its other operations are written ----

def micrograd_value():
    """micrograd's Value class, given exp() and log() (closures, as in micrograd)."""
    from micrograd.engine import Value

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += out.grad / self.data
        out._backward = _backward
        return out

    Value.exp, Value.log = exp, log
    return Value


def micrograd_cross_entropy(logits, label):
    """-log softmax(z)[label], with the max logit subtracted first (as micrograd_bp does)."""
    m = max(z.data for z in logits)
    shifted = [z - m for z in logits]
    return sum(s.exp() for s in shifted).log() - shifted[label]


class AdamOnData:
    """PyTorch's Adam (as micrograd_bp.optim.Adam) on any objects with .data and .grad."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m, self.v, self.k = [0.0] * len(params), [0.0] * len(params), 0

    def step(self):
        self.k += 1
        b1, b2 = self.betas
        for i, p in enumerate(self.params):
            self.m[i] = b1 * self.m[i] + (1 - b1) * p.grad
            self.v[i] = b2 * self.v[i] + (1 - b2) * p.grad ** 2
            m_hat, v_hat = self.m[i] / (1 - b1 ** self.k), self.v[i] / (1 - b2 ** self.k)
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)


def minibatches(n, batch_size, epochs, seed):
    """The index lists fit() uses: random.Random(seed) reshuffles every epoch."""
    rng, order = random.Random(seed), list(range(n))
    for _ in range(epochs):
        rng.shuffle(order)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]


def time_micrograd(X, y, batches, collector_on=True):
    """Seconds for micrograd 0.1.0 to train on the given minibatches.

    ``collector_on=False`` pauses Python's cyclic garbage collector during each
    step, as micrograd_bp's fit does (engine.collector_paused): micrograd's graph
    of closures is millions of objects in reference cycles, which the collector
    scans again and again while the graph grows.
    """
    from micrograd.nn import MLP as MgMLP

    Value = micrograd_value()
    random.seed(RECIPE["seed"])
    model = MgMLP(64, [RECIPE["hidden"], 10])
    opt = AdamOnData(model.parameters(), RECIPE["lr"])
    gc.collect()
    clock = Clock()
    for batch in batches:
        if not collector_on:
            gc.disable()
        losses = [micrograd_cross_entropy(model([Value(v) for v in X[i]]), y[i]) for i in batch]
        loss = sum(losses) * (1.0 / len(batch))
        model.zero_grad()
        loss.backward()
        opt.step()
        gc.enable()
    del model, loss, losses
    gc.collect()  # micrograd's closures form reference cycles: freeing them is part of its cost
    return clock.read()


def time_micrograd_bp_batches(X, y, batches):
    """Seconds for micrograd_bp to train on the same minibatches (its public API, one step each)."""
    from micrograd_bp.engine import collector_paused
    from micrograd_bp.losses import batch_mean, cross_entropy

    model = MLP(64, [RECIPE["hidden"], 10], seed=RECIPE["seed"])
    opt = Adam(model.parameters(), lr=RECIPE["lr"])
    gc.collect()
    clock = Clock()
    for batch in batches:
        with collector_paused():
            loss = batch_mean([cross_entropy(model(X[i]), y[i]) for i in batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
    del model, loss
    gc.collect()
    return clock.read()


# --- the full run -------------------------------------------------------------------------

def full_run(data, n_train, epochs):
    """((wall, CPU) seconds of training, test accuracy, history): fit, the demo's recipe."""
    X, y = data.X_train[:n_train], data.y_train[:n_train]
    model = MLP(64, [RECIPE["hidden"], 10], seed=RECIPE["seed"])
    optimizer = Adam(model.parameters(), lr=RECIPE["lr"])
    gc.collect()
    clock = Clock()
    history = fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=epochs,
                  batch_size=RECIPE["batch_size"], seed=RECIPE["seed"], progress=False)
    seconds = clock.read()
    predicted = predict(model, data.X_test)
    test_accuracy = sum(p == t for p, t in zip(predicted, data.y_test)) / len(data.y_test)
    return seconds, test_accuracy, history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--micrograd-batches", type=int, default=6,
                        help="minibatches micrograd 0.1.0 is timed on, its garbage collector "
                             "paused (default 6; with the collector on, a third as many)")
    parser.add_argument("--quick", action="store_true", help="1 epoch on 200 images; micrograd timed on 1 batch")
    args = parser.parse_args(argv)
    data = digits(test_size=RECIPE["test_size"], seed=RECIPE["seed"])
    n_train = 200 if args.quick else len(data.X_train)
    epochs = 1 if args.quick else RECIPE["epochs"]
    sample = 1 if args.quick else args.micrograd_batches
    sample_on = max(1, sample // 3)

    (wall, cpu), test_accuracy, history = full_run(data, n_train, epochs)
    steps = len(history) * -(-n_train // RECIPE["batch_size"])
    batches = list(minibatches(n_train, RECIPE["batch_size"], epochs, RECIPE["seed"]))[:sample]
    bp = time_micrograd_bp_batches(data.X_train, data.y_train, batches)
    mg = time_micrograd(data.X_train, data.y_train, batches, collector_on=False)
    mg_on = time_micrograd(data.X_train, data.y_train, batches[:sample_on])

    def whole_run(measured, n_batches):  # (wall, CPU) seconds, scaled to all the steps
        return [t / n_batches * steps for t in measured]

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"## Digits\n\nMLP(64, [32, 10]), ReLU, softmax + cross-entropy, Adam lr 0.01, "
          f"{epochs} epochs of minibatches of 32 ({steps} steps) on {n_train} training images; "
          f"test set {len(data.X_test)} images.\nPython {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, load average {load:.1f} at the end: "
          "other jobs shared the machine, so wall-clock times include waiting for a core; "
          "CPU time is this process's own work (one core), what an idle machine would take.\n")
    print("| engine | training, CPU time | training, wall clock | test accuracy | how measured |")
    print("|---|---:|---:|---:|---|")
    print(f"| micrograd_bp (`fit`) | {cpu:.1f} s | {wall:.1f} s | {test_accuracy:.1%} | the whole run |")
    rows = [("micrograd 0.1.0, garbage collector paused in each step", mg, len(batches)),
            ("micrograd 0.1.0 as it runs by default", mg_on, sample_on)]
    for name, measured, n in rows:
        total_wall, total_cpu = whole_run(measured, n)
        print(f"| {name} | ~{total_cpu:.0f} s | ~{total_wall:.0f} s | not run to the end | "
              f"extrapolated: {n} minibatch(es) took {measured[1]:.1f} s CPU, times {steps / n:.1f} |")
    print(f"\nOn the same {len(batches)} minibatches micrograd_bp took {bp[1]:.1f} s of CPU: "
          f"{mg[1] / bp[1]:.1f}x less than micrograd 0.1.0 with its collector paused, "
          f"{mg_on[1] / sample_on / (bp[1] / len(batches)):.1f}x less than micrograd as it runs "
          "by default.")
    for clock_name, seconds in (("CPU time", cpu), ("wall clock", wall)):
        met = test_accuracy >= BAR_ACCURACY and seconds <= BAR_SECONDS
        print(f"\nThe bar (>= {BAR_ACCURACY:.0%} test accuracy in <= {BAR_SECONDS:.0f} s of "
              f"training), by {clock_name}: {'met' if met else 'NOT met'} "
              f"({test_accuracy:.1%} in {seconds:.1f} s).")


if __name__ == "__main__":
    main()
