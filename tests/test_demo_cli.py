"""``python -m micrograd_bp demo``: the main job, its flags, its files and its errors."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from micrograd_bp.cli import build_parser, main
from micrograd_bp.commands import demo
from micrograd_bp.optim import SGD, Adam

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def parse(*flags):
    return build_parser().parse_args(["demo", *flags])


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """The demo with no flags but --out (and --quiet): micrograd's demo.ipynb."""
    out = tmp_path_factory.mktemp("demo") / "out"
    code = main(["demo", "--out", str(out), "--quiet"])
    return code, out


def test_the_default_demo_reaches_100_percent_on_the_moons(default_run):
    code, out = default_run
    assert code == 0
    report = (out / "report.txt").read_text()
    assert "MLP(2, [16, 16, 1]) on 100 moons points" in report
    assert "training accuracy after training: 100.0%" in report


def test_the_default_demo_writes_the_curve_the_boundary_and_a_report(default_run):
    pytest.importorskip("matplotlib")
    _, out = default_run
    for name in ("loss_curve.png", "decision_boundary.png"):
        assert (out / name).read_bytes().startswith(PNG_SIGNATURE)
    assert "files: loss_curve.png, decision_boundary.png" in (out / "report.txt").read_text()


def test_the_default_demo_draws_one_samples_graph_when_dot_is_installed(default_run):
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed")
    _, out = default_run
    svg = (out / "graph_one_sample.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "layer 2" in svg and ">δ1[15]<" in svg


def test_the_one_sample_graph_shows_backprop_at_work(default_run):
    """The drawn sample is the one with the largest loss after training, so its
    deltas are not all 0; it is drawn before training as well, and the report says so."""
    pytest.importorskip("graphviz")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot program is not installed")
    _, out = default_run
    report = (out / "report.txt").read_text()
    found = re.search(r"one-sample graph: sample (\d+), x = .*, label (\d), the sample with "
                      r"the largest loss after training \(L = ([\d.]+)\)", report)
    assert found, report
    label, L = int(found.group(2)), float(found.group(3))
    assert L > 0
    # hinge: L = max(0, 1 - y·score) > 0, so δ of the output = dL/dscore = -y, y = ±1
    svg = (out / "graph_one_sample.svg").read_text()
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)  # the caption may take two lines
    assert f"label {label}, after training: L = {L:.4f}" in " ".join(texts)
    delta = f"{-1.0 if label == 1 else 1.0:.3f}".replace("-", "&#45;")  # SVG escapes "-"
    assert texts[texts.index("δ3[0]") + 1] == delta  # the output neuron's δ row
    before = (out / "graph_one_sample_before_training.svg").read_text()
    assert f"label {label}, before training: L = " in " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", before))


def test_the_hardest_sample_is_the_one_with_the_largest_loss():
    from micrograd_bp import MLP

    model = MLP(2, [4, 1], seed=0)
    X, y = [[0.1, 0.2], [2.0, -1.0], [-1.5, 0.5]], [1, 0, 1]
    losses = [demo.sample_loss(model, x, label, "hinge").data for x, label in zip(X, y)]
    assert demo.hardest_sample(model, X, y, "hinge") == losses.index(max(losses))


def test_a_three_arm_spiral_reaches_at_least_90_percent(tmp_path, capsys):
    """The documented configuration: --dataset spiral (150 points, MLP(2,[16,16,3]),
    softmax + cross-entropy, Adam lr 0.02, 100 full-batch epochs, seed 1)."""
    code = main(["demo", "--dataset", "spiral", "--classes", "3", "--out", str(tmp_path),
                 "--quiet"])
    assert code == 0
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    accuracy = float(last_line.split("training accuracy ")[1].split("%")[0])
    assert accuracy >= 90.0


def test_four_blobs_are_four_classes_learned_by_a_softmax_head(tmp_path, capsys):
    """--dataset blobs, as the README lists it: --classes sets the number of blobs."""
    code = main(["demo", "--dataset", "blobs", "--classes", "4", "--samples", "40", "--epochs", "30",
                 "--out", str(tmp_path), "--quiet"])
    assert code == 0
    assert "MLP(2, [16, 16, 4]) on 40 blobs (4 classes) points" in (tmp_path / "report.txt").read_text()
    last_line = capsys.readouterr().out.strip().splitlines()[-1]
    assert float(last_line.split("training accuracy ")[1].split("%")[0]) >= 75.0


