"""``micrograd-bp demo``: the main job.  Train an MLP on a 2-D dataset and show it.

With no flags it is micrograd's ``demo.ipynb``: MLP(2, [16, 16, 1]) with ReLU,
trained on 100 two-moons points with the max-margin (hinge) loss plus an L2
penalty of 1e-4, full batch, by SGD with lr = 1.0 - 0.9 k / 100 for 100 steps.
It writes into ``--out``: the loss curve, the decision boundary, the computation
graph of one sample (when Graphviz is installed) and a short text report.

``--dataset spiral`` trains a softmax + cross-entropy head MLP(2, [16, 16, K])
with Adam; the default 3-arm spiral reaches about 99% training accuracy.
``--dataset blobs`` trains the same head on 3 Gaussian blobs (``--classes`` sets
the number of arms or blobs).
"""

import os
import time

from micrograd_bp import datasets
from micrograd_bp.checks import number_arg, whole_number_arg, write_file
from micrograd_bp.draw import DotNotFoundError, draw_graph
from micrograd_bp.losses import cross_entropy, hinge
from micrograd_bp.nn import MLP
from micrograd_bp.optim import SGD, Adam, linear_decay
from micrograd_bp.plots import plot_decision_boundary, plot_history
from micrograd_bp.train import accuracy, fit

from . import demo_digits
from .demo_common import (
    CLASSES_ONLY_FOR,
    cannot_write,
    check_writable,
    finish,
    refuse_classes,
    report,
    show_progress,
    speaker,
)

HELP = "train an MLP on a 2-D dataset (micrograd's demo) and write plots and a report"

# One recipe per dataset: the data, the loss, the optimizer and how long to train.
BINARY = dict(samples=100, loss="hinge", optimizer="sgd", epochs=100, alpha=1e-4)
RECIPES = {
    "moons": dict(BINARY, noise=0.1),
    "circles": dict(BINARY, noise=0.05),
    "xor": dict(BINARY, noise=0.05),
    "spiral": dict(samples=150, noise=0.2, loss="cross_entropy", optimizer="adam",
                   epochs=100, alpha=0.0),
    "blobs": dict(samples=150, noise=0.5, loss="cross_entropy", optimizer="adam",
                  epochs=100, alpha=0.0),
}
DEFAULT_LR = {"sgd": 1.0, "adam": 0.02}
HIDDEN = [16, 16]
# A full-batch step keeps the graph of every sample alive until backward() is done:
# about 380 Values (60 KB) per sample for MLP(2, [16, 16, 1]): 10,000 samples peak
# at 0.83 GB (measured, one epoch).  10^8 would need terabytes.
MAX_SAMPLES = 10_000


def add_arguments(parser):
    parser.add_argument("--dataset", choices=sorted(RECIPES) + ["digits"], default="moons",
                        help="the 2-D data to classify (default: moons), or digits: 8x8 "
                             "handwritten digits (needs scikit-learn)")
    parser.add_argument("--classes", type=whole_number_arg(2), default=None,
                        help="number of spiral arms or blobs, with a softmax + cross-entropy "
                             "head (only with --dataset spiral or blobs; default 3)")
    parser.add_argument("--samples", type=whole_number_arg(2, MAX_SAMPLES), default=None,
                        help=f"number of data points, at most {MAX_SAMPLES} (default: 100; "
                             f"spiral and blobs 150)")
    parser.add_argument("--epochs", type=whole_number_arg(1), default=None,
                        help="passes over the data, one full-batch step each (default 100)")
    parser.add_argument("--lr", type=number_arg(0, low_inclusive=False), default=None,
                        help="learning rate; with SGD it decays linearly to lr/10 "
                             "(default: SGD 1.0, Adam 0.02)")
    parser.add_argument("--batch-size", type=whole_number_arg(1), default=None,
                        help="samples per step (default: digits 32, the others full batch)")
    parser.add_argument("--optimizer", choices=("sgd", "adam"), default=None,
                        help="default: sgd (binary datasets), adam (spiral, blobs)")
    parser.add_argument("--seed", type=int, default=1,
                        help="seeds the data and the initial weights (default 1)")
    parser.add_argument("--out", default="micrograd_bp_out",
                        help="folder for the plots and the report (default ./micrograd_bp_out)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar, only the final line")
    parser.set_defaults(demo_parser=parser)


