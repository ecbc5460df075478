"""A cooperative's trademark and OCOP products: changed only through these methods.

`BrandState` is the part of :class:`~coopsim.model.cooperative.Cooperative` that holds
its trademark, the reputation of its collective brand and its OCOP products. The yearly
rules (:mod:`coopsim.model.brands`, :mod:`coopsim.model.ocop`) decide; these methods
write. No other module assigns ``BRAND_ATTRIBUTES`` (a test reads every module of the
package to check it), as with the books (:mod:`coopsim.model.books`).

An OCOP product is ``[stars, valid_until]``: its stars (3-5, a certified OCOP product)
and the last calendar year its certificate is valid. Products rated 1 or 2 stars are
not certified (Decision 1048/QD-TTg): they stay candidates for a later round.
"""

from __future__ import annotations

__all__ = ["BRAND_ATTRIBUTES", "CERTIFIED", "BrandState"]

#: attributes of a cooperative that only :class:`BrandState` methods may assign
BRAND_ATTRIBUTES = frozenset({"has_brand", "brand_pending", "brand_reputation",
                              "quality_incidents", "ocop_products", "ocop_candidates"})
#: the fewest stars of a certified OCOP product (Decisions 1048/2019 and 148/2023)
CERTIFIED = 3


class BrandState:
    """Trademark and OCOP state of a cooperative (mixed into ``Cooperative``)."""

    def init_brand(self) -> None:
        """No trademark, full reputation, no OCOP product or candidate."""
        self.has_brand = self.brand_pending = False
        self.brand_reputation, self.quality_incidents = 1.0, 0
        self.ocop_products: list[list[int]] = []
        self.ocop_candidates = 0

    @property
    def ocop_stars(self) -> int:
        """Stars of its best certified OCOP product (0: none)."""
        products = self.ocop_products
        if not products:  # most cooperatives: read ~180,000 times a decade
            return 0
        return max(stars for stars, _ in products)

    @property
    def n_ocop_products(self) -> int:
        """Its certified OCOP products."""
        return len(self.ocop_products)

    # ---- trademark ---------------------------------------------------------------
    def start_trademark(self) -> None:
        """A trademark application is filed (granted at the next year end)."""
        self.brand_pending = True

    def complete_trademark(self) -> None:
        """A pending trademark is granted."""
        if self.brand_pending:
            self.brand_pending, self.has_brand = False, True

    def grow_reputation(self, step: float) -> None:
        """A year of the collective brand without an incident: reputation grows."""
        self.brand_reputation = min(1.0, self.brand_reputation + step)

    def quality_incident(self) -> None:
        """A member's free-riding on quality: reputation halves, a star is lost.

        The best product loses the star, and its certificate below three stars.
        """
        self.brand_reputation *= 0.5
        self.quality_incidents += 1
        if self.ocop_products:
            best = max(self.ocop_products, key=lambda prod: prod[0])
            best[0] -= 1
            if best[0] < CERTIFIED:
                self.ocop_products.remove(best)

    # ---- OCOP --------------------------------------------------------------------
    def develop_ocop_product(self) -> None:
        """A product is developed: it is a candidate in the next rating round."""
        self.ocop_candidates += 1

    def rate_ocop_product(self, stars: int, valid_until: int) -> None:
        """The round rated one of its candidates.

        At three stars or more it is certified; else it stays a candidate (it may be
        improved and rated again).
        """
        if stars >= CERTIFIED:
            self.ocop_candidates -= 1
            self.ocop_products.append([stars, valid_until])

    def lapse_ocop_products(self, year: int) -> int:
        """Certificates valid until before ``year`` lapse; returns how many did."""
        kept = [prod for prod in self.ocop_products if prod[1] >= year]
        lapsed = len(self.ocop_products) - len(kept)
        self.ocop_products = kept
        return lapsed

    def drop_ocop_candidates(self) -> None:
        """A cooperative that stops operating withdraws its candidates."""
        self.ocop_candidates = 0
