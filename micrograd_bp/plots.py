"""Pictures of training: loss and accuracy curves, a 2-D decision boundary, digits.

Needs matplotlib (``pip install -e '.[plots]'``), imported only when a
function here is called.  Every function returns a matplotlib ``Figure``: in
Jupyter it shows inline when it is the last expression of a cell; in a script
(also without a display) save it with ``fig.savefig("name.png")``.
"""

from . import checks
from ._optional import require
from .train import class_index, predict


def _pyplot():
    return require("matplotlib.pyplot", "plots", "plotting")


def _ticker():
    return require("matplotlib.ticker", "plots", "plotting")


def _new_figure(ncols=1, width=5.0):
    """A new Figure and its axes, not kept open by pyplot.

    Why close it: pyplot keeps every figure it makes until closed, and Jupyter
    would then show it twice (once by pyplot, once as the returned value).
    """
    plt = _pyplot()
    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, 4.0), squeeze=False)
    plt.close(fig)
    return fig, list(axes[0])


def plot_history(history, title="training"):
    """The loss per epoch and, for a classifier, the accuracy per epoch.

    ``history`` is what :func:`micrograd_bp.train.fit` returned.
    """
    if not (hasattr(history, "loss") and hasattr(history, "accuracy")):
        raise TypeError(f"plot_history needs the History that fit() returns, got {history!r}")
    if not len(history):
        raise ValueError("plot_history: the history has no epochs to plot")
    has_accuracy = any(a is not None for a in history.accuracy)
    fig, axes = _new_figure(ncols=2 if has_accuracy else 1)
    epochs = list(range(1, len(history) + 1))
    axes[0].plot(epochs, history.loss, color="tab:blue")
    axes[0].set(xlabel="epoch", ylabel="loss", title="loss")
    axes[0].set_yscale("log" if min(history.loss) > 0 else "linear")
    if has_accuracy:
        axes[1].plot(epochs, [100 * a for a in history.accuracy], color="tab:green",
                     label="training")
        validation = getattr(history, "val_accuracy", [])
        if any(a is not None for a in validation):
            axes[1].plot(epochs, [None if a is None else 100 * a for a in validation],
                         color="tab:orange", label="validation")
            axes[1].legend()
        axes[1].set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy", ylim=(0, 101))
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_curves(x, curves, xlabel, ylabel, title="", log=""):
    """Several named curves over the same x values, one line each, with a legend.

    ``curves`` maps a name to its y values (one per x).  ``log`` is ``""``, ``"y"``
    or ``"xy"``: which axes to draw on a log scale (for costs that grow as a power
    of x, or gradients that shrink by a factor per layer).
    """
    if not curves:
        raise ValueError("plot_curves needs at least one curve, got none")
    for name, ys in curves.items():
        if len(ys) != len(x):
            raise ValueError(f"plot_curves: curve {name!r} has {len(ys)} values for {len(x)} x values")
    if log not in ("", "y", "xy"):
        raise ValueError(f"plot_curves: log must be '', 'y' or 'xy', got {log!r}")
    fig, (ax,) = _new_figure(width=6.0)
    for name, ys in curves.items():
        ax.plot(x, ys, marker="o", label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if "x" in log:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(_ticker().NullFormatter())  # no crowded 2x10^1, 3x10^1, ...
    if "y" in log:
        ax.set_yscale("log")
    ax.legend()
    fig.tight_layout()
    return fig


def decision_grid(model, X, resolution=60, margin=0.5):
    """The model's predicted class on a grid over the data (for a boundary plot).

    Returns (x1s, x2s, classes): the grid's coordinates along each axis, from the
    data's smallest value - margin to its largest + margin, and classes[r][c], the
    class predicted at the point (x1s[c], x2s[r]).
    """
    checks.whole_number(resolution, "decision_grid: resolution", 2)
    if not X or any(len(x) != 2 for x in X):
        raise ValueError("decision_grid needs a non-empty list of 2-D points [x1, x2]")
    axes = []
    for d in (0, 1):
        low, high = min(x[d] for x in X) - margin, max(x[d] for x in X) + margin
        step = (high - low) / (resolution - 1)
        axes.append([low + i * step for i in range(resolution)])
    x1s, x2s = axes
    flat = predict(model, [[a, b] for b in x2s for a in x1s])
    classes = [flat[r * resolution:(r + 1) * resolution] for r in range(resolution)]
    return x1s, x2s, classes


def plot_decision_boundary(model, X, y, resolution=80, title="decision boundary", ax=None):
    """The regions where the model predicts each class, with the data points on top.

    Each cell of a ``resolution`` x ``resolution`` grid is coloured by the class
    predicted at its centre (``pcolormesh``), so only predicted classes appear:
    filled contours would interpolate between class *numbers* and draw a band of
    class 1 wherever regions 0 and 2 meet.  Labels may be class indices 0..K-1 or
    the hinge loss's -1/+1.  Pass ``ax`` to draw into an existing matplotlib Axes
    (its Figure is returned).
    """
    if len(X) != len(y):
        raise ValueError(f"plot_decision_boundary: {len(X)} points but {len(y)} labels")
    x1s, x2s, classes = decision_grid(model, X, resolution)
    labels = [class_index(t) for t in y]
    k = max(max(labels), max(max(row) for row in classes)) + 1
    if ax is None:
        fig, (ax,) = _new_figure(width=5.0)
    else:
        fig = ax.figure
    colors = _pyplot().get_cmap("tab10").colors[:k]
    cmap = require("matplotlib.colors", "plots", "plotting").ListedColormap(colors)
    ax.pcolormesh(x1s, x2s, classes, shading="nearest", cmap=cmap, vmin=-0.5, vmax=k - 0.5,
                  alpha=0.3)
    ax.scatter([x[0] for x in X], [x[1] for x in X], c=labels, cmap=cmap, vmin=-0.5,
               vmax=k - 0.5, s=25, edgecolors="black", linewidths=0.5)
    ax.set(xlabel="x[0]", ylabel="x[1]", title=title,
           xlim=(x1s[0], x1s[-1]), ylim=(x2s[0], x2s[-1]))
    fig.tight_layout()
    return fig


def confusion_matrix(y_true, y_pred, classes=None):
    """counts[t][p]: how many samples of true class t were predicted as class p."""
    if len(y_true) != len(y_pred):
        raise ValueError(f"confusion_matrix: {len(y_true)} labels but {len(y_pred)} predictions")
    k = classes or max(list(y_true) + list(y_pred)) + 1
    counts = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred):
        counts[t][p] += 1
    return counts


