"""The package as a whole: its public names, lazy optional imports, the CLI entry."""

import subprocess
import sys

import pytest

import micrograd_bp
from micrograd_bp import cli

OPTIONAL = ("numpy", "sympy", "graphviz", "matplotlib", "tqdm", "ipywidgets", "torch", "sklearn")


def test_the_public_api_is_importable_from_the_top_level():
    for name in ("Value", "Module", "Neuron", "Layer", "MLP", "gradcheck"):
        assert name in micrograd_bp.__all__
        assert getattr(micrograd_bp, name) is not None


def test_importing_the_package_imports_no_optional_dependency():
    code = ("import sys, micrograd_bp; "
            f"print([m for m in {OPTIONAL!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_missing_optional_package_names_the_extra_to_install():
    from micrograd_bp._optional import require
    with pytest.raises(ImportError, match=r"pip install -e '\.\[plots\]'"):
        require("no_such_package_xyz", "plots", "Plotting")


def test_cli_without_a_command_runs_the_demo(monkeypatch):
    from micrograd_bp.commands import demo, graph
    seen = []
    monkeypatch.setattr(demo, "run", lambda args: seen.append(("demo", args.quiet)) or 0)
    monkeypatch.setattr(graph, "run", lambda args: seen.append(("graph", None)) or 0)
    assert cli.main([]) == 0
    assert cli.main(["--quiet"]) == 0  # demo flags work without the word demo
    assert cli.main(["graph"]) == 0
    assert seen == [("demo", False), ("demo", True), ("graph", None)]


def test_cli_rejects_an_unknown_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["bogus"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err
