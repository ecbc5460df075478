"""The scoring weights that the sources did not give, declared as parameters.

Circular 09/2017/TT-BNNPTNT fixes criterion 1 at 38 points and the priority-price
sub-item of criterion 2 at 8; the split of the remaining points, and the split of
Circular 01/2020/TT-BKHDT's group III, were not found and are declared here (with unit,
range and source) so that :class:`coopsim.world.params.Params` inherits them as
ordinary parameters. :mod:`coopsim.model.scoring` scores with them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

from coopsim.core.errors import ParameterError

__all__ = ["C09_CRITERION1_POINTS", "C09_PRIORITY_PRICE_POINTS", "DEFAULT_WEIGHTS",
           "ScoringWeights"]

C09_CRITERION1_POINTS = 38.0
C09_PRIORITY_PRICE_POINTS = 8.0
_C09_TOTAL = 100.0
_C01_GROUP3_TOTAL = 40.0
_WEIGHT_TOL = 1e-6


def _weight(default: float, doc: str, source: str, lo: float = 0.0, hi: float = 62.0) -> Any:
    """Build a dataclass field carrying unit/doc/source/range metadata for a weight."""
    meta = {"unit": "points", "doc": doc, "source": source, "lo": lo, "hi": hi}
    return field(default=default, metadata=meta)


_NOT_FOUND = "not found in facts sheet"


@dataclass(frozen=True)
class ScoringWeights:
    """Criterion points that the facts sheet did NOT give (assumptions, exposed as parameters).

    Circular 09/2017/TT-BNNPTNT: criterion 1 is fixed at the 38 points whose sub-items
    were found (lawnet.vn guideline); the ``c09_*`` fields split the remaining 62
    points over criteria 2-6. Circular 01/2020/TT-BKHDT: group III is worth 40 points
    (FOUND) but its split over sub-items was not found; the ``c01_*`` fields give it.

    Raises:
        ParameterError: If a weight is negative or not finite, if ``38 + sum(c09_*)`` is
            not 100, if ``c09_member_benefits`` is below the 8 found points for
            priority prices, or if ``sum(c01_*)`` is not 40.
    """

    c09_member_benefits: float = _weight(
        20.0,
        "Circular 09 criterion 2 (benefits to members); includes the 8 found points for "
        "priority service prices, so it must be >= 8",
        f"assumed: total of criterion 2 {_NOT_FOUND} (only its 8-point first sub-item)",
        lo=8.0,
    )
    c09_capital: float = _weight(
        12.0,
        "Circular 09 criterion 3 (operating capital)",
        f"assumed: points of criterion 3 {_NOT_FOUND}",
    )
    c09_membership: float = _weight(
        15.0,
        "Circular 09 criterion 4 (membership scale / effect on community)",
        f"assumed: points of criterion 4 {_NOT_FOUND}",
    )
    c09_commendations: float = _weight(
        5.0,
        "Circular 09 criterion 5 (commendations)",
        f"assumed: points of criterion 5 {_NOT_FOUND}",
    )
    c09_satisfaction: float = _weight(
        10.0,
        "Circular 09 criterion 6 (member satisfaction)",
        f"assumed: points of criterion 6 {_NOT_FOUND}",
    )
    c01_participation: float = _weight(
        10.0,
        "Circular 01 group III: member participation",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )
    c01_benefits: float = _weight(
        10.0,
        "Circular 01 group III: benefits to members",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )
    c01_services: float = _weight(
        8.0,
        "Circular 01 group III: services supplied to members",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )
    c01_training: float = _weight(
        4.0,
        "Circular 01 group III: information and training for members",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )
    c01_community: float = _weight(
        4.0,
        "Circular 01 group III: impact on the community",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )
    c01_commendations: float = _weight(
        4.0,
        "Circular 01 group III: commendations",
        f"assumed: group III split {_NOT_FOUND}",
        hi=40.0,
    )

    def __post_init__(self) -> None:
        # fields(ScoringWeights), not fields(self): subclasses (the model's Params) add
        # parameters of their own that these checks do not concern
        values = {f.name: getattr(self, f.name) for f in fields(ScoringWeights)}
        bad = {k: v for k, v in values.items() if not (math.isfinite(v) and v >= 0)}
        if bad:
            raise ParameterError(
                f"ScoringWeights: weights must be finite and >= 0; got {_fmt(bad)}")
        c09 = {k: v for k, v in values.items() if k.startswith("c09_")}
        c09_sum = math.fsum(c09.values())
        c09_target = _C09_TOTAL - C09_CRITERION1_POINTS
        if abs(c09_sum - c09_target) > _WEIGHT_TOL:
            raise ParameterError(
                f"ScoringWeights: c09 criteria must sum to {c09_target:g} (100 minus the "
                f"{C09_CRITERION1_POINTS:g} found points of criterion 1); got {c09_sum!r} "
                f"({_fmt(c09)})"
            )
        if self.c09_member_benefits < C09_PRIORITY_PRICE_POINTS:
            raise ParameterError(
                "ScoringWeights: c09_member_benefits must be >= "
                f"{C09_PRIORITY_PRICE_POINTS:g} (it includes the found points for priority "
                f"prices); got c09_member_benefits={self.c09_member_benefits!r}"
            )
        c01 = {k: v for k, v in values.items() if k.startswith("c01_")}
        c01_sum = math.fsum(c01.values())
        if abs(c01_sum - _C01_GROUP3_TOTAL) > _WEIGHT_TOL:
            raise ParameterError(
                f"ScoringWeights: c01 group III weights must sum to {_C01_GROUP3_TOTAL:g}; "
                f"got {c01_sum!r} ({_fmt(c01)})"
            )


def _fmt(values: dict[str, Any]) -> str:
    """Format ``name=value`` pairs for error messages."""
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


DEFAULT_WEIGHTS = ScoringWeights()
