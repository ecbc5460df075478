"""Moves between households and cooperatives: joining, leaving, dividends, dissolution.

Each function changes both sides at once (the household arrays and the cooperative's
books), so that member counts agree both ways and every payment balances.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coopsim.model.accounts import World
from coopsim.model.cooperative import Cooperative
from coopsim.model.households import NO_COOP, HouseholdStore

__all__ = ["dissolve", "join", "leave", "merge", "pay_dividends"]


def join(hh: HouseholdStore, coops: Sequence[Cooperative], rows: np.ndarray,
         targets: np.ndarray, contribution: float, pay: bool = True) -> None:
    """Make households ``rows`` members of cooperatives ``targets``; they pay in capital.

    With ``pay=False`` (members of the initial stock, who paid before the run starts)
    the contribution is booked as capital and charter capital without moving cash.
    """
    if len(rows) == 0:
        return
    if np.any(hh.coop[rows] != NO_COOP):
        raise ValueError("a household may belong to at most one cooperative")
    hh.coop[rows] = targets
    if pay:
        hh.cash[rows] -= contribution
    hh.capital[rows] += contribution
    hh.satisfaction[rows] = 0.0
    hh.unhappy[rows] = 0
    hh.awareness[rows] = 1.0
    counts = np.bincount(targets, minlength=len(coops))
    for idx in np.flatnonzero(counts):
        coops[idx].admit(counts[idx], contribution, pay)


def leave(hh: HouseholdStore, coops: Sequence[Cooperative], rows: np.ndarray) -> None:
    """Members ``rows`` leave; their cooperative refunds their capital as cash allows.

    A cooperative refunds leavers pro rata up to the cash it has; what it cannot pay
    is forfeited by the members (it moves from charter capital to retained earnings).
    """
    if len(rows) == 0:
        return
    of = hh.coop[rows]
    due = np.bincount(of, hh.capital[rows], len(coops))
    counts = np.bincount(of, minlength=len(coops))
    cash = np.array([max(c.cash, 0.0) for c in coops])
    paid_share = np.minimum(1.0, cash / np.maximum(due, 1e-12))
    refunds = hh.capital[rows] * paid_share[of]
    hh.cash[rows] += refunds
    paid = np.bincount(of, refunds, len(coops))
    _detach(hh, rows)
    for idx in np.flatnonzero(counts):
        coops[idx].release(counts[idx], due[idx], paid[idx])


def _detach(hh: HouseholdStore, rows: np.ndarray) -> None:
    hh.coop[rows] = NO_COOP
    hh.capital[rows] = 0.0
    hh.satisfaction[rows] = 0.0
    hh.unhappy[rows] = 0


def pay_dividends(hh: HouseholdStore, coop: Cooperative, pool: float, month: int,
                  rows: np.ndarray | None = None) -> np.ndarray:
    """Pay ``pool`` to ``coop``'s members by patronage (by capital if none delivered).

    Dividends count as the members' income of calendar month ``month`` (0-11).
    ``rows`` may pass the members' row numbers when the caller has them already.

    Returns:
        The amount each member received, aligned with ``rows``.
    """
    rows = hh.members_of(coop.idx) if rows is None else rows
    if pool <= 0 or len(rows) == 0:
        return np.zeros(len(rows))
    basis = hh.patronage[rows]
    if basis.sum() <= 0:
        basis = np.maximum(hh.capital[rows], 1e-9)
    amounts = pool * basis / basis.sum()
    hh.cash[rows] += amounts
    hh.income[month, rows] += amounts
    hh.income12[rows] += amounts
    coop.pay_members(amounts.sum())
    return amounts


def dissolve(hh: HouseholdStore, coop: Cooperative, world: World, status: str,
             liquidation_value: float = 0.5, reason: str = "insolvent") -> None:
    """Wind up ``coop``: sell assets, repay the bank, refund members what is left.

    ``reason`` is recorded with the cooperative (``insolvent``, ``authority`` for a
    paper cooperative struck off, ``consolidation`` for the directive's review).

    Assets fetch ``liquidation_value`` of book value; the bank is paid first; members
    share what remains in proportion to contributed capital; unpaid debts and negative
    cash are written off by the outside world.
    """
    rows = hh.members_of(coop.idx)
    coop.liquidate(world, liquidation_value)
    if len(rows) and coop.cash > 0:
        basis = np.maximum(hh.capital[rows], 1e-9)
        amounts = coop.cash * basis / basis.sum()
        hh.cash[rows] += amounts
        coop.pay_members(amounts.sum())
    coop.close_books(world, status, reason)
    _detach(hh, rows)
    hh.trust[rows] *= 0.5


def merge(hh: HouseholdStore, source: Cooperative, target: Cooperative) -> None:
    """Merge ``source`` into ``target``: members, capital, assets and debts move over.

    Members keep their contributed capital, now in ``target``. The books are added
    together (``source``'s profit of the year so far goes to ``target``'s retained
    earnings), and ``source`` ends with status ``merged``.
    """
    rows = hh.members_of(source.idx)
    hh.coop[rows] = target.idx
    hh.unhappy[rows] = 0
    target.absorb(source, len(rows))
