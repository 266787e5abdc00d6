"""time_limit: an endless loop in the same thread is stopped; nothing is raised
after the block; it works in a thread that is not the main one."""

import sys
import threading
import time

import pytest

from micrograd_bp.time_limit import TimeLimitExceeded, available, time_limit

pytestmark = [pytest.mark.timeout(30),
              pytest.mark.skipif(not available(), reason="time_limit needs CPython")]


def untraced():
    """The limit is off under a tracer (tools/mutate.py's coverage run): skip."""
    if sys.gettrace() is not None:
        pytest.skip("a tracer is on: time_limit enforces no limit")


def spin(seconds=None):
    """Busy Python code: forever, or for ``seconds``."""
    end = None if seconds is None else time.perf_counter() + seconds
    while end is None or time.perf_counter() < end:
        sum(range(50))


def test_an_endless_loop_is_stopped_near_its_limit():
    untraced()
    start = time.perf_counter()
    with pytest.raises(TimeLimitExceeded):
        with time_limit(0.3):
            spin()
    assert 0.3 <= time.perf_counter() - start < 3


def test_a_block_within_its_limit_runs_and_nothing_comes_later():
    with time_limit(0.2):
        total = sum(range(1000))
    assert total == 999 * 1000 // 2
    spin(0.5)  # past the limit: nothing arrives
    with time_limit(None):
        spin(0.05)
    with time_limit(threading.TIMEOUT_MAX):  # longer than a timer waits: no limit
        spin(0.05)


def test_swallowed_by_the_block_it_is_raised_when_the_block_ends():
    untraced()
    def careless():
        try:
            spin()
        except BaseException:  # a learner's bare except
            return "went on"

    with pytest.raises(TimeLimitExceeded, match="did not finish within 0.2 s"):
        with time_limit(0.2):
            assert careless() == "went on"
    spin(0.3)


def test_it_works_in_a_thread_other_than_the_main_one():
    untraced()
    outcome = []

    def run():
        try:
            with time_limit(0.2):
                spin()
        except TimeLimitExceeded:
            outcome.append("stopped")

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(10)
    assert outcome == ["stopped"]

