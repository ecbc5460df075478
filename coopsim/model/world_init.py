"""Creating cooperatives: the initial 2018 stock, and founders of new ones.

The province file describes the 2018 stock only in aggregate (cooperatives per
district, class shares, members, capital, managers' qualifications, credit). This
module draws individual cooperatives from it. How a class translates into starting
attributes (:data:`CLASS_PROFILE`) is an assumption, documented in docs/ODD.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from coopsim.model import membership
from coopsim.model.board import COURSE, DEGREE, NONE, ROLES, Board
from coopsim.model.business import Business
from coopsim.model.cooperative import ACTIVE
from coopsim.model.households import NO_COOP
from coopsim.model.scoring import CoopClass

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel

__all__ = ["CLASS_PROFILE", "create_businesses", "create_initial_coops", "draw_founders",
           "expected_revenue", "seed_contracts"]

#: Starting attributes by 2017 class (assumed): competence range, and multipliers of the
#: province's median members and capital, and funds as a share of capital.
CLASS_PROFILE = {
    "good": {"competence": (0.75, 0.98), "members": 4.0, "capital": 8.0, "funds": 0.15},
    "fair": {"competence": (0.45, 0.75), "members": 1.6, "capital": 2.2, "funds": 0.10},
    "average": {"competence": (0.25, 0.50), "members": 0.8, "capital": 0.6, "funds": 0.05},
    "weak": {"competence": (0.05, 0.35), "members": 0.4, "capital": 0.3, "funds": 0.0},
}
CLASSES = tuple(CLASS_PROFILE)


class _CellQueue:
    """Households grouped by cell in random order, handed out without repetition."""

    def __init__(self, cell: np.ndarray, n_cells: int, rng: np.random.Generator):
        perm = rng.permutation(len(cell))
        self.order = perm[np.argsort(cell[perm], kind="stable")]
        self.start = np.searchsorted(cell[self.order], np.arange(n_cells))
        self.left = np.bincount(cell, minlength=n_cells)

    def take(self, cell: int, n: int) -> np.ndarray:
        n = int(min(n, self.left[cell]))
        end = self.start[cell] + self.left[cell]
        rows = self.order[end - n:end]
        self.left[cell] -= n
        return rows


def create_initial_coops(model: CoopModel) -> None:
    """Draw the province's 2018 cooperatives (at ``model.params.scale``) with members."""
    prov, rng = model.province, model.rng
    n_p = len(prov.products)
    weight = np.array([p.coop_weight for p in prov.products])
    shares = np.array([prov.coops.class_shares[c] for c in CLASSES])
    queue = _CellQueue(model.households.cell, len(model._cell_size), rng)
    for d_idx, district in enumerate(prov.districts):
        n = round(district.cooperatives * model.district_share[d_idx])
        communes = np.flatnonzero(model.commune_district == d_idx)
        cells = (communes[:, None] * n_p + np.arange(n_p)[None, :]).ravel()
        product_weight = np.tile(weight, len(communes))
        for _ in range(n):
            w = queue.left[cells] * product_weight  # households not yet members there
            if w.sum() <= 0:
                break
            cell = int(rng.choice(cells, p=w / w.sum()))
            _initial_coop(model, cell, CLASSES[rng.choice(4, p=shares)], queue)
    _assign_qualifications(model)
    _paper_coops(model)


def _paper_coops(model: CoopModel) -> None:
    """Make ``inactive_share`` of the stock inactive ("on paper"), weakest class first.

    The directive's diagnosis: many cooperatives operate only formally. They start
    with their members and books but do no business, so members drift away (see the
    province file's source). If weak and average cooperatives are too few, fewer are
    made inactive.
    """
    stock = model.province.coops
    n = round(stock.inactive_share * len(model.coops))
    weak = [c for c in model.coops if c.coop_class == CoopClass.WEAK]
    rest = [c for c in model.coops if c.coop_class == CoopClass.AVERAGE]
    pool = list(model.rng.permutation(weak)) + list(model.rng.permutation(rest))
    for coop in pool[:n]:
        coop.start_inactive(model.params.inactive_after)


def _assign_qualifications(model: CoopModel) -> None:
    """Give the most competent boards the degrees, matching the province's shares.

    Every manager of every initial board (three per cooperative) is ranked by the
    cooperative's competence plus noise (sd 0.15); the top ``university`` share hold a
    college or university degree, the bottom ``untrained`` share have no training, the
    rest a short or intermediate course (facts: ~2020 VCA survey shares of key officials;
    the ranking is assumed, after Pham Tri Minh 2022: competence and qualification go
    together).
    """
    coops, stock = model.coops, model.province.coops
    if not coops:
        return
    competence = np.repeat([c.competence for c in coops], len(ROLES))
    key = competence + 0.15 * model.rng.standard_normal(len(competence))
    rank = (np.argsort(np.argsort(-key)) / len(key)).reshape(len(coops), len(ROLES))
    for coop, r in zip(coops, rank, strict=True):
        coop.board.education = [int(e) for e in np.where(
            r < stock.university_share, DEGREE,
            np.where(r >= 1.0 - stock.untrained_share, NONE, COURSE))]


