"""The package's structure, read from its source with ast: no module imports
another that imports it back (directly or around a longer loop, counting the
imports inside functions too), and no module uses another's private name
(``from .x import _name`` or ``x._name``).  A shared piece gets its own module
and a public name.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "micrograd_bp"

def module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def absolute(module, level, target):
    """The absolute name of ``from <level dots><target> import ...`` in ``module``."""
    if level == 0:
        return target
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{target}" if target else package


def imports(module):
    """(imported module, the name it is bound to here or None, names taken from it)
    for every import statement of ``module``, at any depth."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    yield alias.name, alias.asname, ()
        elif isinstance(node, ast.ImportFrom):
            source = absolute(module, node.level, node.module or "")
            if source not in MODULES:
                continue
            for alias in node.names:  # ``from . import checks``: a module, not a name
                submodule = f"{source}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, alias.asname or alias.name, ()
                else:
                    yield source, None, (alias.name,)


def edges():
    return {module: {target for target, _, _ in imports(module)} - {module} for module in MODULES}


def cycles(graph):
    """Every pair of modules that reach each other: the strongly connected
    components of more than one module, as frozensets."""
    reach = {}
    for start in graph:
        seen, stack = set(), [start]
        while stack:
            for nxt in graph[stack.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        reach[start] = seen
    return {frozenset(m for m in graph if m == a or (m in reach[a] and a in reach[m]))
            for a in graph if a in reach[a]}


def is_private(name):
    return name.startswith("_") and not name.startswith("__")


def private_uses(module):
    """(module, other module, private name) for each private name of another module used here."""
    bound = {}
    for target, as_name, names in imports(module):
        for name in names:
            if is_private(name) and target != module:
                yield module, target, name
        if as_name:
            bound[as_name] = target
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in bound and is_private(node.attr)):
            yield module, bound[node.value.id], node.attr


def test_the_checks_see_the_package():
    assert {"micrograd_bp.engine", "micrograd_bp.commands.demo"} <= set(MODULES)
    assert "micrograd_bp.rules" in edges()["micrograd_bp.engine"]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == {frozenset("abc")}


def test_no_import_cycles():
    found = cycles(edges())
    assert not found, "modules that import each other: " + "; ".join(
        " <-> ".join(sorted(cycle)) for cycle in found)


def test_no_private_name_is_used_across_modules():
    found = {use for module in MODULES for use in private_uses(module)}
    assert not found, "\n".join(f"{m} uses {other}.{name}" for m, other, name in sorted(found))
