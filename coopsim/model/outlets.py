"""Outlets without a contract: the traders, collectors and markets of a district.

A cooperative sells what it bought from its members and does not deliver under a
contract to the buyers of its district who need no contract. Per district and product
those buyers take at most ``outlet_capacity`` times the month's expected output of the
district's households of that product at the cooperative's full price (spot times one
plus its markup); when the cooperatives of the district offer more, each sells the same
share of its offer at that price and the rest at a collector's floor price, spot times
``1 - outlet_discount``. A contract is an outlet of its own: contracted deliveries do not
count against the district's outlets. ``outlet_capacity = 0`` means unlimited outlets
(the model before issue 13). Sources: docs/ODD.md 7.24a (both parameters ASSUMED).
"""

from __future__ import annotations

import numpy as np

__all__ = ["Outlets", "fill_shares"]


def fill_shares(offered: np.ndarray, group: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Share of each seller's offer its outlets take at the full price.

    Args:
        offered: quantity each seller offers without a contract (value at spot 1).
        group: each seller's outlet (district x product), an index into ``capacity``.
        capacity: what each outlet takes at the full price this month.

    Returns:
        Per seller, the share sold at the full price (1 where the outlet is not full);
        sellers of one outlet get the same share.
    """
    total = np.bincount(group, offered, len(capacity))
    share = np.minimum(1.0, capacity / np.maximum(total, 1e-12))
    return share[group]


class Outlets:
    """The outlets of a province: capacity per calendar month, district and product."""

    def __init__(self, district: np.ndarray, product: np.ndarray, base_output: np.ndarray,
                 n_districts: int, n_products: int, capacity_share: float) -> None:
        """Capacity from the households' expected output (``base_output``, 12 x n)."""
        self.n_products = n_products
        groups = n_districts * n_products
        group = district.astype(np.int64) * n_products + product
        self.capacity = capacity_share * np.stack(
            [np.bincount(group, base_output[m].astype(np.float64), groups) for m in range(12)])

    def group_of(self, district: int, product: int) -> int:
        """The outlet of a cooperative of ``product`` in ``district``."""
        return district * self.n_products + product

    def shares(self, month0: int, offered: np.ndarray, group: np.ndarray) -> np.ndarray:
        """:func:`fill_shares` for calendar month ``month0`` (0-11)."""
        return fill_shares(offered, group, self.capacity[month0])
