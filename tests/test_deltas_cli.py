"""``python -m micrograd_bp deltas``: the equations report on the command line."""

import subprocess
import sys

import pytest

from micrograd_bp import rules
from micrograd_bp.cli import main

pytest.importorskip("numpy")


def test_default_is_the_documents_setting(capsys):
    assert main(["deltas"]) == 0
    out = capsys.readouterr().out
    assert "MLP(nin=3, nouts=[4, 2], activation='relu', output_activation='linear')" in out
    assert "softmax + cross-entropy" in out and "batch size B = 1" in out
    assert "delta^(2) = h^(2) - t" in out
    assert "delta^(1) = (W^(2))^T delta^(2) * sigma'(z^(1)),  sigma = relu" in out
    assert "all 9 equations agree with the engine" in out


@pytest.mark.parametrize("argv, equations", [
    (["--activation", "tanh", "--sizes", "2,3,3,2", "--batch-size", "3"], 14),
    (["--activation", "sigmoid", "--loss", "mse", "--seed", "5"], 10),
    (["--activation", "linear", "--loss", "mse", "--output-activation", "tanh", "--sizes", "2,1"], 5),
])
def test_flags_choose_the_network_and_the_loss(capsys, argv, equations):
    assert main(["deltas", *argv]) == 0
    out = capsys.readouterr().out
    assert f"all {equations} equations agree" in out
    if "--batch-size" in argv:
        assert "1/B sum_i delta_i^(1) (h_i^(0))^T" in out and "B * z.grad" in out
    if "mse" in argv:
        assert "mean squared error" in out and "dL/dh" in out


def test_the_seed_makes_the_run_reproducible(capsys):
    main(["deltas", "--seed", "3"])
    first = capsys.readouterr().out
    main(["deltas", "--seed", "3"])
    assert capsys.readouterr().out == first
    main(["deltas", "--seed", "4"])
    assert capsys.readouterr().out != first


def test_exits_non_zero_when_an_equation_disagrees(capsys, monkeypatch):
    monkeypatch.setattr(rules.OPERATIONS["relu"], "derivative", lambda m, h, z: 0.5)  # a broken engine
    assert main(["deltas", "--seed", "1"]) == 1
    assert "DISAGREE" in capsys.readouterr().out


def test_tolerance_flag(capsys):
    assert main(["deltas", "--tol", "0"]) in (0, 1)  # exact agreement is not promised
    assert main(["deltas", "--tol", "1e-3"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("argv, message", [
    (["--sizes", "3"], "at least two sizes"),
    (["--sizes", "3,x"], "whole numbers separated by commas"),
    (["--batch-size", "0"], "argument --batch-size: must be a whole number >= 1, got '0'"),
    (["--tol", "-1"], "argument --tol: must be a number >= 0, got '-1'"),
    (["--activation", "gelu"], "invalid choice: 'gelu'"),
])
def test_bad_flags_are_usage_errors(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(["deltas", *argv])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_cross_entropy_needs_a_linear_output_said_in_flags(capsys, activation):
    with pytest.raises(SystemExit) as stop:
        main(["deltas", "--output-activation", activation])
    assert stop.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("micrograd-bp deltas: error: --loss cross_entropy needs --output-activation linear")
    assert last.endswith(f"got --output-activation {activation}")


def test_runs_as_a_module():
    done = subprocess.run([sys.executable, "-m", "micrograd_bp", "deltas", "--batch-size", "2"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "all 9 equations agree" in done.stdout


def test_without_numpy_the_command_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now fails
    assert main(["deltas"]) == 2
    assert "pip install -e '.[equations]'" in capsys.readouterr().err
