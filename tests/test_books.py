"""Books through one door: only a cooperative's (or business's) own methods write its books."""

import ast
from pathlib import Path

import coopsim
from coopsim.model.books import BOOK_ATTRIBUTES
from coopsim.model.brand_state import BRAND_ATTRIBUTES

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


def test_no_module_writes_a_cooperatives_brand_and_ocop_state_from_outside():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "brand_state.py":
            continue
        hits = [(n, w) for n, w in _writes(ast.parse(path.read_text(encoding="utf-8")),
                                           set(BRAND_ATTRIBUTES))
                if not w.startswith("self.") and (not w.startswith("setattr")
                                                  or any(a in w for a in BRAND_ATTRIBUTES))]
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


def _model_at(month: int):
    from coopsim.model.coop_model import CoopModel

    model = CoopModel(seed=1, scale=0.05)
    for _ in range(month):
        model.step()
    return model


def test_a_new_cooperative_earns_no_growth_points_at_its_first_rating():
    import numpy as np

    from coopsim.model import membership
    from coopsim.model.board import Board

    model = _model_at(35)  # November 2020: rated under Circular 01/2020
    free = np.flatnonzero(model.households.coop < 0)[:7]
    coop = model.add_coop(int(model.households.commune[free[0]]), 0, 0.5,
                          Board.draw(model.rng, model.education_shares), age_months=12)
    membership.join(model.households, model.coops, free, np.full(7, coop.idx), 1.0)
    coop.plan_first_year(100.0)
    coop.receive_grant(500.0, "founding_grant")  # capital grows a lot in its first year
    model.step()  # December: rated (12 months old)
    assert coop.last_record.capital_growth == 0.0
    assert coop.last_score.regime == "01/2020"
    assert coop.last_score.criteria["1b.capital_growth"] == 0.0
    assert coop.has_year_end  # next year it is measured against this year end


def test_a_merger_alone_does_not_raise_the_base_growth_is_measured_from():
    from coopsim.model.cooperative import ACTIVE

    model = _model_at(12)
    target, source = [c for c in model.coops if c.status == ACTIVE][:2]
    base = target.capital_end + source.capital_end
    indivisible = target.indivisible_end + source.indivisible_end
    target.absorb(source, source.members)
    assert target.capital_end == base and target.indivisible_end == indivisible
    assert source.capital_end == 0.0 and source.status == "merged"
