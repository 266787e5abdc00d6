"""Every notebook in notebooks/ runs top to bottom in a fresh kernel of this Python.

Each notebook is a jupytext pair: ``NN_name.md`` (MyST Markdown, the source) and
``NN_name.ipynb`` (the same cells, committed with their outputs).  The notebooks
are found by globbing ``notebooks/*.md``, so a new one is tested as soon as it is
added.  These tests execute each one (a failing cell, including a failing
``assert`` in a notebook's final check, fails its test), and check that each
``.ipynb`` holds exactly the cells of its ``.md`` and was saved with outputs, so a
stale notebook cannot slip through.

Two tests read the lessons as a learner would: no exercise's answer may be
printed in an output above the exercise, and every **Predict** prompt must be
resolved by a **Check your prediction.** paragraph after the cell it asks about.
"""

import functools
import importlib.util
import json
import re
import sys
import tempfile
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need nbformat")
pytest.importorskip("nbclient", reason="the notebook tests need nbclient")
pytest.importorskip("ipykernel", reason="the notebook tests need ipykernel")
pytest.importorskip("jupytext", reason="the notebook tests need jupytext")

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"


def _load_run():
    """notebooks/run.py as a module (notebooks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("notebook_run", NOTEBOOK_DIR / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run = _load_run()
SOURCES = run.sources()
NAMES = [p.stem for p in SOURCES]


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("kernels")


def _committed(name):
    return nbformat.read(NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)


def test_the_notebooks_are_found():
    assert "01_chain_rule" in NAMES and len(NAMES) >= 6


# Appended to each notebook when the tests run it: the exercises' expected answers.
_REPORT_EXERCISES = """
import json as _json
from micrograd_bp.exercises import Exercise as _Exercise
print("EXERCISES " + _json.dumps({_k: _v.expected for _k, _v in list(globals().items())
                                  if isinstance(_v, _Exercise) and not callable(_v.expected)}))
"""


@functools.lru_cache(maxsize=None)
def _executed(name):
    """The notebook run top to bottom (once per test session), and its exercises' answers."""
    nb = run.read(NOTEBOOK_DIR / f"{name}.md")
    nb.cells.append(nbformat.v4.new_code_cell(_REPORT_EXERCISES))
    run.execute(nb, tempfile.mkdtemp(prefix="kernels"))  # raises CellExecutionError if a cell fails
    report = nb.cells.pop().outputs[0]["text"]
    return nb, json.loads(report.split("EXERCISES ", 1)[1])


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name):
    nb, _ = _executed(name)
    last_output = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert "all checks passed" in last_output, "each notebook ends by checking its numbers"


def test_every_ipynb_has_its_md_and_every_md_its_ipynb():
    assert sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_the_pair_is_in_sync(name):
    committed, source = _committed(name), run.read(NOTEBOOK_DIR / f"{name}.md")
    assert run.cells(committed) == run.cells(source), (
        f"{name}.ipynb does not hold the cells of {name}.md: run  python notebooks/run.py {name[:2]}"
    )
    assert committed.metadata.get("jupytext", {}).get("formats") == "ipynb,md:myst", (
        f"{name}.ipynb is not paired with its .md (jupytext formats ipynb,md:myst)"
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_saved_with_its_outputs(name):
    code_cells = [c for c in _committed(name).cells if c.cell_type == "code"]
    assert code_cells, f"{name} has no code"
    assert all(c.execution_count for c in code_cells), f"{name} was saved without running"
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{name} was saved with an error: {errors[0].get('ename')}"


def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


def test_a_failing_cell_fails_the_run(kernel_dir):
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError, match="arithmetic is broken"):
        run.execute(_notebook("assert 1 + 1 == 3, 'arithmetic is broken'"), kernel_dir)


def test_the_kernel_is_this_python(kernel_dir):
    nb = run.execute(_notebook("import sys; print(sys.executable)"), kernel_dir)
    assert nb.cells[0].outputs[0]["text"].strip() == sys.executable


