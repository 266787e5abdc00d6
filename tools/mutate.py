"""Mutation testing for the core modules: do the tests notice when the code is wrong?

A *mutant* is a copy of one module with one small change a careless edit could
make: ``+`` written as ``-``, ``<`` as ``<=``, a constant changed, a statement
deleted, two operands swapped, ``+=`` written as ``=``, a walk not reversed.
Each mutant is run against the tests of its module; if some test fails, the
mutant is *killed*.  A mutant that survives is either behaviour no test pins
(write the test) or *equivalent* to the original (nothing observable changed:
list it in ``tools/equivalent_mutants.md`` with the reason).

The mutations are generated from each module's syntax tree on every run, so
they follow the code as it changes; nothing here lists line numbers.  Every
mutant runs in a temporary copy of the repository, one at a time, with a time
limit (a mutant that makes a walk loop forever counts as killed: the suite
would notice it through its per-test timeouts).

    python tools/mutate.py                    # the modules of BY_DEFAULT (8 to 18 minutes on 2 cores)
    python tools/mutate.py graph.py rules.py  # some of them
    python tools/mutate.py --list nn.py       # only list the mutants
    python tools/mutate.py --sample 20        # a random sample per module (seeded)

docs/testing.md says what the numbers were the last time it ran.
"""

import argparse
import ast
import difflib
import json
import os
import random
import re
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "micrograd_bp"
EQUIVALENTS = Path(__file__).resolve().parent / "equivalent_mutants.md"

# Module -> the fast tests that pin it (its own test file first, so most mutants
# die in the first second).  Files that do not exist are skipped.
TARGETS = {
    "engine.py": ["tests/test_engine.py", "tests/test_errors.py", "tests/test_rules.py", "tests/test_properties.py",
                  "tests/test_micrograd_compat.py", "tests/test_gradcheck.py", "tests/test_stepper.py"],
    "rules.py": ["tests/test_rules.py", "tests/test_engine.py", "tests/test_errors.py", "tests/test_properties.py",
                 "tests/test_stepper.py", "tests/test_symbolic.py"],
    "registry.py": ["tests/test_rules.py", "tests/test_engine.py", "tests/test_errors.py", "tests/test_properties.py",
                    "tests/test_stepper.py", "tests/test_symbolic.py", "tests/test_doctests.py"],
    "graph.py": ["tests/test_engine.py", "tests/test_stepper.py"],
    "nn.py": ["tests/test_nn.py", "tests/test_errors.py", "tests/test_stepper.py", "tests/test_backprop.py",
              "tests/test_torch_bridge.py"],
    "losses.py": ["tests/test_losses.py", "tests/test_backprop.py"],
    "steps.py": ["tests/test_stepper.py", "tests/test_doctests.py::test_docstring_examples[micrograd_bp.steps]",
                 "tests/test_layersteps.py"],
    "nodes.py": ["tests/test_nodes.py", "tests/test_learner_steps.py", "tests/test_tutor.py", "tests/test_draw.py",
                 "tests/test_frames.py"],
    "learner_steps.py": ["tests/test_learner_steps.py", "tests/test_nodes.py", "tests/test_tutor.py",
                         "tests/test_frames.py"],
    "tutor.py": ["tests/test_tutor_hints.py", "tests/test_tutor.py", "tests/test_nodes.py"],
}
# The modules a plain run covers: those held at 100% of non-equivalent mutants.
# tutor.py (the checker of a learner's engine) is run by name until it gets there
# (docs/testing.md has its score).
BY_DEFAULT = [module for module in TARGETS if module != "tutor.py"]

# --- the mutations -------------------------------------------------------------------

_BINOP_SWAPS = {ast.Add: "-", ast.Sub: "+", ast.Mult: "/", ast.Div: "*", ast.Pow: "*",
                ast.FloorDiv: "/", ast.Mod: "//"}
_BINOP_TEXT = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
               ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&",
               ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>"}
_CMP_TEXT = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
             ast.NotEq: "!=", ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
_CMP_SWAPS = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">", ast.Eq: "!=",
              ast.NotEq: "==", ast.Is: "is not", ast.IsNot: "is", ast.In: "not in", ast.NotIn: "in"}
# Statements a careless edit can lose (blocks such as if/for/def are not deleted whole).
_DELETABLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Raise,
              ast.Continue, ast.Break, ast.Delete, ast.Assert)


