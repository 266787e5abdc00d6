"""Where a user's minibatch loop spends its time: build, backward, free, and each
generation of the cyclic garbage collector (timed with ``gc.callbacks``).

    python benchmarks/bench_gc_minibatch.py [--samples 800] [--batches 4 400 4 400]

The loop is bench_scaling.py's: MLP(64, [32, 10]), random 64-pixel inputs,
cross-entropy averaged over the batch, zero_grad, backward, SGD.  Per batch size
it prints ms per sample for each part and the number of collections of each
generation (CPU time of this process, so a shared machine's waiting is not counted).
"""

import argparse
import gc
import random
import time

from micrograd_bp import MLP
from micrograd_bp.losses import cross_entropy

clock = time.process_time
gc_seconds, gc_counts, _started = [0.0, 0.0, 0.0], [0, 0, 0], [0.0]


def on_collection(phase, info):
    if phase == "start":
        _started[0] = clock()
    else:
        gc_seconds[info["generation"]] += clock() - _started[0]
        gc_counts[info["generation"]] += 1


def run(batch_size, n_samples, seed=0):
    rng = random.Random(seed)
    X = [[rng.random() for _ in range(64)] for _ in range(n_samples)]
    y = [rng.randrange(10) for _ in range(n_samples)]
    model = MLP(64, [32, 10], seed=seed)
    params = model.parameters()
    gc_seconds[:], gc_counts[:] = [0.0, 0.0, 0.0], [0, 0, 0]
    build = backward = free = 0.0
    t0 = clock()
    for start in range(0, n_samples, batch_size):
        a = clock()
        loss = sum(cross_entropy(model(X[i]), y[i]) for i in range(start, start + batch_size)) * (1.0 / batch_size)
        b = clock()
        model.zero_grad()
        loss.backward()
        c = clock()
        for p in params:
            p.data -= 0.1 * p.grad
        del loss
        d = clock()
        build, backward, free = build + b - a, backward + c - b, free + d - c
    ms = lambda seconds: f"{1e3 * seconds / n_samples:.2f}"
    print(f"| {batch_size} | {ms(clock() - t0)} | {ms(build)} | {ms(backward)} | {ms(free)} | "
          f"{' / '.join(ms(s) for s in gc_seconds)} | {' / '.join(map(str, gc_counts))} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=800)
    parser.add_argument("--batches", type=int, nargs="+", default=[4, 400, 4, 400])
    args = parser.parse_args()
    gc.callbacks.append(on_collection)
    gc.collect()
    gc.freeze()
    print("| batch | ms/sample | build | backward | free + SGD | collections gen 0 / 1 / 2 (ms/sample) "
          "| collections gen 0 / 1 / 2 |\n|---:|---:|---:|---:|---:|---:|---:|")
    for batch_size in args.batches:
        run(batch_size, args.samples)


if __name__ == "__main__":
    main()
