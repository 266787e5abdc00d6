"""Every notebook in notebooks/ runs top to bottom in a fresh kernel of this Python.

Each notebook is a jupytext pair: ``NN_name.md`` (MyST Markdown, the source) and
``NN_name.ipynb`` (the same cells, committed with their outputs).  The notebooks
are found by globbing ``notebooks/*.md``, so a new one is tested as soon as it is
added.  These tests execute each one (a failing cell, including a failing
``assert`` in a notebook's final check, fails its test), and check that each
``.ipynb`` holds exactly the cells of its ``.md`` and was saved with outputs, so a
stale notebook cannot slip through.
"""

import importlib.util
import sys
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


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_top_to_bottom(name, kernel_dir):
    nb = run.read(NOTEBOOK_DIR / f"{name}.md")
    run.execute(nb, kernel_dir)  # raises CellExecutionError if any cell fails
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
