"""Sphinx configuration of the web book: the notebooks, docs/*.md and the API reference.

Build it with ``bash run.sh docs`` (which also fetches MathJax with npm); the site
lands in ``docs/_build/html`` and opens from the folder with no network.

The source folder is the repository itself (``sphinx-build -c docs . docs/_build/html``)
so that links between the docs and the notebooks are the same paths as in the
repository; ``include_patterns`` keeps Sphinx to docs/*.md and notebooks/*.ipynb.
The notebooks are rendered from their committed outputs (``nb_execution_mode = "off"``):
the test suite executes every notebook, and :func:`check_notebooks` below refuses to
build from a notebook that is out of sync with its ``.md`` source or was saved
with a failing cell.
"""

import os
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # autodoc documents this checkout's micrograd_bp

project = "micrograd_bp"
author = "the micrograd_bp authors"
copyright = "micrograd_bp authors, MIT licence"

root_doc = "docs/index"
include_patterns = ["docs/*.md", "notebooks/*.ipynb"]
exclude_patterns = ["docs/_build/**", "**/.ipynb_checkpoints/**"]

extensions = ["myst_nb", "sphinx.ext.autodoc", "sphinx.ext.mathjax"]
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "description"

myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
myst_update_mathjax = False  # our own mathjax3_config below keeps what MyST would set

# The notebooks as committed, outputs included (the test suite executes them).
nb_execution_mode = "off"
# Widgets need a kernel; never load require.js or the widget manager from a CDN.
nb_ipywidgets_js = {}

# Everything offline: MathJax from a local copy of the npm package mathjax@3, which
# install_mathjax() below fetches with npm into .cache/ on the first build;
# html_static_path copies .cache/static's contents into _static, so the copy lands
# in _static/mathjax.
CACHE = Path(os.environ.get("MICROGRAD_BP_CACHE", ROOT / ".cache"))
MATHJAX_DIR = CACHE / "static" / "mathjax"
# The parts of mathjax@3's es5/ folder that tex-chtml.js loads (24 MB -> 4 MB).
MATHJAX_PARTS = ["tex-chtml.js", "input", "output/chtml", "a11y", "ui", "adaptors"]
mathjax_path = "mathjax/tex-chtml.js"
# MyST marks pages "mathjax_ignore" and typesets its own math; HTML outputs of the
# notebooks (check_backprop's report) hold $...$ and $$...$$ for MathJax to find.
mathjax3_config = {
    "options": {"processHtmlClass": "tex2jax_process|mathjax_process|math|output_area|text_html"},
    "tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]]},
}

html_theme = "sphinx_book_theme"
html_title = "micrograd_bp: backpropagation, one step at a time"
html_static_path = [str(MATHJAX_DIR.parent)]
html_context = {"default_mode": "light"}  # no "invalid theme mode" error from file://
html_theme_options = {
    "repository_url": "",
    "use_download_button": False,
    "show_toc_level": 2,
}
html_extra_path = [str(DOCS / "_root")]  # index.html at the site's top, pointing to docs/index.html
html_show_sourcelink = False
html_copy_source = False


def install_mathjax():
    """Fetch mathjax@3 with npm into CACHE and copy what the pages load to MATHJAX_DIR."""
    import shutil
    import subprocess

    if (MATHJAX_DIR / "tex-chtml.js").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the book bundles MathJax from npm, and npm is not installed: "
                           "`bash run.sh docs` installs it (apt-get install nodejs npm)")
    prefix = CACHE / "npm"
    subprocess.run([npm, "install", "--prefix", str(prefix), "--no-save", "--no-audit", "--no-fund",
                    "--loglevel=error", "mathjax@3"], check=True)
    es5 = prefix / "node_modules" / "mathjax" / "es5"
    for part in MATHJAX_PARTS:
        target = MATHJAX_DIR / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if (es5 / part).is_dir():
            shutil.copytree(es5 / part, target, dirs_exist_ok=True)
        else:
            shutil.copy2(es5 / part, target)


