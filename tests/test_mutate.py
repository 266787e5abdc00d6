"""tools/mutate.py, the mutation-testing runner: what it generates, and a tiny run.

The full run (every mutant of the modules in TARGETS, 15 to 25 minutes) is not part
of the suite; docs/testing.md says how to run it.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import mutate  # noqa: E402

EXAMPLE = b'''def f(xs, n=1):
    """A docstring: never mutated."""
    total = 0
    for x in reversed(xs):
        if x < 0 and n == 1:
            continue
        total += x * 2 - n
    label = f"{total + 1}"
    return total, label
'''


def changes(found):
    return {(m.kind, m.old, m.new) for m in found}


def test_every_kind_of_mutation_is_generated_and_compiles():
    found = mutate.mutants("example.py", EXAMPLE)
    expected = {
        ("constant", "1", "2"), ("constant", "1", "0"), ("constant", "0", "1"),  # n=1, total = 0
        ("reversed", "reversed(xs)", "(xs)"),
        ("comparison", "x < 0", "((x) <= (0))"), ("comparison", "n == 1", "((n) != (1))"),
        ("boolean", "x < 0 and n == 1", "((x < 0) or (n == 1))"),
        ("delete", "continue", "pass"),
        ("augassign", "total += x * 2 - n", "total = x * 2 - n"),
        ("augassign", "total += x * 2 - n", "total -= x * 2 - n"),
        ("operator", "x * 2 - n", "((x * 2) + (n))"), ("operator", "x * 2", "((x) / (2))"),
        ("operands", "x * 2 - n", "((n) - (x * 2))"),
        ("swap", "total, label", "(label, total)"),
        ("delete", "return total, label", "pass"),
    }
    assert expected <= changes(found)
    for m in found:
        compile(m.apply(EXAMPLE), "example.py", "exec")  # every mutant is valid Python
        assert "docstring" in m.apply(EXAMPLE).decode()
    # inside the f-string and the docstring nothing changes
    assert not [m for m in found if m.old in ("total + 1", '"""A docstring: never mutated."""')]
    assert len({m.key for m in found}) == len(found)


def test_a_mutant_reports_its_line_and_a_diff():
    (m,) = [m for m in mutate.mutants("example.py", EXAMPLE) if m.kind == "reversed"]
    assert m.line == 4
    assert m.key == "example.py::f::reversed: reversed(xs) -> (xs)"
    diff = m.diff(EXAMPLE)
    assert "-    for x in reversed(xs):\n+    for x in (xs):" in diff


@pytest.mark.parametrize("module", list(mutate.TARGETS))
def test_the_core_modules_have_mutants_and_every_one_compiles(module):
    source = (ROOT / "micrograd_bp" / module).read_bytes()
    found = mutate.mutants(module, source)
    assert len(found) > 10
    for m in found:
        compile(m.apply(source), module, "exec")


def test_the_equivalent_mutants_are_listed_with_a_reason():
    listed = mutate.equivalent_keys()
    assert listed, "tools/equivalent_mutants.md lists no mutant"
    for key, why in listed.items():
        assert key.split("::")[0] in mutate.TARGETS and len(why) > 10, key


@pytest.mark.timeout(600)
def test_a_small_run_kills_a_mutant_and_leaves_the_tree_untouched():
    before = (ROOT / "micrograd_bp" / "graph.py").read_bytes()
    run = subprocess.run([sys.executable, str(ROOT / "tools" / "mutate.py"), "graph.py",
                          "--match", "reversed"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    row = next(line for line in run.stdout.splitlines() if line.startswith("graph.py "))
    assert row.split()[1:5] == ["1", "1", "0", "0"]  # 1 mutant, killed, no timeout, none survived
    assert (ROOT / "micrograd_bp" / "graph.py").read_bytes() == before
