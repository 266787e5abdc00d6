"""fit's progress: a tqdm bar over epochs and batches, one text line, or nothing."""

import pytest

from micrograd_bp import MLP
from micrograd_bp.datasets import moons
from micrograd_bp.progress import ENV
from micrograd_bp.train import fit


def train(progress, **kwargs):
    X, y = moons(12, seed=0)
    return fit(MLP(2, [3, 1], seed=0), X, y, epochs=2, batch_size=5, progress=progress, **kwargs)


def test_text_mode_prints_one_finished_line_and_no_bar(capsys):
    history = train("text")
    out, err = capsys.readouterr()
    (line,) = out.strip().splitlines()
    assert line.startswith("training: 2/2 epochs, 6 batches")   # 12 points in batches of 5: 3 per epoch
    assert f"loss {history.loss[-1]:.4f}" in line and f"accuracy {history.accuracy[-1]:.1%}" in line
    assert err == ""


def test_the_environment_variable_turns_true_into_text(capsys, monkeypatch):
    monkeypatch.setenv(ENV, "text")
    train(True)
    out, err = capsys.readouterr()
    assert out.startswith("training: 2/2 epochs") and err == ""


def test_the_bar_shows_epoch_batch_and_loss(capsys, monkeypatch):
    pytest.importorskip("tqdm")
    monkeypatch.delenv(ENV, raising=False)
    train("bar")
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and "epoch 2/2" in err and "6/6" in err and "loss=" in err


def test_ctrl_c_closes_the_bar_before_anyone_says_interrupted(capsys, monkeypatch):
    """The bar is drawn for the last time when fit stops, not again after the CLI's
    "interrupted" (as a bar left open would be, when it is garbage-collected)."""
    pytest.importorskip("tqdm")
    import gc
    import sys

    monkeypatch.delenv(ENV, raising=False)
    calls = []

    def loss(output, target):
        calls.append(1)
        if len(calls) == 8:
            raise KeyboardInterrupt
        return (output - target) ** 2

    X, y = moons(12, seed=0)
    try:
        fit(MLP(2, [3, 1], seed=0), X, y, loss=loss, epochs=2, batch_size=5, progress="bar")
    except KeyboardInterrupt:  # as cli.main does, while the traceback still holds fit's frames
        print("interrupted", file=sys.stderr)
    gc.collect()  # fit's frames, and a bar left open, are freed now
    err = capsys.readouterr().err
    assert "epoch 1/2" in err and err.endswith("interrupted\n")


def test_an_unknown_progress_setting_is_refused():
    with pytest.raises(ValueError, match="progress must be True, False, 'bar' or 'text', got 'fancy'"):
        train("fancy")


def run_in_a_kernel(fit_call):
    """The outputs of one notebook cell that trains a small model with ``fit_call``."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "from micrograd_bp import MLP\n"
        "from micrograd_bp.datasets import moons\n"
        "from micrograd_bp.train import fit\n"
        "X, y = moons(10, seed=0)\n"
        f"{fit_call};\n")]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    return nb.cells[0].outputs


def test_in_jupyter_the_progress_bar_is_a_notebook_widget(monkeypatch):
    pytest.importorskip("ipywidgets")
    monkeypatch.delenv(ENV, raising=False)  # the kernel inherits the environment
    outputs = run_in_a_kernel("fit(MLP(2, [2, 1], seed=0), X, y, epochs=3)")
    kinds = [kind for o in outputs for kind in o.get("data", {})]
    assert "application/vnd.jupyter.widget-view+json" in kinds, outputs


def test_in_text_mode_a_notebook_saves_the_finished_line():
    outputs = run_in_a_kernel("fit(MLP(2, [2, 1], seed=0), X, y, epochs=3, progress='text')")
    assert [o.output_type for o in outputs] == ["stream"]
    assert outputs[0].text.startswith("training: 3/3 epochs, 3 batches")