def _initial_coop(model: CoopModel, cell: int, cls: str, queue: _CellQueue) -> None:
    """One initial cooperative of class ``cls`` in ``cell``, with members and books."""
    prov, p, rng = model.province, model.params, model.rng
    stock, prof = prov.coops, CLASS_PROFILE[cls]
    commune, product = divmod(cell, len(prov.products))
    age = 12 * int(rng.integers(stock.age_min_years, stock.age_max_years + 1))
    coop = model.add_coop(commune, product, float(rng.uniform(*prof["competence"])),
                          Board.draw(rng, model.education_shares), age)
    target = stock.members_median * prof["members"] * rng.lognormal(0.0, stock.members_sigma)
    rows = queue.take(cell, max(p.min_founders, round(target)))
    membership.join(model.households, model.coops, rows, np.full(len(rows), coop.idx),
                    p.capital_contribution, pay=False)
    capital = stock.capital_median * prof["capital"] * rng.lognormal(0.0, stock.capital_sigma)
    coop.open_books(capital, prof["funds"], rng.random() < stock.with_loan_share, p.loan_term)
    coop.coop_class = CoopClass[cls.upper()]
    coop.plan_first_year(expected_revenue(model, coop) * rng.uniform(0.8, 1.0),
                         p.input_saving * 2.0 * coop.competence, prior_year=True)


def expected_revenue(model: CoopModel, coop) -> float:
    """A year's revenue expected from members' seasonal output and the capacity limit."""
    p, prod = model.params, model.province.products[coop.product]
    month_output = coop.members * prod.output_median / 12.0 * model._season[coop.product]
    capacity = p.handling_turnover * coop.operating_capital
    bought = np.minimum(capacity, 0.9 * month_output).sum()
    fees = month_output.sum() * p.service_fee_rate + coop.members * p.membership_fee
    return float(bought * (1 + coop.markup) + fees)


def draw_founders(model: CoopModel) -> list[tuple[int, np.ndarray, bool]]:
    """Cells where a new cooperative is founded this year, its founders, and if assisted.

    A cell (commune x product) qualifies when no active cooperative serves it, at least
    ``min_founders`` non-member households there are aware (awareness >=
    ``founding_awareness``), trusting (trust >= 0.5) and can pay the capital
    contribution, and its commune has room (:func:`commune_room`). Cells are taken in
    random order; one founds a cooperative with chance ``founding_rate``, times ``1 +
    nrd_push`` where the commune has no effective cooperative (New Rural Development
    criterion 13). Otherwise, with further chance ``founding_boost``, founding support
    assists a founding while its yearly staff capacity (``founding_capacity``, whole
    province, times the simulated share) and its budget for the start-up grant last.
    Founders without a viable plan (:func:`viable_plan`) do not found.
    """
    p, hh, rng = model.params, model.households, model.rng
    eligible = np.flatnonzero((hh.coop == NO_COOP) & (hh.awareness >= p.founding_awareness)
                              & (hh.trust >= 0.5) & (hh.cash >= p.capital_contribution))
    counts = np.bincount(hh.cell[eligible], minlength=len(model._cell_size))
    served = {c.cell for c in model.coops if c.status == ACTIVE}
    cells = [c for c in np.flatnonzero(counts >= p.min_founders) if c not in served]
    room, effective = commune_room(model), _effective_communes(model)
    staff = 0
    if p.founding_boost > 0:  # assisted foundings this year: capacity, rounded stochastically
        quota = p.founding_capacity * len(hh) / model.province.households
        staff = int(quota) + int(rng.random() < quota - int(quota))
        cells = list(rng.permutation(cells))
    out = []
    for cell in cells:
        commune = int(cell) // model._n_products
        if room[commune] <= 0:
            continue
        chance = p.founding_rate * (1.0 + (p.nrd_push if commune not in effective else 0.0))
        draw = rng.random()
        assisted = draw >= chance
        if assisted and not (staff > 0 and draw < chance + p.founding_boost):
            continue
        rows = eligible[hh.cell[eligible] == cell]
        size = min(len(rows), 2 * p.min_founders)
        founders = np.sort(rng.choice(rows, size=size, replace=False))
        if not viable_plan(model, int(cell), founders):
            model.foundings_refused += 1
            continue
        if assisted:
            if model.support("founding_support", p.founding_support_grant) \
                    < p.founding_support_grant:
                continue  # the budget is spent: no assisted founding
            staff -= 1
        room[commune] -= 1
        out.append((int(cell), founders, assisted))
    return out