def test_the_notebooks_code_passes_the_linter():
    """The notebooks' code is held to the same lint rules as the package (ruff reads .ipynb)."""
    import shutil
    import subprocess

    ruff = shutil.which("ruff") or shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed")
    ipynbs = [str(NOTEBOOK_DIR / f"{name}.ipynb") for name in NAMES]
    result = subprocess.run([ruff, "check", "--no-cache", *ipynbs], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


# --- the lessons read as a learner reads them ----------------------------------------

_NUMBER = re.compile(r"(?<![\w.])[-+−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _shown_text(cell):
    """What a learner sees of a code cell's outputs: text, HTML and SVG labels, without markup."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts.append(data.get("text/plain", "") if "text/html" not in data and "image/svg+xml" not in data else "")
        for kind in ("text/html", "image/svg+xml"):
            markup = data.get(kind, "")
            if kind == "image/svg+xml":  # only the labels of a drawing, not its coordinates
                markup = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", markup))
            parts.append(re.sub(r"<[^>]+>", " ", markup))
    return "\n".join(parts)


def _numbers(text):
    return [float(n.replace("−", "-")) for n in _NUMBER.findall(text)]


def _trivial(value):
    """A small whole number (0, 3, ...) is printed everywhere; it cannot tell of a leak."""
    return abs(value - round(value)) < 1e-6 and abs(value) <= 10


def _shown(value, numbers):
    """True when a number the learner sees equals value as printed (to 0.5 %, sign and all)."""
    return any(abs(n - value) <= max(5e-3 * abs(value), 1e-9) for n in numbers)


def leaked_answers(nb, expected):
    """The exercises whose expected answer is printed in an output above the exercise."""
    leaks = []
    for name, answer in expected.items():
        defined = [k for k, c in enumerate(nb.cells)
                   if c.cell_type == "code" and re.search(rf"^{name}\s*=", c.source, re.M)]
        above = _numbers("\n".join(_shown_text(c) for c in nb.cells[:defined[0]] if c.cell_type == "code"))
        if isinstance(answer, bool) or isinstance(answer, str):
            continue  # a word or True/False: not a number that can be printed
        values = [a for a in (answer if isinstance(answer, list) else [answer]) if not _trivial(a)]
        if values and all(_shown(v, above) for v in values):
            leaks.append(f"{name} = {answer} is printed above it")
    return leaks


_PREDICT = re.compile(r"^\*\*Predict[^*]*\.\*\*", re.M)
RESOLVED = "**Check your prediction.**"


def unresolved_predictions(cells):
    """The Predict prompts with no 'Check your prediction.' paragraph after the cell they ask about.

    The resolution must come after the first code cell that follows the prompt (its
    output) and before the next prompt.
    """
    prompts = [k for k, c in enumerate(cells) if c.cell_type == "markdown" and _PREDICT.search(c.source)]
    missing = []
    for n, k in enumerate(prompts):
        run_cell = next((j for j in range(k + 1, len(cells)) if cells[j].cell_type == "code"), len(cells))
        end = prompts[n + 1] if n + 1 < len(prompts) else len(cells) - 1
        if not any(_resolves(cells[j]) for j in range(run_cell + 1, end + 1)):
            missing.append(cells[k].source[_PREDICT.search(cells[k].source).start():][:80])
    return missing


def _resolves(cell):
    """A markdown cell that resolves a prediction before it asks for another one."""
    return cell.cell_type == "markdown" and RESOLVED in _PREDICT.split(cell.source)[0]


@pytest.mark.parametrize("name", NAMES)
def test_no_exercise_is_answered_above_it(name):
    nb, expected = _executed(name)
    assert not leaked_answers(nb, expected)


@pytest.mark.parametrize("name", NAMES)
def test_every_prediction_is_resolved_after_its_output(name):
    assert not unresolved_predictions(run.read(NOTEBOOK_DIR / f"{name}.md").cells)


def test_the_lesson_checks_can_fail():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    printed = code("")
    printed.outputs = [nbformat.v4.new_output("stream", text="dL/db = -1.5000\n")]
    cells = [printed, code("exercise_1 = Exercise(...)")]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert leaked_answers(nb, {"exercise_1": -1.5}) == ["exercise_1 = -1.5 is printed above it"]
    assert leaked_answers(nb, {"exercise_1": 1.5}) == []          # the sign matters
    assert leaked_answers(nb, {"exercise_1": [-1.5, 2.25]}) == []  # one entry of two is no leak
    prompt = md("**Predict, then run.** What will it print?")
    assert unresolved_predictions([prompt, code("print(1)")])
    assert unresolved_predictions([prompt, md(RESOLVED + " before the run"), code("print(1)")])
    assert not unresolved_predictions([prompt, code("print(1)"), md(RESOLVED + " It printed 1.")])