def settings(args):
    """The recipe for args.dataset, with the flags given on the command line applied."""
    refuse_classes(args)
    s = dict(RECIPES[args.dataset], dataset=args.dataset, seed=args.seed,
             batch_size=args.batch_size)
    s["classes"] = (args.classes or 3) if args.dataset in CLASSES_ONLY_FOR else 2
    for flag in ("samples", "epochs", "optimizer"):
        if getattr(args, flag) is not None:
            s[flag] = getattr(args, flag)
    s["lr"] = args.lr if args.lr is not None else DEFAULT_LR[s["optimizer"]]
    if s["samples"] < s["classes"]:
        args.demo_parser.error(f"--samples must be at least the number of classes ({s['classes']})")
    return s


def build(s):
    """(X, y, model, optimizer) for the settings s."""
    make = getattr(datasets, s["dataset"])
    extra = {"spiral": {"classes": s["classes"]}, "blobs": {"centers": s["classes"]}}.get(s["dataset"], {})
    X, y = make(n=s["samples"], noise=s["noise"], seed=s["seed"], **extra)
    nout = 1 if s["loss"] == "hinge" else s["classes"]
    model = MLP(2, HIDDEN + [nout], activation="relu", seed=s["seed"])
    if s["optimizer"] == "sgd":  # micrograd's schedule: lr falls linearly to lr / 10
        schedule = linear_decay(s["lr"], s["lr"] / 10, s["epochs"])
        optimizer = SGD(model.parameters(), lr=s["lr"], schedule=schedule)
    else:
        optimizer = Adam(model.parameters(), lr=s["lr"])
    return X, y, model, optimizer


def describe(s, model, optimizer):
    loss = "hinge loss + L2 {:g}".format(s["alpha"]) if s["loss"] == "hinge" else \
        "softmax + cross-entropy"
    lr = (f"lr {s['lr']:g} -> {s['lr'] / 10:g}" if s["optimizer"] == "sgd"
          else f"lr {s['lr']:g}")
    name = s["dataset"] + {"spiral": f" ({s['classes']} arms)",
                           "blobs": f" ({s['classes']} classes)"}.get(s["dataset"], "")
    sizes = [len(layer.neurons) for layer in model.layers]
    return (f"MLP(2, {sizes}) on {s['samples']} {name} points: {loss}, "
            f"{type(optimizer).__name__} {lr}, {s['epochs']} "
            + ("full-batch epochs" if s["batch_size"] is None
               else f"epochs of minibatches of {s['batch_size']}") + f", seed {s['seed']}")


def sample_loss(model, x, label, loss):
    """L for one sample (the forward pass only)."""
    output = model(x)
    L = hinge(output, 1 if label == 1 else -1) if loss == "hinge" else cross_entropy(output, label)
    L.label = "L"
    return L


def one_sample_loss(model, x, label, loss):
    """L for one sample, with backward() done, so every node holds its grad (delta)."""
    L = sample_loss(model, x, label, loss)
    model.zero_grad()
    L.backward()
    return L


def hardest_sample(model, X, y, loss):
    """The index of the sample with the largest loss (the first of equals): after
    training, a sample the model still gets wrong or only just right, so its deltas
    are not 0 (a sample beyond the hinge's margin has L = 0 and every delta 0)."""
    losses = [sample_loss(model, x, label, loss).data for x, label in zip(X, y)]
    return losses.index(max(losses))