def commune_room(model: CoopModel) -> np.ndarray:
    """Cooperatives each commune can still hold (unbounded when the parameter is 0).

    Its households over ``commune_coop_households`` (rounded up, at least one), less its
    live cooperatives.
    """
    p, n = model.params, len(model.commune_district)
    if p.commune_coop_households <= 0:
        return np.full(n, np.iinfo(np.int64).max // 2)
    households = np.bincount(model.households.commune, minlength=n)
    bound = np.maximum(1, np.ceil(households / p.commune_coop_households)).astype(np.int64)
    live = np.bincount([c.commune for c in model.live_coops()], minlength=n)
    return bound - live


def _effective_communes(model: CoopModel) -> set[int]:
    """Communes with an effective cooperative: active and classed fair or better."""
    return {c.commune for c in model.coops if c.status == ACTIVE and c.coop_class is not None
            and c.coop_class >= CoopClass.FAIR}


def viable_plan(model: CoopModel, cell: int, founders: np.ndarray) -> bool:
    """Whether founders of ``cell`` have a viable plan (ODD 7.22a).

    Their expected yearly output must reach ``plan_min_volume``, their capital
    contributions ``plan_capital``, and, where outlets are finite, the district's outlets
    for the product must be expected to take ``plan_min_fill`` of the plan's monthly
    volume at the full price besides what its active cooperatives bought lately.
    """
    p, hh = model.params, model.households
    volume = float(hh.base_output[:, founders].sum(dtype=np.float64))
    if volume < p.plan_min_volume or len(founders) * p.capital_contribution < p.plan_capital:
        return False
    if model.outlets is None:
        return True
    commune, product = divmod(cell, model._n_products)
    district = int(model.commune_district[commune])
    group = model.outlets.group_of(district, product)
    capacity = float(model.outlets.capacity[:, group].mean())
    taken = sum(c.recent_bought for c in model.coops_by_product.get(product, ())
                if c.status == ACTIVE and c.district == district)
    return max(capacity - taken, 0.0) >= p.plan_min_fill * volume / 12.0


def create_businesses(model: CoopModel) -> None:
    """Draw the province's businesses at the simulated scale.

    Each group of the province file contributes ``count`` times the simulated share
    of households (rounded stochastically, so small scales keep some businesses on
    average), placed in simulated districts in proportion to their households, each
    with demand ``demand_median`` times a lognormal factor (sd 0.5, assumed).
    """
    prov, rng, hh = model.province, model.rng, model.households
    share = len(hh) / prov.households
    per_district = np.bincount(hh.district, minlength=len(prov.districts)).astype(float)
    names = prov.product_names
    for group in prov.businesses:
        quota = group.count * share
        n = int(quota) + int(rng.random() < quota - int(quota))
        for _ in range(n):
            district = int(rng.choice(len(per_district), p=per_district / per_district.sum()))
            demand = group.demand_median * float(rng.lognormal(0.0, 0.5))
            model.businesses.append(Business(model, len(model.businesses), group.kind, district,
                                             names.index(group.product), demand, 3.0 * demand))


def seed_contracts(model: CoopModel) -> None:
    """Contracts already running in 2018: ``linked_share`` of active cooperatives.

    Cooperatives are drawn with weights by class (good 4, fair 3, average 2, weak 1;
    assumed), each linked to a business of its product with room in its demand (one in
    its district if there is one), for a volume of 30% of what it can buy in a month,
    part-way through the contract (uniform months already run).
    """
    rng, vc = model.rng, model.value_chain
    active = [c for c in model.coops if c.status == ACTIVE]
    target = round(model.province.coops.linked_share * len(active))
    weight = np.array([1.0 + int(c.coop_class) for c in active])
    order = rng.choice(len(active), size=len(active), replace=False, p=weight / weight.sum())
    room = {b.idx: b.demand for b in model.businesses}
    for i in order:
        if len(vc.active) >= target:
            break
        coop = active[i]
        volume = 0.3 * model.params.handling_turnover * coop.operating_capital
        buyers = [b for b in model.businesses
                  if b.product == coop.product and room[b.idx] >= max(volume, b.min_volume)]
        if not buyers or volume <= 0:
            continue
        local = [b for b in buyers if b.district == coop.district]
        bus = (local or buyers)[int(rng.integers(len(local or buyers)))]
        volume = max(volume, bus.min_volume)
        vc.seed(model, coop, bus, volume, int(rng.integers(bus.terms["duration"])))
        room[bus.idx] -= volume
