"""The golden baseline: summary figures of a small seeded run, and their comparison.

The baseline file is refreshed only deliberately, by ``python scripts/update_golden.py``
(review the diff of tests/data/golden_baseline.json before committing it).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from coopsim.policy.runner import run

GOLDEN = Path(__file__).parent / "data" / "golden_baseline.json"
SETTINGS = {"overrides": {"scale": 0.1}, "seed": 2018, "years": 4}


def summary(overrides: dict | None = None) -> dict:
    """Yearly figures and per-cooperative final figures of the golden run."""
    res = run(overrides={**SETTINGS["overrides"], **(overrides or {})}, seed=SETTINGS["seed"],
              years=SETTINGS["years"])
    last = res.coop_years[res.coop_years.year == res.coop_years.year.max()]
    last = last[["coop", "members", "revenue", "profit", "score", "coop_class"]]
    return {
        "settings": SETTINGS,
        "yearly": json.loads(res.yearly.to_json(orient="records", double_precision=15)),
        "final_coops": json.loads(last.to_json(orient="records", double_precision=15)),
        "contracts_by_status": res.contracts.status.value_counts().sort_index().to_dict(),
        "contract_volume": float(res.contracts.volume.sum()),
    }


def mismatches(actual, expected, rtol: float = 1e-9, path: str = "") -> list[str]:
    """Every place where ``actual`` differs from ``expected`` beyond ``rtol``."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or actual.keys() != expected.keys():
            return [f"{path}: keys differ"]
        return [m for k in expected
                for m in mismatches(actual[k], expected[k], rtol, f"{path}.{k}")]
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: lengths differ"]
        return [m for i, (a, e) in enumerate(zip(actual, expected, strict=True))
                for m in mismatches(a, e, rtol, f"{path}[{i}]")]
    if isinstance(expected, float) and isinstance(actual, int | float):
        if math.isclose(actual, expected, rel_tol=rtol, abs_tol=1e-9) or (
                math.isnan(actual) and math.isnan(expected)):
            return []
        return [f"{path}: {actual!r} != {expected!r}"]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]
