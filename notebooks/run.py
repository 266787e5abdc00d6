"""Run the teaching notebooks and save them with their outputs.

Each notebook is a pair (jupytext): ``NN_name.md``, MyST Markdown, is the source
you edit, and ``NN_name.ipynb`` is the same cells saved *with* their outputs, so
it reads well where notebooks are rendered.  After editing a ``.md`` ::

    python notebooks/run.py              # run every notebook, save each .ipynb
    python notebooks/run.py 01 04        # only the notebooks whose names start so
    python notebooks/run.py --student 01b   # a version without the worked solutions

``--student`` writes ``notebooks/student/NN_name.ipynb``, not executed: every cell
tagged ``solution`` becomes an empty cell for the learner's own code.

Each notebook runs top to bottom in a fresh kernel of the Python running this
script (``sys.executable``).  ``tests/test_notebooks.py`` executes them again and
checks that every ``.ipynb`` holds the cells of its ``.md``.
"""

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CELL_TIMEOUT = 300  # seconds one cell may take before the run counts as failed
KERNEL_NAME = "micrograd-bp-notebooks"


def sources():
    """The notebooks' .md sources, in reading order (README.md is not one)."""
    return sorted(p for p in HERE.glob("*.md") if p.name != "README.md")


def read(md_path):
    """The notebook whose source is ``md_path``, with stable cell ids, not executed."""
    import jupytext

    nb = jupytext.read(md_path)
    for k, cell in enumerate(nb.cells):
        cell.id = f"cell-{k:02d}"  # stable ids, so a rerun only changes what changed
    return nb


def cells(nb):
    """What a pair must agree on: each cell's kind and source."""
    return [(c.cell_type, c.source) for c in nb.cells]


def kernel_manager(kernel_dir):
    """A kernel manager whose kernel is this Python (``sys.executable``).

    It writes a kernel spec into ``kernel_dir``, so neither a kernel installed for
    the user nor one of another environment can be picked up by mistake.
    """
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    spec_dir = Path(kernel_dir) / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "micrograd_bp (this Python)",
        "language": "python",
        # MICROGRAD_BP_PROGRESS=text: fit's progress is one finished text line, which a
        # saved notebook shows in any static view (a widget bar would show 0%)
        "env": {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                "MICROGRAD_BP_PROGRESS": "text"},
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def execute(nb, kernel_dir, timeout=CELL_TIMEOUT):
    """Run every cell of ``nb`` in place, in this folder; a failing cell raises."""
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        km=kernel_manager(kernel_dir),
        timeout=timeout,
        record_timing=False,  # no timestamps in the saved file
        resources={"metadata": {"path": str(HERE)}},
    )
    client.execute()
    return nb


def check_not_edited_in_ipynb(md_path):
    """Refuse to overwrite an .ipynb whose cells were edited after its .md."""
    import nbformat

    ipynb = md_path.with_suffix(".ipynb")
    if not ipynb.exists() or ipynb.stat().st_mtime <= md_path.stat().st_mtime:
        return
    if cells(nbformat.read(ipynb, as_version=4)) != cells(read(md_path)):
        sys.exit(
            f"{ipynb.name} was edited after {md_path.name}; keep its edits with "
            f"`jupytext --sync notebooks/{ipynb.name}` (or drop them by touching the .md), then rerun"
        )


STUDENT_DIR = HERE / "student"
YOUR_CODE = "# Your code here: write it, then run the check below."


def student_version(nb):
    """``nb`` without its worked solutions: each cell tagged ``solution`` becomes an
    empty code cell (its first comment line kept, it says which stage)."""
    for cell in nb.cells:
        if "solution" in cell.get("metadata", {}).get("tags", []):
            first = cell.source.splitlines()[0] if cell.source.startswith("#") else ""
            title = first.split(",")[0]
            cell.source = "\n".join(line for line in (title, YOUR_CODE) if line)
            cell.metadata = {}
            cell.outputs = []
    return nb


def write_student(md_path):
    import jupytext

    STUDENT_DIR.mkdir(exist_ok=True)
    path = STUDENT_DIR / md_path.with_suffix(".ipynb").name
    nb = student_version(read(md_path))
    nb.metadata.pop("jupytext", None)  # a notebook of its own, not paired with the .md
    jupytext.write(nb, path, fmt="ipynb")
    print(f"wrote {path}")


def chosen_sources(prefixes):
    chosen = [p for p in sources() if not prefixes or p.name.startswith(tuple(prefixes))]
    if not chosen:
        sys.exit(f"no notebook starts with {' '.join(prefixes)}; the notebooks are {[p.stem for p in sources()]}")
    return chosen


def main(prefixes):
    import jupytext

    if prefixes[:1] == ["--student"]:
        for md_path in chosen_sources(prefixes[1:]):
            write_student(md_path)
        return
    chosen = chosen_sources(prefixes)
    for md_path in chosen:
        check_not_edited_in_ipynb(md_path)
    with tempfile.TemporaryDirectory() as kernel_dir:
        for md_path in chosen:
            print(f"running {md_path.stem} ...", flush=True)
            nb = execute(read(md_path), kernel_dir)
            jupytext.write(nb, md_path.with_suffix(".ipynb"), fmt="ipynb")


if __name__ == "__main__":
    main(sys.argv[1:])
