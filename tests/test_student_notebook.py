"""``python notebooks/run.py --student 01b``: notebook 1b without its worked solutions."""

import subprocess
import sys

import pytest

pytest.importorskip("jupytext", reason="the student version needs jupytext")

from test_notebooks import NOTEBOOK_DIR, run  # noqa: E402  (notebooks/run.py, loaded once)

NAME = "01b_build_your_own_engine"


def test_the_student_version_has_no_worked_solution_and_every_check():
    full = run.read(NOTEBOOK_DIR / f"{NAME}.md")
    solutions = [c for c in full.cells if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) == 7  # one per stage (stage 5's is the broken copy)
    student = run.student_version(run.read(NOTEBOOK_DIR / f"{NAME}.md"))
    assert len(student.cells) == len(full.cells)
    text = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert "worked solution" not in text and "def _backward" not in text
    assert "class Value" not in text  # nothing of the answer's code
    assert text.count(run.YOUR_CODE) == 7
    assert [line for line in text.splitlines() if line.startswith("# Stage ")] == [
        f"# Stage {n}" for n in range(1, 8)]
    for stage in range(1, 8):
        assert f"check_engine(Value, stage={stage}" in text


def test_the_documented_command_writes_it(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "STUDENT_DIR", tmp_path)
    run.main(["--student", "01b"])
    written = tmp_path / f"{NAME}.ipynb"
    assert written.exists() and "# Stage 1, a worked solution" not in written.read_text()
    result = subprocess.run([sys.executable, str(NOTEBOOK_DIR / "run.py"), "--student", "zz"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "no notebook starts with zz" in result.stderr
