"""Value-chain contracts between cooperatives and businesses, as a small state machine.

A :class:`Contract` is a first-class, attributed link: who, what, at which price rule,
how much a month, for how long, and its record of deliveries and payments. Its status
moves only forward::

    active --(duration reached)---------------------> completed
    active --(max_missed deliveries missed in a row)-> breached_by_coop
    active --(business reneges, or max_late payments
              late in a row)-------------------------> breached_by_business
    active --(either side dissolved or closed)-------> ended_by_exit

Terminal statuses never change. This module is pure (no model imports).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "ACTIVE",
    "BREACHED_BY_BUSINESS",
    "BREACHED_BY_COOP",
    "COMPLETED",
    "CONTRACT_STATUSES",
    "ENDED_BY_EXIT",
    "FIXED",
    "PRICE_RULES",
    "SPOT_PLUS",
    "Contract",
    "ContractError",
]

ACTIVE = "active"
COMPLETED = "completed"
BREACHED_BY_COOP = "breached_by_coop"
BREACHED_BY_BUSINESS = "breached_by_business"
ENDED_BY_EXIT = "ended_by_exit"
CONTRACT_STATUSES = (ACTIVE, COMPLETED, BREACHED_BY_COOP, BREACHED_BY_BUSINESS, ENDED_BY_EXIT)
FIXED, SPOT_PLUS = "fixed", "spot_plus"
PRICE_RULES = (FIXED, SPOT_PLUS)


class ContractError(ValueError):
    """An impossible contract or transition (names the contract and the field)."""


@dataclass
class Contract:
    """A value-chain link between a cooperative and a business.

    Attributes:
        id: unique within a run. coop, business: the parties' dense indices.
        product: product index. price_rule: ``"fixed"`` (``price`` is the unit price)
            or ``"spot_plus"`` (``price`` is the premium over the month's spot price).
        volume: agreed monthly quantity (value at spot price 1).
        start: step at which it starts; duration: months.
        supported: formed with linkage support (matching, Decree 98/2018 subsidy).
        renewal_of: id of the contract it renews, if any.
        deliveries_made, deliveries_missed: months delivered in full / short.
        missed_run, late_run: current runs of missed deliveries / late payments.
        payments_made, payments_late: months paid on time / late.
        delivered, paid: quantity delivered and money paid to date (m VND).
        status: one of :data:`CONTRACT_STATUSES`; end: step it ended (None if active).
    """

    id: int
    coop: int
    business: int
    product: int
    price_rule: str
    price: float
    volume: float
    start: int
    duration: int
    supported: bool = False
    renewal_of: int | None = None
    deliveries_made: int = 0
    deliveries_missed: int = 0
    missed_run: int = 0
    payments_made: int = 0
    payments_late: int = 0
    late_run: int = 0
    delivered: float = 0.0
    paid: float = 0.0
    status: str = ACTIVE
    end: int | None = None
    diverted: float = 0.0

    def __post_init__(self) -> None:
        if self.price_rule not in PRICE_RULES:
            raise ContractError(f"contract {self.id}: price_rule must be one of {PRICE_RULES}, "
                                f"got {self.price_rule!r}")
        if not self.volume > 0:
            raise ContractError(f"contract {self.id}: volume must be > 0, got {self.volume!r}")
        if self.duration < 1:
            raise ContractError(f"contract {self.id}: duration must be >= 1 month, "
                                f"got {self.duration!r}")
        if self.price_rule == FIXED and not self.price > 0:
            raise ContractError(f"contract {self.id}: a fixed price must be > 0, "
                                f"got {self.price!r}")

    @property
    def active(self) -> bool:
        """Whether the contract is still running."""
        return self.status == ACTIVE

    def unit_price(self, spot: float) -> float:
        """The price per unit this month, given the product's spot price."""
        return self.price if self.price_rule == FIXED else spot * (1.0 + self.price)

    def _require_active(self, what: str) -> None:
        if not self.active:
            raise ContractError(f"contract {self.id}: cannot {what} in status {self.status!r}")

    def record_delivery(self, quantity: float, tolerance: float = 0.9,
                        due: float | None = None) -> bool:
        """Book a month's delivery; it counts as made when at least ``tolerance`` of due.

        Args:
            quantity: delivered this month.
            tolerance: share of the due quantity that counts as delivered in full.
            due: quantity due this month (default: ``volume``; a seasonal schedule
                passes the month's share).

        Returns:
            Whether the delivery counted as made.
        """
        self._require_active("record a delivery")
        if quantity < 0:
            raise ContractError(f"contract {self.id}: delivery must be >= 0, got {quantity!r}")
        self.delivered += quantity
        made = quantity >= tolerance * (self.volume if due is None else due)
        if made:
            self.deliveries_made += 1
            self.missed_run = 0
        else:
            self.deliveries_missed += 1
            self.missed_run += 1
        return made

    def record_payment(self, amount: float, on_time: bool) -> None:
        """Book the business's payment for a month's delivery."""
        self._require_active("record a payment")
        self.paid += amount
        if on_time:
            self.payments_made += 1
            self.late_run = 0
        else:
            self.payments_late += 1
            self.late_run += 1

    def months_run(self, step: int) -> int:
        """Months since the contract started."""
        return step - self.start

    def review(self, step: int, max_missed: int, max_late: int) -> str:
        """End the contract if a breach or expiry is due; return its (new) status.

        Breach is checked before expiry: a contract broken in its last month is broken.
        """
        self._require_active("review")
        if self.missed_run >= max_missed:
            self.close(BREACHED_BY_COOP, step)
        elif self.late_run >= max_late:
            self.close(BREACHED_BY_BUSINESS, step)
        elif self.months_run(step) >= self.duration:
            self.close(COMPLETED, step)
        return self.status

    def close(self, status: str, step: int) -> None:
        """Move to terminal ``status`` at ``step`` (reneging, exit, or from review)."""
        self._require_active(f"close as {status!r}")
        if status not in CONTRACT_STATUSES or status == ACTIVE:
            raise ContractError(f"contract {self.id}: {status!r} is not a terminal status")
        self.status, self.end = status, step

    def reliability(self) -> float:
        """Share of months delivered in full so far (1.0 before the first delivery)."""
        months = self.deliveries_made + self.deliveries_missed
        return self.deliveries_made / months if months else 1.0

    def to_dict(self) -> dict[str, Any]:
        """All attributes as a flat dict (for tables and graph edges)."""
        return asdict(self)
