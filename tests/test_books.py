"""Books through one door: only a cooperative's (or business's) own methods write its books."""

import ast
from pathlib import Path

import coopsim
from coopsim.model.books import BOOK_ATTRIBUTES

PACKAGE = Path(coopsim.__file__).parent
OWNERS = {"books.py", "cooperative.py"}  # CoopBooks and Cooperative's own cycles
BUSINESS_BOOKS = {"cash", "bought_contract", "bought_spot"}


def _writes(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """Assignments ``x.attr = ...`` / ``x.attr += ...`` to ``names`` on objects not ``self``."""
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, ast.AugAssign) else []
        flat = [e for t in targets for e in (t.elts if isinstance(t, ast.Tuple) else [t])]
        for t in flat:
            if isinstance(t, ast.Attribute) and t.attr in names and not (
                    isinstance(t.value, ast.Name) and t.value.id == "self"):
                found.append((node.lineno, ast.unparse(t)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "setattr":
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_module_writes_a_cooperatives_books_from_outside():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name in OWNERS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # the household store has arrays named like book items (hh.cash): not a cooperative
        hits = [(n, w) for n, w in _writes(tree, set(BOOK_ATTRIBUTES))
                if not w.startswith(("hh.", "households.", "self."))]
        if hits:
            offenders[str(path.relative_to(PACKAGE))] = hits
    assert offenders == {}


def test_no_module_writes_a_business_books_from_outside():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "business.py":
            continue
        hits = [(n, w) for n, w in _writes(ast.parse(path.read_text(encoding="utf-8")),
                                           BUSINESS_BOOKS)
                if w.startswith(("bus.", "business."))]
        if hits:
            offenders[str(path.relative_to(PACKAGE))] = hits
    assert offenders == {}


def test_the_scan_finds_a_write_from_outside():
    # negative control: the scan is not vacuous
    tree = ast.parse("def f(coop):\n    coop.cash += 1.0\n    setattr(coop, 'debt', 0)\n")
    assert [w for _, w in _writes(tree, {"cash"})] == ["coop.cash", "setattr(coop, 'debt', 0)"]
