"""The Python examples in the README and in docs/ run, and print what they promise.

Each file's ```python blocks run in order in one namespace, as a reader would
type them into one session.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks(path):
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.DOTALL)


def test_the_readme_has_python_examples():
    assert len(python_blocks(ROOT / "README.md")) >= 1


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_python_example_runs(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    namespace = {"__name__": "__docs__"}
    for block in python_blocks(path):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(path), "exec"), namespace)
        # A "# Value(...)" comment after a print is a promise about its output.
        for promised in re.findall(r"print\(.*?\)\s+# (Value\(data=.*?\))", block):
            assert promised in out.getvalue(), promised


def command_lines(path):
    """The ``python -m micrograd_bp ...`` lines of the ```bash blocks of ``path``."""
    blocks = re.findall(r"```bash\n(.*?)```", path.read_text(), flags=re.DOTALL)
    return [line for block in blocks for line in block.splitlines()
            if line.startswith("python -m micrograd_bp ")]


def test_the_slide_commands_of_the_graphs_page_run(tmp_path, monkeypatch, capsys):
    """Each command of docs/graphs.md's "For slides" writes the file it names."""
    import shlex

    from micrograd_bp.cli import main
    from micrograd_bp.draw import dot_installed

    if not dot_installed():
        pytest.skip("Graphviz's dot program is not installed")
    monkeypatch.chdir(tmp_path)
    lines = command_lines(ROOT / "docs" / "graphs.md")
    assert any("--size slide" in line for line in lines)
    for line in lines:
        words = shlex.split(line)[3:]
        written = words[words.index("--out" if "--out" in words else "--steps") + 1]
        assert main(words) == 0, line
        assert (tmp_path / written).stat().st_size > 0, line
        assert "warning" not in capsys.readouterr().err, line
