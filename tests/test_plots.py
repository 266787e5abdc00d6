"""Plots: loss/accuracy curves and the decision boundary, headless and in Jupyter."""

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("matplotlib")

from micrograd_bp import MLP, Value  # noqa: E402
from micrograd_bp.plots import decision_grid, plot_curves, plot_decision_boundary, plot_history  # noqa: E402
from micrograd_bp.train import History  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def made_up_history(accuracy=True):
    h = History()
    h.loss = [1.0, 0.5, 0.25, 0.2]
    h.accuracy = [0.5, 0.75, 0.9, 1.0] if accuracy else [None] * 4
    h.lr = [0.1] * 4
    return h


def linear_model(w1, w2, b):
    """MLP(2, [1]) whose score is w1 x1 + w2 x2 + b."""
    model = MLP(2, [1], seed=0)
    (n,) = model.layers[0].neurons
    n.w[0].data, n.w[1].data, n.b.data = w1, w2, b
    return model


def test_plot_history_draws_the_loss_and_the_accuracy_per_epoch():
    fig = plot_history(made_up_history())
    loss_ax, acc_ax = fig.axes
    (loss_line,) = loss_ax.get_lines()
    (acc_line,) = acc_ax.get_lines()
    assert list(loss_line.get_xdata()) == [1, 2, 3, 4]
    assert list(loss_line.get_ydata()) == [1.0, 0.5, 0.25, 0.2]
    assert list(acc_line.get_ydata()) == [50.0, 75.0, 90.0, 100.0]
    assert (loss_ax.get_ylabel(), acc_ax.get_ylabel()) == ("loss", "accuracy (%)")


def test_plot_history_without_accuracy_has_one_panel():
    assert len(plot_history(made_up_history(accuracy=False)).axes) == 1


def test_plot_history_saves_a_png(tmp_path):
    path = tmp_path / "loss.png"
    plot_history(made_up_history()).savefig(path)
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_plot_history_rejects_an_empty_history():
    with pytest.raises(ValueError, match="plot_history: the history has no epochs"):
        plot_history(History())
    with pytest.raises(TypeError, match="needs the History that fit"):
        plot_history([0.5, 0.4])


def test_decision_grid_of_a_linear_model_is_the_half_plane_x1_greater_than_x2():
    X = [[-1.0, -2.0], [3.0, 1.0]]
    x1s, x2s, classes = decision_grid(linear_model(1.0, -1.0, 0.0), X, resolution=7,
                                      margin=0.5)
    assert (x1s[0], x1s[-1], x2s[0], x2s[-1]) == pytest.approx((-1.5, 3.5, -2.5, 1.5))
    for r, x2 in enumerate(x2s):
        for c, x1 in enumerate(x1s):
            assert classes[r][c] == (1 if x1 - x2 > 0 else 0)


def test_decision_boundary_plots_the_points_and_the_regions(tmp_path):
    X = [[0.0, 0.0], [1.0, 1.0], [2.0, -1.0]]
    y = [-1, 1, 1]   # hinge labels are drawn as classes 0 and 1
    fig = plot_decision_boundary(linear_model(1.0, 0.0, -0.5), X, y, resolution=10)
    (ax,) = fig.axes
    (points,) = ax.collections[-1:]
    assert points.get_offsets().tolist() == X
    assert list(points.get_array()) == [0, 1, 1]
    assert len(ax.collections) >= 2          # the filled regions, then the points
    fig.savefig(tmp_path / "boundary.png")
    assert (tmp_path / "boundary.png").read_bytes().startswith(PNG_SIGNATURE)


class StripesModel:
    """Predicts class 0 for x1 < 0 and class 2 for x1 >= 0: regions 0 and 2 touch."""

    def __call__(self, x):
        return [Value(1.0 if x[0] < 0 else 0.0), Value(0.0), Value(1.0 if x[0] >= 0 else 0.0)]


def test_decision_regions_show_only_predicted_classes_no_phantom_band_between():
    X = [[-1.0, 0.0], [1.0, 0.0]]
    fig = plot_decision_boundary(StripesModel(), X, [0, 2], resolution=9)
    regions = fig.axes[0].collections[0]
    _, _, classes = decision_grid(StripesModel(), X, resolution=9)
    drawn = [int(c) for c in regions.get_array().ravel()]
    assert drawn == [c for row in classes for c in row]
    assert set(drawn) == {0, 2}  # contourf drew a band of class 1 where 0 meets 2


