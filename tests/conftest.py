"""Fixtures shared by the browser tests (tests/test_browser.py, tests/test_pictures_browser.py).

One built book and one Chromium for the whole session: Playwright's sync API runs
one instance per thread, so every module that drives the browser shares this one.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The built book: a folder with index.html at its top."""
    if os.environ.get("MICROGRAD_BP_SITE"):
        return Path(os.environ["MICROGRAD_BP_SITE"])
    pytest.importorskip("sphinx", reason="building the book needs sphinx (pip install -e '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-c", "docs", "-W", "--keep-going", "-q", ".", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, f"the book does not build:\n{result.stdout}\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright")
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; bash run.sh test does)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()
