"""The layers of docs/architecture.md, enforced on the source (read with ``ast``, nothing imported):

* the core never imports a face (``scrimmage.cli``, ``scrimmage.web``);
* ``store/`` (all SQL) imports nothing above it, ``metrics/`` nothing but the errors;
* nothing outside a module reaches its private names (``_name``): no ``other._method``, no
  ``from module import _name`` and no private module of another package. The exceptions are
  listed in ``ALLOWED`` below, each with its reason (docs/architecture.md says the same).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "scrimmage"
FACES = ("scrimmage.cli", "scrimmage.web")
#: What store/ may import besides itself: the errors, the clock, and the check whether a process lives.
STORE_MAY_IMPORT = ("scrimmage.errors", "scrimmage.clock", "scrimmage.scratch")
#: Private names that may be reached from outside their module, and why.
ALLOWED = {
    "_mapping": "SQLAlchemy's Row._mapping is public API despite its name",
    "_asdict": "namedtuple's public API", "_replace": "namedtuple's public API", "_fields": "namedtuple's public API",
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        name = ".".join(parts[:-1] if is_package else parts)
        yield name, (name if is_package else name.rsplit(".", 1)[0]), path


def _imports(name: str, package: str, tree: ast.AST):
    """(line, module imported, name imported from it or None) of every import, lazy ones included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                yield node.lineno, module, alias.name


MODULES = [(name, package, path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
           for name, package, path in _modules()]


def _within(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_the_core_never_imports_a_face():
    found = [f"{path.relative_to(SRC)}:{line} imports {module}"
             for name, package, path, tree in MODULES if not _within(name, FACES) and name != "scrimmage.__main__"
             for line, module, item in _imports(name, package, tree)
             if _within(module, FACES) or _within(f"{module}.{item}", FACES)]
    assert found == [], "the core imports the CLI or the web face (docs/architecture.md):\n" + "\n".join(found)


@pytest.mark.parametrize("layer, allowed", [("scrimmage.store", STORE_MAY_IMPORT), ("scrimmage.metrics", ("scrimmage.errors",))])
def test_lower_layers_import_nothing_above_them(layer, allowed):
    found = [f"{path.relative_to(SRC)}:{line} imports {module}"
             for name, package, path, tree in MODULES if _within(name, (layer,))
             for line, module, item in _imports(name, package, tree)
             if module.startswith("scrimmage") and not _within(module, (layer, *allowed))]
    assert found == [], f"{layer} imports from a layer above it (docs/architecture.md):\n" + "\n".join(found)


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def test_nothing_reaches_another_modules_private_names():
    found = []
    for name, package, path, tree in MODULES:
        where = path.relative_to(SRC)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in ALLOWED:
                if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                    found.append(f"{where}:{node.lineno} {ast.unparse(node)}")
        for line, module, item in _imports(name, package, tree):
            full = f"{module}.{item}" if item else module
            if not full.startswith("scrimmage.") or full in ALLOWED or module in ALLOWED:
                continue
            parts = full.split(".")
            for i, part in enumerate(parts):
                # a private module or name is open to the package (or module) that holds it, and its children
                if _private(part) and not _within(name, (".".join(parts[:i]),)):
                    found.append(f"{where}:{line} imports {full}")
                    break
    assert sorted(set(found)) == [], ("private names reached from outside their module or package "
                                      "(give the owner a public function instead):\n" + "\n".join(sorted(set(found))))


def test_the_check_sees_a_private_call_and_a_face_import(tmp_path):
    """The checks above can fail: they find what they look for in a module written to break both rules."""
    tree = ast.parse("from scrimmage.web import app\nfrom scrimmage.catalog import _fetch\narena._comp_id(1)\n")
    imports = list(_imports("scrimmage.bundle", "scrimmage", tree))
    assert any(_within(m, FACES) for _, m, _ in imports)
    assert any(_private(item or "") for _, _, item in imports)
    assert [ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.Attribute) and _private(n.attr)] == [
        "arena._comp_id"]


def _swallows(handler: ast.ExceptHandler) -> bool:
    """An ``except Exception`` (or bare, or BaseException) whose body only passes or continues."""
    caught = handler.type
    names = [] if caught is None else [ast.unparse(e) for e in (caught.elts if isinstance(caught, ast.Tuple) else [caught])]
    broad = caught is None or any(n in ("Exception", "BaseException") for n in names)
    return broad and all(isinstance(stmt, (ast.Pass, ast.Continue)) for stmt in handler.body)


def test_no_error_is_swallowed_whole():
    """A broad ``except`` either handles the error (says what failed, maps it) or lets it surface (docs/architecture.md)."""
    found = [f"{path.relative_to(SRC)}:{node.lineno}" for _, _, path, tree in MODULES
             for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler) and _swallows(node)]
    assert found == [], "`except Exception: pass` hides failures; catch the named error or let it surface:\n" + "\n".join(found)
    assert _swallows(ast.parse("try:\n    f()\nexcept Exception:\n    pass\n").body[0].handlers[0])