def write_graph(model, X, y, s, out, initial=None):
    """The neuron view of one sample's computation graph, as SVG: (paths, a note).

    The sample is :func:`hardest_sample` after training.  With ``initial`` (the
    parameters' values before training) the same sample is drawn a second time
    with those, before any learning, into graph_one_sample_before_training.svg.

    SVG, not PNG: with one labelled edge per weight the drawing is very tall, and
    a browser can zoom into an SVG where a PNG of that size would be blurred.
    """
    k = hardest_sample(model, X, y, s["loss"])
    paths = [_draw_sample(model, X[k], y[k], s, os.path.join(out, "graph_one_sample.svg"),
                          "after training")]
    L = sample_loss(model, X[k], y[k], s["loss"]).data
    note = (f"one-sample graph: sample {k}, x = ({X[k][0]:.3f}, {X[k][1]:.3f}), label {y[k]}, "
            f"the sample with the largest loss after training (L = {L:.4f})")
    if initial is not None:
        trained = [p.data for p in model.parameters()]
        _set_parameters(model, initial)
        try:
            paths.append(_draw_sample(model, X[k], y[k], s, os.path.join(
                out, "graph_one_sample_before_training.svg"), "before training"))
        finally:
            _set_parameters(model, trained)
        note += "; graph_one_sample_before_training.svg draws it with the initial weights"
    model.zero_grad()
    return paths, note


def _set_parameters(model, values):
    for p, value in zip(model.parameters(), values):
        p.data = value


def _draw_sample(model, x, label, s, path, when):
    L = one_sample_loss(model, x, label, s["loss"])
    caption = f"one sample x = ({x[0]:.3f}, {x[1]:.3f}), label {label}, {when}: L = {L.data:.4f}"
    g = draw_graph(L, view="neuron", number_format=".3f", caption=caption)
    svg = g.pipe(format="svg")  # made in full first: without dot, no empty file is left
    return write_file(path, svg, "demo")


def write_plots(model, X, y, history, out):
    paths = [os.path.join(out, "loss_curve.png"), os.path.join(out, "decision_boundary.png")]
    plot_history(history).savefig(paths[0], dpi=100)
    plot_decision_boundary(model, X, y, resolution=80).savefig(paths[1], dpi=100)
    return paths


def write_outputs(model, X, y, history, s, out, initial=None):
    """Every file the demo writes, and a note for each one (or each it had to skip)."""
    written, notes = [], []
    try:
        written += write_plots(model, X, y, history, out)
    except ImportError as error:
        notes.append(f"skipped the plots: {error}")
    try:
        paths, note = write_graph(model, X, y, s, out, initial)
        written += paths
        notes.append(note)
    except (ImportError, DotNotFoundError) as error:
        notes.append(f"skipped the computation graph: {error}")
    return written, notes


def run(args):
    if args.dataset == "digits":
        refuse_classes(args)
        return demo_digits.run(args, show_progress(args, speaker(args)))
    s = settings(args)
    out = args.out
    try:
        check_writable(out)
    except OSError as error:
        return cannot_write(out, error)
    X, y, model, optimizer = build(s)
    summary = describe(s, model, optimizer)
    say = speaker(args)
    say(summary)
    progress = show_progress(args, say)
    initial = [p.data for p in model.parameters()]  # to draw one sample before training too
    start = time.perf_counter()
    history = fit(model, X, y, loss=s["loss"], optimizer=optimizer, epochs=s["epochs"],
                  batch_size=s["batch_size"], alpha=s["alpha"], seed=s["seed"],
                  progress=progress)
    seconds = time.perf_counter() - start
    final_accuracy = accuracy(model, X, y)
    try:
        written, notes = write_outputs(model, X, y, history, s, out, initial)
        written.append(os.path.join(out, "report.txt"))
        text = report(summary, history, final_accuracy, seconds, written, notes)
    except OSError as error:
        return cannot_write(out, error)
    return finish(written, notes, text, say,
                  f"{s['dataset']}: loss {history.loss[-1]:.4f}, training accuracy "
                  f"{final_accuracy:.1%} after {s['epochs']} epochs ({seconds:.1f} s)")