def check_notebooks(app, config):
    """Refuse to build from a stale notebook or one saved with a failing cell."""
    import jupytext
    import nbformat

    problems = []
    for md in sorted((ROOT / "notebooks").glob("*.md")):
        if md.name == "README.md":
            continue
        ipynb = md.with_suffix(".ipynb")
        if not ipynb.exists():
            problems.append(f"{md.name} has no {ipynb.name}: run  python notebooks/run.py {md.name[:2]}")
            continue
        saved, source = nbformat.read(ipynb, as_version=4), jupytext.read(md)
        if [(c.cell_type, c.source) for c in saved.cells] != [(c.cell_type, c.source) for c in source.cells]:
            problems.append(f"{ipynb.name} is stale: run  python notebooks/run.py {md.name[:2]}")
        code = [c for c in saved.cells if c.cell_type == "code"]
        if any(o.output_type == "error" for c in code for o in c.outputs) or not all(
            c.execution_count for c in code
        ):
            problems.append(f"{ipynb.name} was saved with a failing or unrun cell")
    if problems:
        from sphinx.errors import ConfigError

        raise ConfigError("cannot build the book:\n  " + "\n  ".join(problems))


def describe_notebook_pictures(app, doctree):
    """Give each picture a notebook cell drew an alt text: the code that drew it.

    MyST-NB uses the image's file name as its alt text, which tells a screen
    reader nothing.  A cell may set its own (cell metadata ``mystnb: image: alt:``);
    any other picture is described by the cell's last line of code that can draw.
    """
    from docutils import nodes

    for cell in doctree.findall(lambda n: isinstance(n, nodes.container) and n.get("nb_element") == "cell_code"):
        code = "".join(block.astext() for block in cell.findall(nodes.literal_block)
                       if block.parent.get("nb_element") == "cell_code_source")
        lines = [line.split("#")[0].strip() for line in code.splitlines()]
        drawing = [line for line in lines if line and not line.startswith(("print(", "else", "if ", "for "))]
        last = drawing[-1] if drawing else ""
        for image in cell.findall(nodes.image):
            if not image.get("alt") or image["alt"] == image["uri"] or image["alt"].startswith("../_images/"):
                image["alt"] = f"the picture drawn by the code cell above ({last})" if last else "a picture"


def plain_text_docstrings(app, what, name, obj, options, lines):
    """Show a docstring written as plain text (aligned tables, |x|) verbatim.

    The package's docstrings are written to be read with ``help()``; most are valid
    reStructuredText too.  One that reStructuredText would mangle (an indented table,
    ``|z|`` read as a substitution) is shown as preformatted text, as ``help()`` shows it.
    """
    import io

    from docutils.core import publish_doctree
    from docutils.nodes import system_message

    settings = {"report_level": 5, "halt_level": 5, "warning_stream": io.StringIO()}
    text = re.sub(r":[\w.:-]+:`([^`]*)`", r"``\1``", "\n".join(lines))  # Sphinx's roles need Sphinx
    tree = publish_doctree(text, settings_overrides=settings)
    sphinx_only = ("Unknown interpreted text role", "Unknown directive type", 'No role entry for')
    messages = [*tree.findall(system_message), *tree.transform_messages]
    problems = [m for m in messages if m["level"] >= 2 and not m.astext().startswith(sphinx_only)]
    if problems:
        lines[:] = ["::", ""] + ["    " + line for line in lines] + [""]


def complete_the_api_reference(app, docname, source):
    """docs/api.md lists the modules by topic; any module it does not list yet is added at its end."""
    if docname != "docs/api":
        return
    import pkgutil

    import micrograd_bp

    listed = set(re.findall(r"automodule:: ([\w.]+)", source[0]))
    modules = [m.name for m in pkgutil.walk_packages(micrograd_bp.__path__, "micrograd_bp.")
               if not any(part.startswith("_") for part in m.name.split(".")) and not m.ispkg]
    missing = [name for name in modules if name not in listed]
    if missing:
        source[0] += "\n## More modules\n\n" + "".join(
            f"```{{eval-rst}}\n.. automodule:: {name}\n```\n\n" for name in missing)


def setup(app):
    app.connect("source-read", complete_the_api_reference)
    app.connect("autodoc-process-docstring", plain_text_docstrings)
    app.connect("config-inited", check_notebooks)
    app.connect("doctree-read", describe_notebook_pictures)
    install_mathjax()