def test_flags_set_the_recipe():
    s = demo.settings(parse("--dataset", "spiral", "--classes", "4", "--samples", "40",
                            "--epochs", "7", "--lr", "0.5", "--seed", "3"))
    assert (s["classes"], s["samples"], s["epochs"], s["lr"], s["seed"]) == (4, 40, 7, 0.5, 3)
    X, y, model, optimizer = demo.build(s)
    assert len(X) == 40 and sorted(set(y)) == [0, 1, 2, 3]
    assert len(model.layers[-1].neurons) == 4 and isinstance(optimizer, Adam)


def test_sgd_learning_rate_decays_linearly_to_a_tenth():
    s = demo.settings(parse("--lr", "2.0", "--epochs", "10"))
    _, _, _, optimizer = demo.build(s)
    assert isinstance(optimizer, SGD)
    assert [optimizer.schedule(k) for k in (0, 5, 10)] == pytest.approx([2.0, 1.1, 0.2])


def test_choosing_adam_for_moons_uses_adams_default_rate():
    s = demo.settings(parse("--optimizer", "adam"))
    assert (s["optimizer"], s["lr"], s["loss"]) == ("adam", 0.02, "hinge")


def test_help_lists_every_flag(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--dataset", "--classes", "--epochs", "--lr", "--seed", "--out", "--quiet"):
        assert flag in text


@pytest.mark.parametrize("flags, message", [
    (["--epochs", "0"], "argument --epochs: must be a whole number >= 1, got '0'"),
    (["--epochs", "ten"], "argument --epochs: must be a whole number >= 1, got 'ten'"),
    (["--lr", "-1"], "argument --lr: must be a number > 0, got '-1'"),
    (["--lr", "nan"], "argument --lr: must be a number > 0, got 'nan'"),
    (["--dataset", "mnist"], "argument --dataset: invalid choice: 'mnist'"),
    (["--classes", "3"], "--classes only applies to --dataset spiral"),
    (["--dataset", "spiral", "--classes", "1"], "argument --classes: must be a whole number >= 2"),
    # a full-batch step keeps every sample's graph: 10^8 samples would need ~6 TB
    (["--samples", "100000000"], "argument --samples: must be a whole number from 2 to 10000, "
                                 "got '100000000'"),
    (["--dataset", "spiral", "--classes", "5", "--samples", "4"],
     "--samples must be at least the number of classes \\(5\\)"),
])
def test_bad_flags_give_argparses_usage_error(flags, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main(["demo", *flags, "--out", str(tmp_path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage:") and "Traceback" not in err
    assert re.search(message, err)


def test_an_output_folder_that_cannot_be_written_gives_one_clear_line(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    result = subprocess.run(
        [sys.executable, "-m", "micrograd_bp", "demo", "--out", str(blocker / "out")],
        capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot write to the output folder") and "a_file" in line


def test_missing_graph_and_plot_packages_are_noted_and_the_rest_is_written(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)   # no matplotlib
    monkeypatch.setenv("PATH", str(tmp_path))                       # no Graphviz 'dot'
    code = main(["demo", "--samples", "10", "--epochs", "2", "--out", str(tmp_path)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "skipped the plots" in printed and "pip install -e '.[plots]'" in printed
    assert "skipped the computation graph" in printed and "Graphviz" in printed
    report = (tmp_path / "report.txt").read_text()
    assert "files: report.txt" in report and "skipped the plots" in report
    assert not (tmp_path / "graph_one_sample.svg").exists()  # no empty file left behind


def test_the_console_script_runs_the_demo_help():
    script = shutil.which("micrograd-bp", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the package is not installed with its console script")
    result = subprocess.run([script, "demo", "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "--dataset" in result.stdout


def test_help_says_that_no_command_runs_the_demo():
    text = build_parser().format_help()
    assert "With no COMMAND, runs demo" in text and "demo (the default)" in text
