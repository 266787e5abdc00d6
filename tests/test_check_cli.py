"""``micrograd-bp check FILE``: one line per stage, exit 0 only when all pass, JSON for
graders; a learner's file that loops forever, does not parse or raises is reported
on each stage's line within the time limit, never hung on."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

CORRECT = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from learner_engine import engine

globals().update(engine({{mistake!r}}))
print("a learner's print, which must not confuse the checker")
"""

BROKEN = {
    "loops forever": "while True:\n    pass\n",
    "does not parse": "class Value:\n    def __init__(self, data)\n        pass\n",
    "raises": "class Value:\n    def __init__(self, data):\n        raise RuntimeError('half written')\n",
    "ends the process": "import os\nos._exit(3)\n",
}


def check(tmp_path, source, *flags, timeout=60):
    path = tmp_path / "my_engine.py"
    path.write_text(source)
    command = [sys.executable, "-m", "micrograd_bp", "check", str(path), *flags]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_a_correct_engine_passes_every_stage_and_exits_0(tmp_path):
    result = check(tmp_path, CORRECT.format(mistake=None))
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(lines) == 7 and all(line.endswith(": passed") for line in lines)
    assert result.stderr == ""


def test_a_mistake_fails_its_stage_with_the_hint_and_exits_1(tmp_path):
    result = check(tmp_path, CORRECT.format(mistake="assign"), "--stage", "5", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False and [s["stage"] for s in report["stages"]] == [1, 2, 3, 4, 5]
    assert [s["status"] for s in report["stages"]][:3] == ["passed"] * 3
    assert "= instead of +=" in report["stages"][4]["hint"]


@pytest.mark.parametrize("kind", BROKEN)
def test_a_broken_file_gives_one_line_per_stage_within_the_time_limit(tmp_path, kind):
    start = time.monotonic()
    result = check(tmp_path, BROKEN[kind], "--timeout", "2")
    took = time.monotonic() - start
    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert [line.split(" (")[0] for line in lines] == [f"stage {s}" for s in range(1, 8)]
    assert "Traceback" not in result.stdout + result.stderr
    assert took < 2 + 10, took  # one time limit for the file, not one per stage
    expected = {"loops forever": "did not finish within 2 s", "does not parse": "SyntaxError on line 2",
                "raises": "RuntimeError: half written", "ends the process": "exit status 3"}[kind]
    assert all(expected in line for line in lines), result.stdout


def test_an_endless_loop_in_one_stage_fails_that_stage_and_the_next_are_checked(tmp_path):
    source = CORRECT.format(mistake=None) + (
        "\ndef backward(self):\n    while True:\n        pass\n\nValue.backward = backward\n")
    result = check(tmp_path, source, "--timeout", "3")
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 7
    assert lines[3].startswith("stage 4") and "did not finish within 3 s" in lines[3]
    assert lines[0].endswith("passed") and lines[2].endswith("passed")


@pytest.mark.parametrize("flags, message", [
    (("--stage", "8"), "--stage must be from 1 to 7, got 8"),
])
def test_bad_arguments_are_one_line_errors(tmp_path, flags, message):
    result = check(tmp_path, "", *flags)
    assert result.returncode == 2 and result.stderr.strip().endswith(message)
    missing = subprocess.run([sys.executable, "-m", "micrograd_bp", "check", str(tmp_path / "no.py")],
                             capture_output=True, text=True, cwd=ROOT)
    assert missing.returncode == 2 and "is not a file" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