def plot_confusion_matrix(y_true, y_pred, classes=None, title="confusion matrix"):
    """A k x k grid: row t, column p holds how many of class t were predicted as p.

    The diagonal is the correct predictions; everything off it is a mistake.
    """
    counts = confusion_matrix(y_true, y_pred, classes)
    k = len(counts)
    fig, (ax,) = _new_figure(width=5.5)
    ax.imshow(counts, cmap="Blues")
    top = max(max(row) for row in counts)
    for t in range(k):
        for p in range(k):
            if counts[t][p]:
                ax.text(p, t, str(counts[t][p]), ha="center", va="center", fontsize=8,
                        color="white" if counts[t][p] > top / 2 else "black")
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted class", ylabel="true class",
           title=title)
    fig.tight_layout()
    return fig


def plot_digits(images, titles=(), ncols=8, title=None):
    """Grey 8x8 digit images (lists of rows, values in [0, 1]) in a grid, each with a title.

    ``images`` as :func:`micrograd_bp.datasets.image` makes them
    (``digits().images_test``); ``titles`` one string per image, e.g. "pred 3, true 8".
    """
    if not images:
        raise ValueError("plot_digits: there are no images to show")
    plt = _pyplot()
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)  # rounded up
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.5 * nrows + 0.4), squeeze=False)
    plt.close(fig)  # see _new_figure
    titles = list(titles) + [""] * (len(images) - len(titles))
    for ax, img, text in zip([a for row in axes for a in row], images, titles):
        ax.imshow(img, cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(text, fontsize=8)
    for ax in [a for row in axes for a in row]:
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
