"""Draw the book's gallery: every kind of picture, at the page, notebook and slide sizes.

    python tools/gallery.py          # writes docs/images/gallery/*, read by docs/gallery.md

Each picture is drawn by the package's own functions from one small example, so
a change to the drawings shows here, side by side, in every place a picture is
seen: inline at the page's size (the book's text column), and as files at the
notebook's and the slide's sizes.  ``tests/test_gallery.py`` checks that the
committed files are the ones this script draws.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "gallery"
SIZES = ("page", "notebook", "slide")


def neuron_with_loss():
    """One tanh neuron of three inputs and a squared error, L = (h1[0] - t)²."""
    from micrograd_bp import Value
    from micrograd_bp.nn import Neuron

    neuron = Neuron(3, "tanh", l=1, j=0, seed=3)
    x = [Value(0.5, label="x[0]"), Value(-1.0, label="x[1]"), Value(2.0, label="x[2]")]
    t = Value(1.0, label="t")
    _, h = neuron.forward_with_z(x)
    e = h - t
    e.label = "e"
    L = e * e
    L.label = "L"
    return L


def small_mlp():
    """MLP(3, [4, 3]) and cross-entropy on one sample, as in notebook 3."""
    from micrograd_bp import MLP
    from micrograd_bp.losses import cross_entropy

    trace = MLP(3, [4, 3], activation="relu", seed=0).trace([1.0, -2.0, 0.5])
    L = cross_entropy(trace.z[2], 1)
    L.label = "L"
    return L


def demo_mlp():
    """The demo's MLP(2, [16, 16, 1]) and a hinge loss on one sample."""
    from micrograd_bp import MLP

    trace = MLP(2, [16, 16, 1], activation="relu", seed=1).trace([0.5, -0.3])
    L = (1 - trace.h[3][0]).relu()
    L.label = "L"
    return L


def pictures():
    """{name: (what it shows, a function of size -> graphviz.Digraph)}."""
    from micrograd_bp.draw import draw_graph
    from micrograd_bp.paths import grad_paths

    def after_backward(make, **options):
        def draw(size):
            L = make()
            L.backward()
            return draw_graph(L, size=size, **options)
        return draw

    def paths(size):
        L = neuron_with_loss()
        L.backward()
        x0 = next(v for v in _order(L) if v.label == "x[0]")
        return grad_paths(L, x0).draw(size=size)

    return {
        "scalar": ("the scalar view: one box per Value, after backward()",
                   after_backward(neuron_with_loss)),
        "neuron": ("the neuron view of MLP(3, [4, 3]): each neuron's weights in its box",
                   after_backward(small_mlp, view="neuron")),
        "summary": ("the demo's MLP(2, [16, 16, 1]) summarised, neuron 3 of layer 2 in full",
                    after_backward(demo_mlp, view="neuron", focus="z2[3]")),
        "paths": ("the chain rule as paths: every path from L down to x[0]", paths),
    }


def steppers():
    """{name: (what it shows, a function of size -> player.Stepper)}."""
    from micrograd_bp.player import stepper
    from micrograd_bp.widgets import layer_frames

    def layers(size):
        L = small_mlp()
        return stepper(layer_frames(L, weights=["W1[0,2]"], size=size), fallback=None,
                       title="Steps 2 to 4, one δ at a time")

    return {
        "forward_backward": ("the forward and backward stepper of one neuron",
                             lambda size: stepper(neuron_with_loss(), forward=True,
                                                  fallback=None, size=size)),
        "layers": ("the layer stepper: Steps 2, 3 and 4 on MLP(3, [4, 3])", layers),
    }


def _order(L):
    from micrograd_bp.graph import topological_order

    return topological_order(L)


def files():
    """{file name: its bytes}: every file of the gallery."""
    from micrograd_bp.draw import png_dpi

    made = {}
    for name, (_, draw) in pictures().items():
        made[f"{name}_page.svg"] = draw("page").pipe(format="svg")
        made[f"{name}_notebook.svg"] = draw("notebook").pipe(format="svg")
        made[f"{name}_slide.png"] = png_dpi(draw("slide"), "slide").pipe(format="png")
    for name, (_, make) in steppers().items():
        made[f"{name}_page.html"] = _stable(make("page").html(), name).encode()
    return made


def _stable(html, name):
    """The player's element with an id of its own (``mgbp-stepper-<name>``), not one
    made of the process id and a counter: the same file each time it is drawn."""
    import re

    return re.sub(r"mgbp-stepper-[0-9a-f]+-\d+", f"mgbp-stepper-{name}", html)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in files().items():
        (OUT / name).write_bytes(data)
        print(f"wrote {OUT.relative_to(ROOT) / name}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
