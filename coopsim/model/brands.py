"""Trademarks and free-riding on a collective brand (yearly).

Each December an active cooperative may complete a trademark filed a year before, may
suffer a quality incident under its collective brand, and may file a trademark. Filing
costs money (the OCOP lever's support pays part of it) and takes a year. A trademark
raises the price a cooperative gets (:attr:`Cooperative.brand_premium`), its appeal to
businesses and its OCOP score (:mod:`coopsim.model.ocop`). A collective brand invites
free-riding on quality: each year a branded cooperative may suffer a quality incident,
more likely the less competent (able to trace and enforce quality) its management; it
then loses reputation and its best OCOP product a star. The state changes only through
the cooperative's own methods (:mod:`coopsim.model.brand_state`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsim.model.books import ACTIVE
from coopsim.model.scoring import CoopClass

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel
    from coopsim.model.cooperative import Cooperative

__all__ = ["brand_year", "pay_supported"]


def brand_year(model: CoopModel) -> None:
    """Complete last year's trademarks, draw quality incidents, file new trademarks."""
    p = model.params
    # one pair of draws per cooperative ever founded, whatever its state, from the
    # ``brands`` stream: scenarios run with one seed face the same draws (common
    # random numbers), so a lever's effect on trademarks is not lost in noise
    incident, filing = model.stream("brands").random((2, len(model.coops)))
    for i, coop in enumerate(model.coops):
        if coop.status != ACTIVE:
            continue
        coop.complete_trademark()
        if coop.has_brand:
            coop.grow_reputation(0.25)
            if incident[i] < p.free_riding * (1.0 - coop.competence):
                coop.quality_incident()
        eligible = coop.coop_class is not None and coop.coop_class >= CoopClass.AVERAGE
        if not (coop.has_brand or coop.brand_pending) and eligible \
                and filing[i] < p.brand_rate * (1.0 + p.ocop_support) \
                and pay_supported(model, coop, p.brand_cost, "brand_registration"):
            coop.start_trademark()


def pay_supported(model: CoopModel, coop: Cooperative, cost: float, purpose: str) -> bool:
    """Pay ``cost`` to the world, support covering up to ``ocop_support`` of it.

    Returns False (and pays nothing) when the cooperative cannot pay its own part.
    """
    own = cost * (1.0 - model.params.ocop_support)
    if coop.cash < own:
        return False
    coop.pay_cost(cost - model.support("ocop_support", cost - own), purpose)
    return True
