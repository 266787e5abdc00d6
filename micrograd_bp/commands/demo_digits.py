"""``micrograd-bp demo --dataset digits``: real data, trained by the scalar engine.

MLP(64, [32, 10]) with ReLU on scikit-learn's 8x8 handwritten digits (1,437
training images, 360 held out for testing), softmax + cross-entropy, Adam with
lr 0.01, minibatches of 32 reshuffled every epoch, 12 epochs.  Every weight is a
``Value``: one training epoch builds and backpropagates through about seven
million scalar nodes.  It writes the loss and accuracy curves, the confusion
matrix of the test set, the misclassified test digits with their predicted and
true labels, and ``report.txt`` with the test accuracy.
"""

import os
import time

from micrograd_bp.datasets import digits
from micrograd_bp.nn import MLP
from micrograd_bp.optim import SGD, Adam
from micrograd_bp.plots import plot_confusion_matrix, plot_digits, plot_history
from micrograd_bp.train import accuracy, fit, predict

from .demo_common import cannot_write, check_writable, fail, finish, report, speaker

RECIPE = dict(hidden=32, optimizer="adam", lr=0.01, epochs=12, batch_size=32, test_size=0.2)
MAX_MISTAKES_SHOWN = 24


def settings(args):
    """The digits recipe with the command line's flags applied."""
    s = dict(RECIPE, seed=args.seed, samples=args.samples)
    for flag in ("epochs", "optimizer", "lr", "batch_size"):
        if getattr(args, flag, None) is not None:
            s[flag] = getattr(args, flag)
    return s


def build(s, data):
    """(X_train, y_train, model, optimizer): the first ``samples`` training images, if given."""
    X, y = data.X_train[:s["samples"]], data.y_train[:s["samples"]]
    model = MLP(64, [s["hidden"], 10], activation="relu", seed=s["seed"])
    opt = Adam if s["optimizer"] == "adam" else SGD
    return X, y, model, opt(model.parameters(), lr=s["lr"])


def describe(s, X, data):
    return (f"MLP(64, [{s['hidden']}, 10]) on {len(X)} handwritten digits (8x8 pixels; "
            f"{len(data.X_test)} more held out for testing): softmax + cross-entropy, "
            f"{s['optimizer'].capitalize() if s['optimizer'] == 'adam' else 'SGD'} lr {s['lr']:g}, "
            f"{s['epochs']} epochs of minibatches of {s['batch_size']}, seed {s['seed']}")


def write_plots(history, data, predicted, out):
    """The curves, the confusion matrix, the misclassified test digits; returns the paths."""
    paths = [os.path.join(out, name) for name in
             ("loss_curve.png", "confusion_matrix.png", "misclassified.png")]
    plot_history(history, title="digits").savefig(paths[0], dpi=100)
    plot_confusion_matrix(data.y_test, predicted, classes=10,
                          title="test set: true class (rows) vs predicted").savefig(paths[1], dpi=100)
    wrong = [i for i, (p, t) in enumerate(zip(predicted, data.y_test)) if p != t]
    if not wrong:
        return paths[:2]
    shown = wrong[:MAX_MISTAKES_SHOWN]
    images = data.images_test
    fig = plot_digits([images[i] for i in shown],
                      [f"pred {predicted[i]}, true {data.y_test[i]}" for i in shown],
                      title=f"{len(wrong)} misclassified test digits"
                            + (f" (the first {len(shown)})" if len(shown) < len(wrong) else ""))
    fig.savefig(paths[2], dpi=100)
    return paths


def run(args, progress):
    """The digits demo (``progress``: show fit's progress bar)."""
    out = args.out
    try:
        check_writable(out)
        data = digits(test_size=RECIPE["test_size"], seed=args.seed)
    except OSError as error:
        return cannot_write(out, error)
    except ImportError as missing:
        return fail(missing, 2)
    s = settings(args)
    X, y, model, optimizer = build(s, data)
    say = speaker(args)
    summary = describe(s, X, data)
    say(summary)
    start = time.perf_counter()
    history = fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=s["epochs"],
                  batch_size=s["batch_size"], seed=s["seed"], progress=progress)
    seconds = time.perf_counter() - start
    predicted = predict(model, data.X_test)
    test_accuracy = sum(p == t for p, t in zip(predicted, data.y_test)) / len(data.y_test)
    written, notes = [], []
    try:
        written += write_plots(history, data, predicted, out)
    except ImportError as error:
        notes.append(f"skipped the plots: {error}")
    except OSError as error:
        return cannot_write(out, error)
    written.append(os.path.join(out, "report.txt"))
    text = report(summary, history, accuracy(model, X, y), seconds, written, notes,
                  title="micrograd_bp demo: handwritten digits", test_accuracy=test_accuracy)
    return finish(written, notes, text, say,
                  f"digits: loss {history.loss[-1]:.4f}, test accuracy {test_accuracy:.1%} "
                  f"after {s['epochs']} epochs ({seconds:.1f} s)")
