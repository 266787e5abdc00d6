"""A time limit for code that may never finish (a learner's endless loop), in the same thread.

    with time_limit(2.0):
        run_the_learners_code()      # raises TimeLimitExceeded after 2 s

A timer thread waits ``seconds``, then asks CPython to raise
:class:`TimeLimitExceeded` in the thread that runs the block
(``PyThreadState_SetAsyncExc``).  Unlike ``signal.alarm`` this works in any thread
(a notebook's kernel, a test runner's) and on any operating system, but only on
CPython: :func:`available` says so.

The exception arrives between two Python instructions: an endless Python loop
stops, but one C call that blocks (``time.sleep(100)``, ``10 ** 10 ** 9``) finishes
first, and a bare ``except:`` inside the loop can swallow it (it is raised once).
Under a tracer (a debugger, a coverage tool: ``sys.gettrace()`` is set) no limit is
enforced: CPython 3.11 can hang when the exception arrives in a traced thread.
A separate process (``python -m micrograd_bp check``) stops anything.
"""

import contextlib
import ctypes
import sys
import threading


class TimeLimitExceeded(BaseException):
    """The block ran longer than its limit.  A BaseException, so a learner's
    ``except Exception:`` does not swallow it."""


def available():
    """True where the limit can be enforced (CPython)."""
    return hasattr(ctypes, "pythonapi") and hasattr(ctypes.pythonapi, "PyThreadState_SetAsyncExc")


@contextlib.contextmanager
def time_limit(seconds):
    """Raise :class:`TimeLimitExceeded` in the block once it has run ``seconds``
    (None: no limit); raised too when the block swallowed it and ended late."""
    if seconds is None or seconds >= threading.TIMEOUT_MAX or sys.gettrace() is not None:
        yield  # no limit: none asked, longer than a timer can wait, or a tracer is on
        return
    if not available():
        raise RuntimeError("time_limit needs CPython (PyThreadState_SetAsyncExc); "
                           "run the code in a process of its own instead")
    target, lock, state = threading.get_ident(), threading.Lock(), []  # state: ["fired"] or ["done"]

    def fire():
        with lock:
            if not state:
                state.append("fired")
                _raise_in(target, TimeLimitExceeded)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:  # from here the timer raises nothing; one raised but not arrived is cleared
            state.append("done")
            _raise_in(target, None)
        timer.cancel()
    if state[0] == "fired":  # it was cleared, or swallowed by the block
        raise TimeLimitExceeded(f"did not finish within {seconds:g} s")


def _raise_in(thread_id, exception):
    """Ask CPython to raise ``exception`` (a class) in the thread; None clears a pending one."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception is not None else None)
