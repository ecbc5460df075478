"""OCOP as a provincial programme: a yearly rating round with a target number of products.

Each December from ``ocop_first_round`` the province rates the candidate products of the
year (Decision 1048/QD-TTg, 2019; Decision 148/QD-TTg for the rounds from 2023). In order
(development also in the years before the first round):

1. **Lapse.** Certificates valid until before this year lapse; a lapsed product is
   entered again (re-assessed) with chance ``ocop_renewal``.
2. **The round.** Candidates are products developed in an earlier year: cooperatives'
   (several per cooperative), enterprises' (the model's businesses) and household
   businesses' (``ocop_household_candidates`` a year per 100,000 households, not
   agents). Each gets a score out of 100 in Decision 1048's three parts (:func:`points`).
   Stars follow Decision 1048's bands (:func:`stars_for`); from 2023 a product below
   three stars is not rated. The round rates at most ``ocop_target`` products (times the
   simulated share of households, rounded stochastically), best score first; the rest
   wait for a later round. A product of three or more stars is certified for
   ``ocop_validity`` years; one of one or two stars stays a candidate.
3. **Development.** An active cooperative with fewer than ``ocop_max_products`` products
   (held or candidate) develops one more with chance ``ocop_rate x (1 + ocop_support)``
   if it can pay its part of ``ocop_cost`` (support pays ``ocop_support`` of it); an open
   business with none, with chance ``ocop_rate`` (its cost is outside the model).

The trademark is one criterion of part B, not a gate. Draws use the run's ``"ocop"``
stream. Sources and assumptions: docs/ODD.md 7.29a.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coopsim.model.books import ACTIVE
from coopsim.model.brand_state import CERTIFIED
from coopsim.model.brands import pay_supported
from coopsim.model.scoring import CoopClass

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel
    from coopsim.model.cooperative import Cooperative

__all__ = ["COOPERATIVE", "ENTERPRISE", "HOUSEHOLD", "OcopRegister", "ocop_year", "points",
           "stars_for"]

COOPERATIVE, ENTERPRISE, HOUSEHOLD = "cooperative", "enterprise", "household"
#: the first year rated under Decision 148/QD-TTg (3-5 stars only)
RULES_2023 = 2023
_CLASS_PART = {CoopClass.GOOD: 1.0, CoopClass.FAIR: 0.75, CoopClass.AVERAGE: 0.5,
               CoopClass.WEAK: 0.25, None: 0.4}


def stars_for(score: float, year: int) -> int:
    """Stars of a product scoring ``score`` (0-100) in ``year``'s round (0: not rated).

    Decision 1048/QD-TTg: 90-100 five, 70-89 four, 50-69 three, 30-49 two, below 30 one.
    Decision 148/QD-TTg (rounds from 2023): three to five stars only.
    """
    for floor, stars in ((90.0, 5), (70.0, 4), (50.0, 3), (30.0, 2), (-math.inf, 1)):
        if score >= floor:
            return stars if stars >= CERTIFIED or year < RULES_2023 else 0
    raise ValueError(f"score must be a number, got {score!r}")


def points(organisation: float, marketing: float, quality: float) -> float:
    """Score out of 100 from the three parts of Decision 1048, each a share in [0, 1].

    Part A (production and community strength) 35 points, part B (marketing and the
    product's story) 25, part C (quality) 40, as the decision weights them.
    """
    return 35.0 * organisation + 25.0 * marketing + 40.0 * quality


def coop_points(coop: Cooperative, linked: bool, draw: float) -> float:
    """A cooperative product's score (ASSUMED mapping of its state onto the parts).

    A: half manager competence, half its class; B: trademark (times reputation) 0.4,
    a running contract 0.4, processing 0.2; C: half competence, half a uniform draw.
    """
    organisation = 0.5 * coop.competence + 0.5 * _CLASS_PART[coop.coop_class]
    marketing = (0.4 * coop.has_brand * coop.brand_reputation + 0.4 * linked
                 + 0.2 * coop.processes)
    return points(organisation, marketing, 0.5 * coop.competence + 0.5 * draw)


@dataclass
class OcopRegister:
    """Products of producers that are not cooperatives, and the last round's figures.

    Attributes:
        others: certified products of enterprises and household businesses, each
            ``(kind, producer, stars, valid_until)``.
        enterprise_candidates: businesses (indices) with a product waiting for a round.
        candidates, rated, certified: the last round's candidates, products it rated
            (any stars) and products it certified (3+), all producers.
        last_stars: the stars the last round gave, product by product.
    """

    others: list[tuple[str, int, int, int]] = field(default_factory=list)
    enterprise_candidates: set[int] = field(default_factory=set)
    candidates: int = 0
    rated: int = 0
    certified: int = 0
    last_stars: list[int] = field(default_factory=list)
    _household_ids: int = 0

    def figures(self, coops: list[Cooperative]) -> dict[str, int]:
        """Certified products and producers by kind (at the simulated scale)."""
        held = [c for c in coops if c.n_ocop_products]
        kinds = [kind for kind, *_ in self.others]
        enterprises = {prod for kind, prod, *_ in self.others if kind == ENTERPRISE}
        coop_products = sum(c.n_ocop_products for c in held)
        return {"ocop_products_all": coop_products + len(kinds),
                "ocop_coop_products_n": coop_products, "ocop_coop_producers_n": len(held),
                "ocop_producers_all": len(held) + len(enterprises) + kinds.count(HOUSEHOLD),
                "ocop_candidates": self.candidates, "ocop_rated": self.rated,
                "ocop_certified": self.certified}


def ocop_year(model: CoopModel) -> None:
    """Run December's lapse, rating round and product development (module docstring)."""
    rng, year = model.stream("ocop"), model.year
    if year >= model.params.ocop_first_round:
        _lapse(model, rng, year)
        _rate(model, rng, _candidates(model, rng), year)
    _develop(model, rng)


def _lapse(model: CoopModel, rng: np.random.Generator, year: int) -> None:
    p, reg = model.params, model.ocop
    for coop in model.coops:
        for _ in range(coop.lapse_ocop_products(year)):
            if coop.status == ACTIVE and rng.random() < p.ocop_renewal:
                coop.develop_ocop_product()
    kept = []
    for entry in reg.others:
        if entry[3] >= year:
            kept.append(entry)
        elif entry[0] == ENTERPRISE and rng.random() < p.ocop_renewal:
            reg.enterprise_candidates.add(entry[1])
    reg.others = kept


def _candidates(model: CoopModel, rng: np.random.Generator) -> list[tuple[float, int, str, int]]:
    """Every candidate product with its score: ``(score, order, kind, producer)``."""
    p, reg = model.params, model.ocop
    linked = {c.coop for c in model.value_chain.active}
    entries = []
    for coop in model.coops:
        if coop.status != ACTIVE:
            coop.drop_ocop_candidates()
        for _ in range(coop.ocop_candidates):
            entries.append((coop_points(coop, coop.idx in linked, float(rng.random())),
                            COOPERATIVE, coop.idx))
    for b in sorted(reg.enterprise_candidates):
        bus = model.businesses[b]
        if bus.open:
            quality = 0.5 * bus.terms["quality"] + 0.5 * float(rng.random())
            entries.append((points(0.6, 0.6, quality), ENTERPRISE, b))
    households = p.ocop_household_candidates * len(model.households) / 1e5
    for _ in range(_round_stochastic(households, rng)):
        reg._household_ids += 1
        entries.append((points(0.3, 0.2, float(rng.random())), HOUSEHOLD, reg._household_ids))
    return [(score, i, kind, who) for i, (score, kind, who) in enumerate(entries)]


def _rate(model: CoopModel, rng: np.random.Generator,
          entries: list[tuple[float, int, str, int]], year: int) -> None:
    """Rate the best-scoring candidates, at most the round's target."""
    p, reg = model.params, model.ocop
    target = _round_stochastic(p.ocop_target * len(model.households)
                               / model.province.households, rng)
    ratable = sorted((e for e in entries if stars_for(e[0], year) > 0),
                     key=lambda e: (-e[0], e[1]))[:target]
    valid_until = year + p.ocop_validity - 1
    reg.candidates, reg.rated = len(entries), len(ratable)
    reg.certified, reg.last_stars = 0, []
    for score, _, kind, who in ratable:
        stars = stars_for(score, year)
        reg.last_stars.append(stars)
        reg.certified += stars >= CERTIFIED
        if kind == COOPERATIVE:
            model.coops[who].rate_ocop_product(stars, valid_until)
        elif stars >= CERTIFIED:
            reg.others.append((kind, who, stars, valid_until))
            reg.enterprise_candidates.discard(who)


def _develop(model: CoopModel, rng: np.random.Generator) -> None:
    p, reg = model.params, model.ocop
    for coop in model.coops:
        held = coop.n_ocop_products + coop.ocop_candidates
        if coop.status == ACTIVE and held < p.ocop_max_products \
                and rng.random() < p.ocop_rate * (1.0 + p.ocop_support) \
                and pay_supported(model, coop, p.ocop_cost, "ocop_development"):
            coop.develop_ocop_product()
    busy = {who for kind, who, *_ in reg.others if kind == ENTERPRISE} | \
        reg.enterprise_candidates
    for bus in model.businesses:
        if bus.open and bus.idx not in busy \
                and rng.random() < p.ocop_rate:
            reg.enterprise_candidates.add(bus.idx)


def _round_stochastic(x: float, rng: np.random.Generator) -> int:
    """``x`` rounded down, plus one with chance its fractional part."""
    whole = int(x)
    return whole + int(rng.random() < x - whole)
