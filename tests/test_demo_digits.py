"""``python -m micrograd_bp demo --dataset digits``: a small, fast configuration.

The full run (MLP(64, [32, 10]), 12 epochs, at least 95% test accuracy) is
measured by benchmarks/bench_digits.py, not here.
"""

import re
import sys

import pytest

pytest.importorskip("sklearn")

from micrograd_bp.cli import main  # noqa: E402
from micrograd_bp.datasets import digits  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """300 training images, 3 epochs: far from the full recipe, but it learns."""
    out = tmp_path_factory.mktemp("digits") / "out"
    code = main(["demo", "--dataset", "digits", "--samples", "300", "--epochs", "3",
                 "--out", str(out), "--quiet"])
    return code, out


def test_the_report_states_the_test_accuracy(small_run):
    code, out = small_run
    assert code == 0
    report = (out / "report.txt").read_text()
    assert "MLP(64, [32, 10]) on 300 handwritten digits" in report
    assert "360 more held out for testing" in report
    (percent,) = re.findall(r"^test accuracy: (\d+\.\d)%$", report, flags=re.MULTILINE)
    assert 30.0 < float(percent) <= 100.0   # 10% would be guessing


def test_the_test_accuracy_is_that_of_the_held_out_images(small_run, tmp_path):
    """Rebuild the same model, train it the same way, and count the test set by hand."""
    from micrograd_bp import MLP
    from micrograd_bp.optim import Adam
    from micrograd_bp.train import fit

    _, out = small_run
    data = digits(test_size=0.2, seed=1)
    model = MLP(64, [32, 10], seed=1)
    fit(model, data.X_train[:300], data.y_train[:300], loss="cross_entropy", epochs=3,
        optimizer=Adam(model.parameters(), lr=0.01), batch_size=32, seed=1, progress=False)
    right = 0
    for x, t in zip(data.X_test, data.y_test):
        scores = [v.data for v in model(x)]
        right += scores.index(max(scores)) == t
    report = (out / "report.txt").read_text()
    assert f"test accuracy: {right / len(data.y_test):.1%}" in report


def test_it_writes_the_curves_the_confusion_matrix_and_the_mistakes(small_run):
    pytest.importorskip("matplotlib")
    _, out = small_run
    for name in ("loss_curve.png", "confusion_matrix.png", "misclassified.png"):
        assert (out / name).read_bytes().startswith(PNG_SIGNATURE), name
    assert "files: loss_curve.png, confusion_matrix.png, misclassified.png, report.txt" in \
        (out / "report.txt").read_text()


def test_without_scikit_learn_it_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)
    assert main(["demo", "--dataset", "digits", "--out", str(tmp_path), "--quiet"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error:") and "pip install -e '.[digits]'" in line


def test_classes_is_refused_for_digits(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["demo", "--dataset", "digits", "--classes", "4", "--out", str(tmp_path)])
    assert "--classes only applies to --dataset spiral" in capsys.readouterr().err