def test_decision_boundary_draws_into_a_given_axes():
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2)
    plt.close(fig)
    out = plot_decision_boundary(linear_model(1.0, 0.0, 0.0), [[0.0, 0.0], [1.0, 1.0]], [0, 1],
                                 resolution=5, ax=right)
    assert out is fig and right.collections and not left.collections


def test_decision_boundary_rejects_mismatched_labels_and_bad_points():
    model = linear_model(1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match="2 points but 1 labels"):
        plot_decision_boundary(model, [[0.0, 0.0], [1.0, 1.0]], [1])
    with pytest.raises(ValueError, match="needs a non-empty list of 2-D points"):
        decision_grid(model, [[0.0, 0.0, 0.0]])


def test_missing_matplotlib_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install -e '\.\[plots\]'"):
        plot_history(made_up_history())


def test_plots_work_headless_without_a_display(tmp_path):
    script = textwrap.dedent(f"""
        import matplotlib
        from micrograd_bp.plots import plot_history
        from micrograd_bp.train import History
        h = History(); h.loss, h.accuracy, h.lr = [1.0, 0.5], [0.5, 1.0], [0.1, 0.1]
        plot_history(h).savefig({str(tmp_path / "h.png")!r})
        print(matplotlib.get_backend())
    """)
    hidden = ("DISPLAY", "MPLBACKEND", "WAYLAND_DISPLAY")
    env = {k: v for k, v in os.environ.items() if k not in hidden}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().lower() == "agg"
    assert (tmp_path / "h.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_returned_figure_shows_inline_exactly_once_in_jupyter():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent("""
        from micrograd_bp.plots import plot_history
        from micrograd_bp.train import History
        h = History(); h.loss, h.accuracy, h.lr = [1.0, 0.5], [0.5, 1.0], [0.1, 0.1]
        plot_history(h)
    """))]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = nb.cells[0].outputs
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1, outputs


def test_plot_curves_draws_one_labelled_line_per_curve_on_log_axes():
    fig = plot_curves([1, 10, 100], {"finite differences": [2, 20, 200], "backprop": [1, 1, 2]},
                      "P", "seconds", title="cost", log="xy")
    (ax,) = fig.axes
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["finite differences", "backprop"]
    assert list(lines[0].get_ydata()) == [2, 20, 200]
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["finite differences", "backprop"]


def test_plot_curves_rejects_mismatched_lengths_and_unknown_scales():
    with pytest.raises(ValueError, match="curve 'a' has 2 values for 3 x values"):
        plot_curves([1, 2, 3], {"a": [1, 2]}, "x", "y")
    with pytest.raises(ValueError, match="log must be"):
        plot_curves([1], {"a": [1]}, "x", "y", log="z")
    with pytest.raises(ValueError, match="at least one curve"):
        plot_curves([1], {}, "x", "y")


# --- digits: the confusion matrix and the pictures ------------------------------------

def test_confusion_matrix_counts_true_against_predicted():
    from micrograd_bp.plots import confusion_matrix
    assert confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0]) == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]
    assert confusion_matrix([1], [1], classes=3) == [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    with pytest.raises(ValueError, match="2 labels but 1 predictions"):
        confusion_matrix([0, 1], [0])


def test_plot_confusion_matrix_writes_the_counts_in_the_cells():
    from micrograd_bp.plots import plot_confusion_matrix
    fig = plot_confusion_matrix([0, 0, 1, 1, 1], [0, 1, 1, 1, 1])
    (ax,) = fig.axes
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "3"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"


def test_plot_digits_shows_each_image_with_its_title():
    from micrograd_bp.plots import plot_digits
    img = [[r / 7 for _ in range(8)] for r in range(8)]
    fig = plot_digits([img, img, img], ["pred 3, true 8", "a", "b"], ncols=2)
    titled = [ax.get_title() for ax in fig.axes if ax.images]
    assert titled == ["pred 3, true 8", "a", "b"]
    assert fig.axes[0].images[0].get_array().tolist() == img
    with pytest.raises(ValueError, match="no images"):
        plot_digits([])


def test_plot_history_draws_the_validation_accuracy_when_there_is_one():
    h = made_up_history()
    h.val_accuracy = [0.4, 0.6, 0.8, 0.85]
    _, acc_ax = plot_history(h).axes
    assert [line.get_label() for line in acc_ax.get_lines()] == ["training", "validation"]
    assert list(acc_ax.get_lines()[1].get_ydata()) == pytest.approx([40, 60, 80, 85])
