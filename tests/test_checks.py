"""checks: one list of activations and losses, one wording for every refused setting."""

import argparse

import pytest

from micrograd_bp import MLP, Layer, Neuron, checks, datasets, draw, fit, optim, train
from micrograd_bp.cli import build_parser
from micrograd_bp.engine import Value

ACTIVATION_TAIL = "unknown activation 'softplus'; choose one of relu, tanh, sigmoid, linear"


def test_the_lists():
    assert checks.ACTIVATIONS == ("relu", "tanh", "sigmoid", "linear")
    assert checks.LOSSES == ("cross_entropy", "mse")
    assert checks.TRAINING_LOSSES == ("hinge", "cross_entropy", "mse")


@pytest.mark.parametrize("make, where", [
    (lambda: MLP(2, [3], activation="softplus"), "MLP"),
    (lambda: MLP(2, [3], output_activation="softplus"), "MLP (output_activation)"),
    (lambda: Layer(2, 3, "softplus"), "Neuron"),
    (lambda: Neuron(2, "softplus"), "Neuron"),
])
def test_every_module_refuses_an_activation_in_the_same_words(make, where):
    with pytest.raises(ValueError) as error:
        make()
    assert str(error.value) == f"{where}: {ACTIVATION_TAIL}"


def test_the_symbolic_module_uses_the_same_list_and_words():
    pytest.importorskip("sympy")
    from micrograd_bp.symbolic import derive_hidden_delta
    with pytest.raises(ValueError) as error:
        derive_hidden_delta("softplus")
    assert str(error.value) == f"symbolic derivation: {ACTIVATION_TAIL}"


def test_losses_are_refused_in_the_same_words():
    with pytest.raises(ValueError) as error:
        fit(MLP(1, [1], seed=0), [[1.0]], [1], loss="softmax", progress=False)
    assert "fit: unknown loss 'softmax'; choose one of hinge, cross_entropy, mse" in str(error.value)
    pytest.importorskip("numpy")
    from micrograd_bp.backprop import check_backprop
    with pytest.raises(ValueError) as error:
        check_backprop(MLP(1, [1], seed=0), [1.0], [1.0], loss="hinge")
    assert str(error.value) == "check_backprop: unknown loss 'hinge'; choose one of cross_entropy, mse"


@pytest.mark.parametrize("call, message", [
    (lambda: MLP(0, [3]), "MLP: nin (the number of inputs) must be a whole number >= 1, got 0"),
    (lambda: Layer(2, 2.0), "Layer: nout (the number of neurons) must be a whole number >= 1, got 2.0"),
    (lambda: datasets.moons(n=True), "moons: n must be a whole number >= 2, got True"),
    (lambda: fit(MLP(1, [1], seed=0), [[1.0]], [1], epochs=0, progress=False),
     "fit: epochs must be a whole number >= 1, got 0"),
    (lambda: optim.linear_decay(1.0, 0.1, -3), "linear_decay: steps must be a whole number >= 1, got -3"),
    (lambda: draw.draw_graph(Value(1.0), max_nodes=0), "draw_graph: max_nodes must be a whole number >= 1, got 0"),
])
def test_whole_numbers_are_refused_in_the_same_words(call, message):
    if "draw_graph" in message:
        pytest.importorskip("graphviz")
    with pytest.raises(ValueError) as error:
        call()
    assert str(error.value) == message


def test_a_whole_number_check_with_an_upper_bound():
    assert checks.whole_number(10, "n", 2, 10) == 10
    with pytest.raises(ValueError, match="^n must be a whole number from 2 to 10, got 11$"):
        checks.whole_number(11, "n", 2, 10)


@pytest.mark.parametrize("x", ["0.1", True, float("nan"), -1, 0])
def test_numbers_out_of_range_or_not_numbers_are_one_kind_of_error(x):
    with pytest.raises(ValueError, match=f"^lr must be a number > 0, got {x!r}$".replace("(", r"\(")):
        checks.number(x, "lr", 0, low_inclusive=False)
    assert checks.number(0.5, "lr", 0, low_inclusive=False) == 0.5


def test_the_argparse_types_say_what_the_library_says():
    parse = checks.whole_number_arg(2, 100)
    assert parse("7") == 7
    for text in ("1", "101", "ten", "2.5"):
        with pytest.raises(argparse.ArgumentTypeError,
                           match=f"^must be a whole number from 2 to 100, got '{text}'$"):
            parse(text)
    positive = checks.number_arg(0, low_inclusive=False)
    assert positive("0.25") == 0.25
    for text in ("0", "-1", "nan", "inf", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match=f"^must be a number > 0, got '{text}'$"):
            positive(text)


def _choices(command, flag):
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return tuple(next(a for a in sub.choices[command]._actions if flag in a.option_strings).choices)


def test_the_command_line_offers_the_librarys_lists():
    assert _choices("deltas", "--activation") == checks.ACTIVATIONS
    assert _choices("deltas", "--output-activation") == checks.ACTIVATIONS
    assert _choices("deltas", "--loss") == checks.LOSSES
    assert train.LOSSES == checks.TRAINING_LOSSES


# --- files to be written ---------------------------------------------------------------

def test_an_output_file_is_checked_before_any_work(tmp_path):
    assert checks.output_file(tmp_path / "g.svg", "save") == tmp_path / "g.svg"
    with pytest.raises(FileNotFoundError, match=r"^save: cannot write '.*nodir/g.svg': the folder "):
        checks.output_file(tmp_path / "nodir" / "g.svg", "save")
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        checks.output_file(tmp_path, "save")
    with pytest.raises(FileNotFoundError, match="^save: the output file name is empty$"):
        checks.output_file("", "save")


def test_write_file_writes_the_whole_content_or_says_why_not(tmp_path):
    checks.write_file(tmp_path / "a.txt", "δ = h - t", "demo")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "δ = h - t"
    checks.write_file(tmp_path / "b.bin", b"\x89PNG", "demo")
    assert (tmp_path / "b.bin").read_bytes() == b"\x89PNG"
    with pytest.raises(FileNotFoundError) as error:
        checks.write_file(tmp_path / "nodir" / "c.txt", "x", "demo")
    assert str(error.value) == f"demo: cannot write '{tmp_path / 'nodir' / 'c.txt'}': No such file or directory"


def test_the_library_checks_a_file_before_rendering_frames(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    from micrograd_bp import player, widgets

    def no_frames(*args, **kwargs):
        raise AssertionError("frames were rendered before the path was checked")

    monkeypatch.setattr(widgets, "as_frames", no_frames)
    monkeypatch.setattr(player, "html_page", no_frames)
    for save, name in ((player.save_html, "x.html"), (widgets.save_gif, "x.gif")):
        with pytest.raises(FileNotFoundError, match=f"^{save.__name__}: cannot write .*{name}"):
            save(Value(1.0), tmp_path / "nodir" / name)
