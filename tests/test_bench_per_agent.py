"""The per-agent Mesa reference of benchmarks/ still runs the household rules (no timing).

It broke unnoticed once (the books-through-one-door change gave cooperatives ``admit`` and
``release`` methods its frozen cooperatives lacked); this runs it small.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import bench_model  # noqa: E402


def test_the_per_agent_reference_runs_the_same_rules_on_shared_draws():
    r = bench_model.compare_worker(seed=1, households=6000, steps=13, repeats=1)
    assert r["households"] == 6000 and r["coops_open"] > 0
    assert set(r["per_agent"]) == set(r["vectorised"])
    checks = r["shared_draws"]
    assert [c["month_index"] for c in checks] == [0, 11, 12]
    assert sum(c["joiners"] for c in checks) > 0  # membership moved: the check has teeth
    for c in checks:
        assert c["coop_differs"] <= bench_model.SHARED_MAX_DIFFER_SHARE * c["households"]
        assert all(v <= bench_model.SHARED_MAX_ABS_DIFF for k, v in c.items()
                   if k.startswith("max_abs_diff"))