class Mutant:
    """One change to one module: replace bytes [start, end) of the source by ``new``."""

    def __init__(self, file, line, qualname, kind, start, end, old, new):
        self.file, self.line, self.qualname, self.kind = file, line, qualname, kind
        self.start, self.end, self.old, self.new = start, end, old, new
        self.key = f"{file}::{qualname}::{kind}: {_one_line(old)} -> {_one_line(new)}"

    def apply(self, source):
        """The mutated source (bytes)."""
        return source[:self.start] + self.new.encode() + source[self.end:]

    def diff(self, source):
        """A short unified diff of the change, with the module's real line numbers."""
        before = source.decode().splitlines(keepends=True)
        after = self.apply(source).decode().splitlines(keepends=True)
        lines = difflib.unified_diff(before, after, f"a/{PACKAGE}/{self.file}",
                                     f"b/{PACKAGE}/{self.file}", n=1)
        return "".join(lines)


def _one_line(text):
    return " ".join(text.split())


class _Generator:
    """Walks a module's syntax tree and collects its mutants."""

    def __init__(self, file, source):
        self.file, self.source = file, source
        self.line_start = [0]
        for line in source.splitlines(keepends=True):
            self.line_start.append(self.line_start[-1] + len(line))
        self.found = []

    # byte offsets: ast's col_offset counts UTF-8 bytes, so the source is kept as bytes
    def span(self, node):
        return (self.line_start[node.lineno - 1] + node.col_offset,
                self.line_start[node.end_lineno - 1] + node.end_col_offset)

    def text(self, node):
        start, end = self.span(node)
        return self.source[start:end].decode()

    def add(self, node, qualname, kind, new):
        start, end = self.span(node)
        old = self.source[start:end].decode()
        if new != old:
            self.found.append(Mutant(self.file, node.lineno, qualname, kind, start, end, old, new))

    def walk(self, node, qualname="<module>", parent=None):
        if isinstance(node, ast.JoinedStr):  # f-strings: the texts are not mutated
            return
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            return  # a docstring
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            qualname = node.name if qualname == "<module>" else f"{qualname}.{node.name}"
        self.mutate(node, qualname, parent)
        for child in ast.iter_child_nodes(node):
            self.walk(child, qualname, node)

    def mutate(self, node, q, parent):
        t = self.text
        if isinstance(node, _DELETABLE):
            self.add(node, q, "delete", "pass")
        if isinstance(node, ast.AugAssign):
            target, value = t(node.target), t(node.value)
            self.add(node, q, "augassign", f"{target} = {value}")
            if type(node.op) in _BINOP_SWAPS:
                self.add(node, q, "augassign", f"{target} {_BINOP_SWAPS[type(node.op)]}= {value}")
        if isinstance(node, ast.BinOp):
            left, right, op = t(node.left), t(node.right), type(node.op)
            if op in _BINOP_SWAPS:
                self.add(node, q, "operator", f"(({left}) {_BINOP_SWAPS[op]} ({right}))")
            if op in (ast.Sub, ast.Div, ast.Pow):  # order matters for these numbers
                self.add(node, q, "operands", f"(({right}) {_BINOP_TEXT[op]} ({left}))")
        if isinstance(node, ast.Compare):
            parts = [t(node.left)] + [t(c) for c in node.comparators]
            for k, op in enumerate(node.ops):
                ops = [_CMP_TEXT[type(o)] for o in node.ops]
                ops[k] = _CMP_SWAPS[type(op)]
                text = f"({parts[0]})" + "".join(f" {o} ({p})" for o, p in zip(ops, parts[1:]))
                self.add(node, q, "comparison", f"({text})")
        if isinstance(node, ast.BoolOp):
            other = " or " if isinstance(node.op, ast.And) else " and "
            self.add(node, q, "boolean", "(" + other.join(f"({t(v)})" for v in node.values) + ")")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
            self.add(node, q, "unary", f"({t(node.operand)})")
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            for new in _changed_numbers(node.value):
                self.add(node, q, "constant", repr(new))
        if isinstance(node, ast.Constant) and type(node.value) is bool:
            self.add(node, q, "constant", repr(not node.value))
        if isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) >= 2 and _order_matters(node, parent):
            a, b = t(node.elts[0]), t(node.elts[1])
            if a != b and not any(isinstance(e, ast.Starred) for e in node.elts[:2]):
                rest = "".join(f", {t(e)}" for e in node.elts[2:])
                bracket = "[]" if isinstance(node, ast.List) else "()"
                self.add(node, q, "swap", f"{bracket[0]}{b}, {a}{rest}{bracket[1]}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "reversed" and len(node.args) == 1):
            self.add(node, q, "reversed", f"({t(node.args[0])})")


def _changed_numbers(x):
    """0 <-> 1, n -> 0 and n + 1 for other whole numbers, 1.0 -> 2.0 (x -> 2x for floats)."""
    if isinstance(x, int):
        return [1] if x == 0 else [0, x + 1]
    if x == 0.0:
        return [1.0]
    return [0.0, 2 * x]


def _order_matters(node, parent):
    """False for tuples whose order nothing can observe: isinstance's types, an
    ``except`` clause's types, the right side of ``in``, ``__slots__``."""
    if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) \
            and parent.func.id in ("isinstance", "issubclass") and node in parent.args[1:]:
        return False
    if isinstance(parent, ast.ExceptHandler):
        return False
    if isinstance(parent, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in parent.ops) \
            and node in parent.comparators:
        return False
    if isinstance(parent, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__"
                                              for t in parent.targets):
        return False
    return True


