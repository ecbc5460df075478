"""One check of a number read from input, used by every loader (a leaf module).

Range checks written as ``value < lo`` let NaN through (every comparison with NaN is
false), and ``isinstance(value, int)`` lets ``True`` through while refusing numpy's
integers. :func:`number_problem` is the one place that gets these right; province,
scenario, lever, sweep, calibration and parameter checks all call it, so they agree on
what a valid number is.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["expect_table", "number_problem"]


def number_problem(value: Any, *, integer: bool = False, lo: float | None = None,
                   hi: float | None = None) -> str | None:
    """Say what is wrong with ``value`` as a number, or return ``None`` if nothing is.

    Args:
        value: the value read from input.
        integer: whether it must be an integer (a float such as ``3.0`` is refused).
        lo, hi: inclusive bounds (``None``: unbounded on that side).

    Returns:
        ``None``, or a phrase such as ``"must be a finite number"`` or
        ``"must be in [0, 1]"``, for the caller to prefix with the file and field.
    """
    if _is_bool(value) or not isinstance(value, numbers.Real):
        return "must be an integer" if integer else "must be a number"
    if integer and not isinstance(value, numbers.Integral):
        return "must be an integer"
    if not isinstance(value, numbers.Integral) and not math.isfinite(value):
        return "must be a finite number"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return f"must be in [{_fmt(lo)}, {_fmt(hi)}]"
    return None


def _is_bool(value: Any) -> bool:
    """``True``/``False``, and numpy's booleans (which are not ``bool`` instances)."""
    return isinstance(value, bool) or type(value).__name__ == "bool_"


def expect_table(value: Any) -> str | None:
    """Say what is wrong with ``value`` as a TOML table (a dict), or ``None``."""
    return None if isinstance(value, dict) else "must be a table"


def _fmt(bound: float | None) -> str:
    if bound is None:
        return "..."
    return f"{bound:g}" if isinstance(bound, float) else str(bound)
