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
