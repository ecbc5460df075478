"""Trademarks, OCOP star ratings, and free-riding on a collective brand (yearly).

Each December an active cooperative may register a trademark, and a branded one may
develop a product for the "One Commune One Product" (OCOP) programme. Both cost money
(support, the OCOP lever, pays part of it) and take a year. A rated product gets 3 to 5
stars, or fails and may try again. Brands and stars raise the price a cooperative gets
(:attr:`Cooperative.brand_premium`) and its appeal to businesses. A collective brand
invites free-riding on quality: each year a branded cooperative may suffer a quality
incident, more likely the less competent (able to trace and enforce quality) its
management; it then loses reputation and a star.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsim.model.cooperative import ACTIVE
from coopsim.model.scoring import CoopClass

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel
    from coopsim.model.cooperative import Cooperative

__all__ = ["assess_stars", "brand_year"]


def assess_stars(competence: float, assets: float, draw: float) -> int:
    """OCOP stars (3-5) for a developed product, or 0 when it is not rated.

    The assessment score is ``0.4 competence + 0.3 min(1, assets / 2000) + 0.3 draw``
    (assumed): >= 0.75 five stars, >= 0.55 four, >= 0.35 three, else not rated.
    """
    score = 0.4 * competence + 0.3 * min(1.0, assets / 2000.0) + 0.3 * draw
    if score >= 0.75:
        return 5
    if score >= 0.55:
        return 4
    return 3 if score >= 0.35 else 0


def brand_year(model: CoopModel) -> None:
    """Complete last year's projects, start new ones, and draw quality incidents."""
    for coop in model.coops:
        if coop.status != ACTIVE:
            continue
        _complete(model, coop)
        _free_riding(model, coop)
        _start(model, coop)


def _complete(model: CoopModel, coop: Cooperative) -> None:
    if coop.brand_pending:
        coop.brand_pending, coop.has_brand = False, True
    if coop.ocop_pending:
        coop.ocop_pending = False
        coop.ocop_stars = assess_stars(coop.competence, coop.assets, float(model.rng.random()))


def _free_riding(model: CoopModel, coop: Cooperative) -> None:
    if not coop.has_brand:
        return
    coop.brand_reputation = min(1.0, coop.brand_reputation + 0.25)
    if model.rng.random() < model.params.free_riding * (1.0 - coop.competence):
        coop.brand_reputation *= 0.5
        coop.quality_incidents += 1
        if coop.ocop_stars:
            coop.ocop_stars = coop.ocop_stars - 1 if coop.ocop_stars > 3 else 0


def _start(model: CoopModel, coop: Cooperative) -> None:
    p, rng = model.params, model.rng
    eligible = coop.coop_class is not None and coop.coop_class >= CoopClass.AVERAGE
    if not (coop.has_brand or coop.brand_pending) and eligible:
        if rng.random() < p.brand_rate * (1.0 + p.ocop_support):
            coop.brand_pending = _pay(model, coop, p.brand_cost, "brand_registration")
    elif coop.has_brand and not (coop.ocop_stars or coop.ocop_pending) \
            and rng.random() < p.ocop_rate * (1.0 + p.ocop_support):
        coop.ocop_pending = _pay(model, coop, p.ocop_cost, "ocop_development")


def _pay(model: CoopModel, coop: Cooperative, cost: float, purpose: str) -> bool:
    """Pay ``cost`` to the world, support covering up to ``ocop_support`` of it.

    Returns False (and pays nothing) when the cooperative cannot pay its own part.
    """
    own = cost - min(cost * model.params.ocop_support, cost)
    if coop.cash < own:
        return False
    own = cost - model.support("ocop_support", cost - own)  # the state pays the rest
    coop.pay_cost(own, purpose)
    return True
