"""The benchmark scripts run (a smoke test with --quick).

Timings are never asserted here: the bars are measured by the scripts
themselves (``bash run.sh bench``) and recorded in the README.
"""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("micrograd", reason="the benchmarks compare with micrograd 0.1.0")
BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("script, heading", [
    ("bench_engine.py", "## Targets"),
    ("bench_training.py", "micrograd_bp fit"),
    ("bench_scaling.py", "## Targets (scaling)"),
    ("bench_digits.py", "## Digits"),
    ("bench_floor.py", "## Floor against the bars"),  # it exits if a floor's gradients differ
])
def test_the_benchmark_runs_and_prints_its_tables(script, heading):
    result = subprocess.run([sys.executable, str(BENCHMARKS / script), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert heading in result.stdout
    assert "| micrograd |" in result.stdout or "micrograd 0.1.0" in result.stdout
