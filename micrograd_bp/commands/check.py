"""``micrograd-bp check``: grade a learner's own engine, stage by stage.

    micrograd-bp check my_engine.py               # stages 1 to 7
    micrograd-bp check my_engine.py --stage 4     # stages 1 to 4
    micrograd-bp check my_engine.py --json        # one JSON object, for a grading system

The file must define a class ``Value`` (and, for stage 7, ``MLP`` and ``train``).
It runs in a separate Python process, stage after stage, each within ``--timeout``
seconds: an endless loop, a syntax error or a class that raises is reported on the
stage's line, never hung on.  One line per stage (passed, failed with a hint, not
there yet); the exit status is 0 only when every stage checked passed.
"""

import json
import os
import queue
import subprocess
import sys
import threading

from micrograd_bp.checks import whole_number_arg
from micrograd_bp.tutor import ENDLESS

HELP = "check a learner's own engine (a .py file with a class Value), stage by stage"

TIMEOUT = 20  # seconds: loading the file, or one stage


def add_arguments(parser):
    parser.add_argument("file", help="the learner's Python file, defining a class Value "
                                     "(and MLP and train for stage 7)")
    parser.add_argument("--stage", type=whole_number_arg(1), default=7, metavar="N",
                        help="check stages 1 to N (1 to 7, default 7)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object: the file, ok, and each stage's result")
    parser.add_argument("--timeout", type=whole_number_arg(1), default=TIMEOUT, metavar="S",
                        help=f"seconds allowed to load the file and to each stage "
                             f"(default {TIMEOUT})")


def run(args):
    from micrograd_bp.tutor import STAGES

    if args.stage not in STAGES:
        return _error(f"--stage must be from 1 to 7, got {args.stage}")
    if not os.path.isfile(args.file):
        return _error(f"{args.file!r} is not a file")
    results = grade(args.file, list(range(1, args.stage + 1)), args.timeout)
    ok = all(r["status"] == "passed" for r in results)
    if args.json:
        print(json.dumps({"file": args.file, "ok": ok, "stages": results}, ensure_ascii=False))
    else:
        for r in results:
            print(line(r))
    return 0 if ok else 1


def line(r):
    """``stage 3 (each operation's _backward): failed: ... Hint: ...`` on one line."""
    text = f"stage {r['stage']} ({r['title']}): {r['status']}"
    text += f": {r['message']}" if r["message"] else ""
    return text + (f" Hint: {r['hint']}" if r["hint"] else "")


def _error(text):
    print(f"micrograd-bp check: error: {text}", file=sys.stderr)
    return 2


# --- the learner's file, in a process of its own ------------------------------------

def grade(path, stages, timeout):
    """One result (a dict) per stage.  A stage that does not finish within ``timeout``
    seconds is failed; the process is stopped and a fresh one checks the next."""
    from micrograd_bp.tutor import STAGES

    results = []
    while len(results) < len(stages):
        todo = stages[len(results):]
        for found in _worker(path, todo, timeout):
            results.append(found)
            if found.get("load_failed"):  # the file itself is broken: every stage says so
                results += [dict(found, stage=s, title=STAGES[s]) for s in todo[1:]]
                break
    for r in results:
        r.pop("load_failed", None)
    return results


def _worker(path, stages, timeout):
    """Run the stages in a child process; yield each result as it is reported."""
    command = [sys.executable, "-m", "micrograd_bp.commands.check", "--worker", path,
               ",".join(map(str, stages))]
    package_home = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(  # the child imports this micrograd_bp
        p for p in (package_home, os.environ.get("PYTHONPATH")) if p))
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, text=True, env=env)
    lines = queue.Queue()
    threading.Thread(target=_read_lines, args=(child.stdout, lines), daemon=True).start()
    try:
        loaded = _next(lines, timeout)
        if loaded is None or loaded.get("loaded") is not True:
            loading = f"loading {os.path.basename(path)}"
            problem = (loaded or {}).get("loaded") or _silence(child, loading, timeout)
            yield _result(stages[0], "failed", problem, "", load_failed=True)
            return
        for s in stages:
            message = _next(lines, timeout)
            if message is None:
                yield _result(s, "failed", _silence(child, "the stage", timeout), ENDLESS)
                return
            yield message
    finally:
        child.kill()  # our own child, stopped by its handle
        child.wait()


def _silence(child, what, timeout):
    """Why no answer came: the process ended, or ``what`` took too long."""
    try:
        code = child.wait(timeout=0.5)  # it may be ending now: its output just closed
    except subprocess.TimeoutExpired:
        code = None
    if code is not None:
        return f"the process checking it ended during {what} (exit status {code})"
    return f"{what} did not finish within {timeout} s"


def _result(stage, status, message, hint, load_failed=False):
    from micrograd_bp.tutor import STAGES

    return {"stage": stage, "title": STAGES[stage], "status": status, "message": message,
            "hint": hint, "load_failed": load_failed}


def _read_lines(stream, lines):
    for text in stream:
        try:
            lines.put(json.loads(text))
        except ValueError:
            continue  # not one of ours
    lines.put(None)  # the child ended


def _next(lines, timeout):
    """The next message, or None when the child is silent for ``timeout`` s or ended."""
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def worker(path, stages):
    """In the child: load the learner's file, check each stage, one JSON line each.

    The learner's own prints go to stderr, so that stdout carries only our lines.
    """
    out = sys.stdout
    sys.stdout = sys.stderr

    def say(message):
        out.write(json.dumps(message) + "\n")
        out.flush()

    try:
        found = _load(path)
    except BaseException as error:  # a syntax error, an exception, even SystemExit
        say({"loaded": f"loading {os.path.basename(path)} raised {_one_line(error)}"})
        return
    say({"loaded": True})
    from micrograd_bp.tutor import check_engine

    Value = found.get("Value")
    for s in stages:
        if Value is None:
            say(_result(s, "not there yet", f"{os.path.basename(path)} defines no class Value", ""))
            continue
        try:
            (r,) = check_engine(Value, stage=s, MLP=found.get("MLP"), train=found.get("train")).results
            say(r.as_dict())
        except BaseException as error:
            say(_result(s, "failed", _one_line(error), ""))


def _load(path):
    import runpy

    return runpy.run_path(path, run_name="__learner_engine__")  # not __main__: its demo stays off


def _one_line(error):
    if isinstance(error, SyntaxError):
        return f"SyntaxError on line {error.lineno}: {error.msg}"
    return f"{type(error).__name__}: {error}".splitlines()[0]


if __name__ == "__main__" and sys.argv[1:2] == ["--worker"]:
    worker(sys.argv[2], [int(s) for s in sys.argv[3].split(",")])
