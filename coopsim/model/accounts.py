"""The outside world's money account, so that every transfer in a run balances.

Households, cooperatives and the world (markets, input suppliers, banks, the state)
hold all the money of a run. Every payment debits one account and credits another,
so the sum over all accounts never changes: the tests check this after every step.
"""

from __future__ import annotations

from collections import defaultdict

__all__ = ["World"]


class World:
    """The outside world's account, with flows by purpose (m VND).

    ``flows[purpose]`` is positive for money the world paid into the province and
    negative for money it received.
    """

    def __init__(self) -> None:
        self.cash = 0.0
        self.flows: defaultdict[str, float] = defaultdict(float)

    def pay(self, amount: float, purpose: str) -> float:
        """The world pays ``amount`` into the province; returns ``amount``."""
        self.cash -= amount
        self.flows[purpose] += amount
        return amount

    def receive(self, amount: float, purpose: str) -> float:
        """The world receives ``amount`` from the province; returns ``amount``."""
        self.cash += amount
        self.flows[purpose] -= amount
        return amount