def mutants(file, source):
    """Every mutant of one module (``source`` as bytes), each one compiling."""
    gen = _Generator(file, source)
    tree = ast.parse(source)
    gen.walk(tree)
    original = ast.dump(tree)
    result, seen = [], {}
    for m in gen.found:
        try:
            mutated = ast.parse(m.apply(source))
        except SyntaxError as e:  # a bug in the generator, not in the module
            raise RuntimeError(f"mutant does not compile: {m.key}: {e}") from None
        if ast.dump(mutated) == original:
            continue
        seen[m.key] = seen.get(m.key, 0) + 1
        if seen[m.key] > 1:  # the same text twice in one function: number them
            m.key += f" #{seen[m.key]}"
        result.append(m)
    return result


def equivalent_keys(path=EQUIVALENTS):
    """The keys listed in equivalent_mutants.md (lines ``- `key` — why``)."""
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^- `(.+)`\s+(?:—|--)\s+(.+)$", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


# --- running them --------------------------------------------------------------------

def copy_tree(dest):
    """The package, its tests and the pytest configuration, without caches."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis")
    shutil.copytree(ROOT / PACKAGE, dest / PACKAGE, ignore=ignore)
    shutil.copytree(ROOT / "tests", dest / "tests", ignore=ignore)
    for name in ("setup.cfg", "pyproject.toml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, dest / name)


# Tests too slow to run once per mutant, and what they pin instead (nothing a
# mutation here can break: a million-node chain only checks the walk is iterative).
SLOW = ["tests/test_engine.py::test_deep_chain_of_a_million_operations"]

# Seconds one test may take under a mutant (pytest-timeout): a walk that loops
# forever fails its test this quickly.  Every test here takes well under a second.
TEST_TIMEOUT = 15

# Imported once by this process and inherited by every forked test run, so that a
# mutant costs its tests, not pytest's start.  The rest of what the tests import
# (hypothesis, pytest's plugins, ...) is learnt from the first run: see _preload.
PRELOAD = ["numpy", "sympy"]


def _preload(names=PRELOAD):
    import gc
    import importlib
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module that cannot load here is loaded by the child
            pass
    if PACKAGE in sys.modules:
        raise RuntimeError(f"{PACKAGE} was imported before forking: the mutants would not load")
    gc.freeze()  # the children's collector skips everything imported so far


# A mutant's runaway loop may grow a list without end: the child gets this much
# address space, so it fails with a MemoryError instead of starving the machine.
MEMORY_LIMIT = 3 * 2**30


def _in_child(tree, args, plugins=(), write_bytecode=False):
    """Fork; the child runs ``pytest.main(args)`` in ``tree`` and exits.  Its pid.

    Only the first (unmutated) run writes .pyc files, so that later runs load the
    unmutated modules and the rewritten tests from them; the mutated module's own
    .pyc is deleted before its mutants run (a stale one must never stand in).
    """
    pid = os.fork()
    if pid:
        return pid
    code = 3
    try:  # the child: run the tests, never return into the runner
        os.setsid()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.chdir(tree)
        sys.path.insert(0, str(tree))
        sys.dont_write_bytecode = not write_bytecode
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        # no:anyio: its plugin takes a second to load and no test here is async
        # no:anyio: its plugin takes a second to load and no test here is async;
        # no:unraisableexception: it runs the collector three times per session
        code = int(pytest.main(["-q", "-p", "no:cacheprovider", "-p", "no:anyio",
                                "-p", "no:unraisableexception", "-W", "ignore::pytest.PytestAssertRewriteWarning",
                                "--hypothesis-seed=0", *args], plugins=list(plugins)))
    finally:
        os._exit(code)


def run_tests(tree, tests, timeout):
    """'passed', 'failed' or 'timeout': the tests (pytest arguments) against ``tree``.

    They run in a forked child, which imports the package from ``tree`` (the
    mutated copy) afresh; a child that outlives ``timeout`` is killed.
    """
    pid = _in_child(tree, ["-x", f"--timeout={TEST_TIMEOUT}", *[f"--deselect={t}" for t in SLOW], *tests])
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.02)


class _LineRecorder:
    """A pytest plugin: which lines of the modules under test each test runs.

    A mutant can only change what a test sees if the test runs the mutated line,
    so each mutant runs just the tests that cover it (all of its module's tests
    when none does, e.g. for code that runs at import).
    """

    def __init__(self, files, out):
        self.files, self.out, self.lines, self.seconds = files, out, {}, {}

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        hits = self.lines.setdefault(item.nodeid, set())
        files = self.files

        def local(frame, event, arg):
            if event == "line":
                hits.add((files[frame.f_code.co_filename], frame.f_lineno))
            return local

        def tracer(frame, event, arg):
            name = files.get(frame.f_code.co_filename)
            if name is None:
                return None
            hits.add((name, frame.f_lineno))  # the def line: default arguments
            return local

        started = time.perf_counter()
        sys.settrace(tracer)
        try:
            yield
        finally:
            sys.settrace(None)
            self.seconds[item.nodeid] = time.perf_counter() - started

    def pytest_runtest_logreport(self, report):
        if report.failed:
            self.failed = True

    def pytest_sessionfinish(self):
        imported = [name for name in sys.modules if not name.startswith((PACKAGE, "test_", "conftest"))
                    and name != "__main__"]
        Path(self.out).write_text(json.dumps({
            "failed": getattr(self, "failed", False), "modules": imported,
            "tests": {k: {"seconds": self.seconds.get(k, 0.0), "lines": sorted(v)}
                      for k, v in self.lines.items()}}))


def coverage(tree, modules):
    """{module: {line: [test ids]}}, the test ids in run order, and seconds per test."""
    tests = list(dict.fromkeys(t for m in modules for t in TARGETS[m] if (tree / t.split("::")[0]).exists()))
    files = {str(tree / PACKAGE / m): m for m in modules}
    out = tree / "coverage.json"
    pid = _in_child(tree, [*[f"--deselect={t}" for t in SLOW], *tests], [_LineRecorder(files, out)],
                    write_bytecode=True)
    _, status = os.waitpid(pid, 0)
    data = json.loads(out.read_text()) if out.exists() else {"failed": True, "tests": {}}
    if os.waitstatus_to_exitcode(status) != 0 or data["failed"]:
        raise SystemExit("the tests fail on the unmutated code; fix that first")
    _preload(data["modules"])
    by_line = {m: {} for m in modules}
    for test, info in data["tests"].items():
        for module, line in info["lines"]:
            by_line[module].setdefault(line, []).append(test)
    order = list(data["tests"])
    seconds = {t: info["seconds"] for t, info in data["tests"].items()}
    return by_line, order, seconds


def tests_for(mutant, by_line, order, module_tests):
    """The tests that run the mutated lines, in run order (the module's own first)."""
    end = mutant.line + mutant.old.count("\n")
    hits = {t for line in range(mutant.line, end + 1) for t in by_line.get(line, ())}
    mine = [t for t in order if t in hits and t.split("::")[0] in module_tests]
    return mine or None


def run_module(file, tree, selected, equivalents, timeout, cover, log, verbose=False):
    """Run the selected mutants of one module; a dict of results."""
    tests = [t for t in TARGETS[file] if (tree / t.split("::")[0]).exists()]
    test_files = {t.split("::")[0] for t in tests}
    by_line, order, seconds = cover
    path = tree / PACKAGE / file
    source = path.read_bytes()
    for pyc in (path.parent / "__pycache__").glob(path.stem + ".*.pyc"):
        pyc.unlink()
    started = time.monotonic()
    log(f"{file}: {len(selected)} mutants; tests {' '.join(tests)}")
    results = []
    try:
        for k, m in enumerate(selected, 1):
            if m.key in equivalents:
                results.append((m, "equivalent"))
                continue
            chosen = tests_for(m, by_line[file], order, test_files)
            if chosen is None:  # no test runs this line (or it runs at import): all of them
                chosen = tests
                estimate = sum(seconds[t] for t in order if t.split("::")[0] in test_files)
            else:
                estimate = sum(seconds[t] for t in chosen)
            path.write_bytes(m.apply(source))
            t0 = time.monotonic()
            outcome = run_tests(tree, chosen, timeout or 3 * estimate + 10)
            if verbose:
                log(f"  [{k}/{len(selected)}] {outcome} in {time.monotonic() - t0:.1f} s, "
                    f"{len(chosen)} tests: {m.key}")
            path.write_bytes(source)
            outcome = {"passed": "survived", "failed": "killed", "timeout": "timeout"}[outcome]
            results.append((m, outcome))
            if outcome == "survived":
                log(f"  [{k}/{len(selected)}] SURVIVED {file}:{m.line}  {m.key}")
    finally:
        path.write_bytes(source)
    return {"file": file, "tests": tests, "results": results,
            "seconds": time.monotonic() - started, "source": source}


def summary(run):
    counts = {k: 0 for k in ("killed", "timeout", "survived", "equivalent")}
    for _, outcome in run["results"]:
        counts[outcome] += 1
    scored = counts["killed"] + counts["timeout"] + counts["survived"]
    counts["score"] = (counts["killed"] + counts["timeout"]) / scored if scored else 1.0
    return counts


def report(runs, unused_equivalents):
    """The per-module table, then every survivor with its diff."""
    lines = ["", f"{'module':<12} {'mutants':>7} {'killed':>7} {'timeout':>7} {'survived':>8} "
             f"{'equiv.':>6} {'score':>7} {'time':>7}"]
    for run in runs:
        c = summary(run)
        lines.append(f"{run['file']:<12} {len(run['results']):>7} {c['killed']:>7} {c['timeout']:>7} "
                     f"{c['survived']:>8} {c['equivalent']:>6} {100 * c['score']:>6.1f}% "
                     f"{run['seconds']:>6.0f}s")
    lines.append("score = (killed + timeout) / (mutants - equivalent)")
    for run in runs:
        for m, outcome in run["results"]:
            if outcome == "survived":
                lines += ["", f"SURVIVED {m.file}:{m.line}  {m.key}", m.diff(run["source"]).rstrip()]
    if unused_equivalents:
        lines += ["", "listed as equivalent but no longer generated (remove them from the list):"]
        lines += [f"  {key}" for key in sorted(unused_equivalents)]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"modules of {PACKAGE} (default: {' '.join(BY_DEFAULT)})")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--sample", type=int, metavar="N", help="run N random mutants per module")
    parser.add_argument("--seed", type=int, default=0, help="the seed of --sample (default 0)")
    parser.add_argument("--match", metavar="TEXT", help="only mutants whose key contains TEXT")
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: 3x the unmutated run + 10)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per mutant")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args(argv)
    modules = args.modules or BY_DEFAULT
    for name in modules:
        if name not in TARGETS:
            parser.error(f"unknown module {name!r}; choose from {', '.join(TARGETS)}")
    equivalents = equivalent_keys()

    def log(text):
        print(text, flush=True)

    _preload()
    generated = set()
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        tree = Path(tmp)
        copy_tree(tree)
        runs, started = [], time.monotonic()
        cover = None if args.list else coverage(tree, modules)
        for name in modules:
            found = mutants(name, (tree / PACKAGE / name).read_bytes())
            generated.update(m.key for m in found)
            if args.match:
                found = [m for m in found if args.match in m.key]
            if args.sample is not None and args.sample < len(found):
                found = sorted(random.Random(args.seed).sample(found, args.sample),
                               key=lambda m: m.start)
            if args.list:
                for m in found:
                    tag = "  (equivalent)" if m.key in equivalents else ""
                    print(f"{name}:{m.line}  {m.key}{tag}")
                continue
            runs.append(run_module(name, tree, found, equivalents, args.timeout, cover, log, args.verbose))
    if args.list:
        return 0
    complete = set(modules) == set(TARGETS) and not args.match and args.sample is None
    unused = [k for k in equivalents if k not in generated] if complete else []
    print(report(runs, unused))
    print(f"\ntotal time {time.monotonic() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps([
            {"file": r["file"], "tests": r["tests"], "seconds": round(r["seconds"], 1), **summary(r),
             "survivors": [{"line": m.line, "key": m.key} for m, o in r["results"] if o == "survived"]}
            for r in runs], indent=2))
    return 0 if all(summary(r)["survived"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
