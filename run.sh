#!/usr/bin/env bash
# Set everything up on a fresh Debian/Ubuntu machine (Python >= 3.10), then run a job:
#
#   bash run.sh demo [flags]    the main job: python -m micrograd_bp demo [flags]
#   bash run.sh test [flags]    the whole test suite: python -m pytest [flags]
#   bash run.sh bench           the benchmarks against micrograd 0.1.0 and PyTorch
#   bash run.sh docs            the web book, into docs/_build/html (open index.html)
#
# It installs Graphviz (and python3-venv where missing) with apt-get, makes a
# virtual environment in .venv and installs the package into it.  The test job
# also installs PyTorch 2.13.0 for the comparison tests (SKIP_TORCH=1 skips that;
# those tests then skip themselves), Debian's chromium for the browser tests, and
# librsvg2-bin, imagemagick and poppler-utils to render the pictures (and PDFs) as other programs do.
# The docs and test jobs install node and npm (the book bundles MathJax from npm).
set -euo pipefail
cd "$(dirname "$0")"
job="${1:-demo}"
shift || true

python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || {
    echo "micrograd_bp needs Python >= 3.10; this python3 is $(python3 --version)" >&2; exit 1; }

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ "$job" = docs ] || [ "$job" = test ]; then
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
fi
if [ "$job" = test ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v rsvg-convert >/dev/null 2>&1 || missing+=(librsvg2-bin)  # pictures in every renderer
    [ -x /usr/bin/convert ] || missing+=(imagemagick)
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)  # a PDF's pages and text, checked
fi
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || { echo "making the virtual environment .venv"; python3 -m venv .venv; }
py=.venv/bin/python
pip_install() {  # says what it installs: the first time, this is the long part
    echo "installing $* into .venv with pip (the first time takes a minute or two)"
    "$py" -m pip install --quiet --disable-pip-version-check "$@"
}

case "$job" in
    demo)
        pip_install -e ".[all]"
        echo "running: python -m micrograd_bp demo $*"
        exec "$py" -m micrograd_bp demo "$@" ;;
    test)
        pip_install -e ".[test]"
        [ "${SKIP_TORCH:-0}" = 1 ] || pip_install "torch==2.13.0"
        echo "running: python -m pytest $*"
        exec "$py" -m pytest "$@" ;;
    bench)
        pip_install -e ".[bench]"
        [ "${SKIP_TORCH:-0}" = 1 ] || pip_install "torch==2.13.0"
        "$py" benchmarks/bench_engine.py "$@"
        exec "$py" benchmarks/bench_training.py "$@" ;;
    docs)
        pip_install -e ".[docs]"
        "$py" -m sphinx -b html -c docs -W --keep-going -q "$@" . docs/_build/html
        echo "the book is in docs/_build/html: open docs/_build/html/index.html in a browser" ;;
    *)
        echo "usage: bash run.sh demo|test|bench|docs [flags]" >&2; exit 2 ;;
esac
