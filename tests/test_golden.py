"""The golden baseline (refreshed only by scripts/update_golden.py) and its negative control."""

import json

import pytest

from tests.golden import GOLDEN, mismatches, summary


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text())


def test_golden_run_matches_the_baseline(golden):
    diffs = mismatches(summary(), golden)
    assert not diffs, "model output changed; if intended run scripts/update_golden.py:\n" + \
        "\n".join(diffs[:20])


def test_negative_control_a_changed_parameter_fails_the_comparison(golden):
    assert mismatches(summary({"markup_competence": 0.12}), golden)


def test_the_comparison_catches_a_small_numeric_change(golden):
    tweaked = json.loads(json.dumps(golden))
    tweaked["yearly"][-1]["membership_rate"] *= 1 + 1e-6
    assert mismatches(tweaked, golden)
