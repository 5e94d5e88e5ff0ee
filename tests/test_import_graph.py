"""Every dependency inside the launchgen package points one way: no import cycle,
deferred imports (inside functions) included.

Each module's imports are read with ast. A module depends on what it names:
`import a.b` on a.b; `from a import b` on a (it reads a's namespace) and on a.b when
that is a module. Imports under `if TYPE_CHECKING:` never run and are left out, and so
is the parent package Python runs first (a package may re-export its modules, as long
as they do not import from it).
"""

from __future__ import annotations

import ast
from pathlib import Path

import launchgen

PACKAGE = Path(launchgen.__file__).parent

# Cycles known when this test was written, to be removed by the same redesign (issue 16;
# lint's, validate's and bundle's are gone): empty this list as they go. A cycle not
# listed here, or a listed one that changed, fails the test.
KNOWN_CYCLES: dict[str, frozenset[str]] = {}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[ast.AST]:
    skipped: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(ast.walk(child))
    return skipped


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = _type_checking_only(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in edges:
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def test_the_package_has_no_import_cycle() -> None:
    found = cycles(graph())
    unexpected = [sorted(c) for c in found if c not in KNOWN_CYCLES.values()]
    assert unexpected == [], f"import cycles: {unexpected}"
    gone = [name for name, c in KNOWN_CYCLES.items() if c not in found]
    assert gone == [], f"no longer cycles: remove {gone} from KNOWN_CYCLES"


def test_every_module_is_read() -> None:
    edges = graph()
    assert "launchgen.lint.engine" in edges and "launchgen.cli" in edges
    assert "launchgen.lint.rules" in edges["launchgen.lint.config"]


def test_a_deferred_import_closes_a_cycle(tmp_path: Path) -> None:
    """The reader sees imports inside functions, relative ones, and `from a import b`."""
    known = {name: Path() for name in ("p", "p.a", "p.b", "p.c")}
    source = {
        "p.a": "def f():\n    from p.b import x\n",
        "p.b": "from . import c\n",
        "p.c": "import typing\nif typing.TYPE_CHECKING:\n    from p import b\ndef g():\n    import p.a\n",
    }
    edges: dict[str, set[str]] = {"p": set()}
    for name, text in source.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        edges[name] = imports_of(name, path, known)
    assert edges["p.b"] == {"p", "p.c"}  # `from . import c`: the package and its module
    assert edges["p.c"] == {"p.a"}  # the TYPE_CHECKING import is left out
    assert cycles(edges) == [frozenset({"p.a", "p.b", "p.c"})]
    edges["p.c"] = set()
    assert cycles(edges) == []
