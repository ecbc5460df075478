"""Ensemble statistics: summaries, replication counts and paired differences."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsim.experiment.stats import ensemble_summary, paired_difference, replications_needed


@pytest.fixture
def runs():
    # point 0 / year 1: weak_share 0.1, 0.2, 0.3 -> mean 0.2, sd 0.1
    # point 0 / year 2: 0.2, 0.4, 0.6 -> mean 0.4, sd 0.2; point 1 / year 1: one run
    return pd.DataFrame({
        "point": [0, 0, 0, 0, 0, 0, 1],
        "year": [1, 1, 1, 2, 2, 2, 1],
        "rep": [0, 1, 2, 0, 1, 2, 0],
        "weak_share": [0.1, 0.2, 0.3, 0.2, 0.4, 0.6, 0.5],
        "members": [10, 20, 30, 40, 50, 60, 70],
    })


def test_ensemble_summary_matches_hand_computed_t_intervals(runs):
    out = ensemble_summary(runs, ["point", "year"], ["weak_share", "members"])
    assert list(out.columns) == [
        "point", "year", "n",
        "weak_share_mean", "weak_share_sd", "weak_share_lo", "weak_share_hi",
        "members_mean", "members_sd", "members_lo", "members_hi"]
    assert list(out.n) == [3, 3, 1]
    row = out.set_index(["point", "year"]).loc[(0, 1)]
    t975 = 4.302652729749464  # t quantile 0.975 with 2 degrees of freedom
    assert stats.t.ppf(0.975, 2) == pytest.approx(t975)
    assert row.weak_share_mean == pytest.approx(0.2)
    assert row.weak_share_sd == pytest.approx(0.1)
    assert row.weak_share_lo == pytest.approx(0.2 - t975 * 0.1 / np.sqrt(3))
    assert row.weak_share_hi == pytest.approx(0.2 + t975 * 0.1 / np.sqrt(3))
    row = out.set_index(["point", "year"]).loc[(0, 2)]
    assert row.weak_share_sd == pytest.approx(0.2)
    assert row.weak_share_hi - row.weak_share_mean == pytest.approx(t975 * 0.2 / np.sqrt(3))
    assert row.members_mean == pytest.approx(50.0)
    assert row.members_sd == pytest.approx(10.0)


def test_ensemble_summary_level_widens_the_interval(runs):
    narrow = ensemble_summary(runs, "point", "weak_share", level=0.8).iloc[0]
    wide = ensemble_summary(runs, "point", "weak_share", level=0.99).iloc[0]
    assert narrow.weak_share_mean == wide.weak_share_mean
    half = stats.t.ppf(0.995, 5) * wide.weak_share_sd / np.sqrt(6)
    assert wide.weak_share_hi == pytest.approx(wide.weak_share_mean + half)
    assert wide.weak_share_lo < narrow.weak_share_lo < narrow.weak_share_hi < wide.weak_share_hi


def test_ensemble_summary_single_run_has_nan_sd_and_interval(runs):
    row = ensemble_summary(runs, ["point", "year"], ["weak_share"]).iloc[-1]
    assert row.n == 1
    assert row.weak_share_mean == pytest.approx(0.5)
    assert np.isnan(row.weak_share_sd)
    assert np.isnan(row.weak_share_lo) and np.isnan(row.weak_share_hi)


def test_ensemble_summary_rejects_bad_input(runs):
    with pytest.raises(ValueError, match="nope"):
        ensemble_summary(runs, ["point"], ["nope"])
    with pytest.raises(ValueError, match="level"):
        ensemble_summary(runs, ["point"], ["weak_share"], level=1.5)


def test_replications_needed_hand_checked_case():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]  # sd = sqrt(2.5) = 1.5811
    sd = np.sqrt(2.5)
    # n = 12: t(11) * sd / sqrt(12) = 2.2010 * 1.5811 / 3.4641 = 1.0046 > 1
    # n = 13: t(12) * sd / sqrt(13) = 2.1788 * 1.5811 / 3.6056 = 0.9555 <= 1
    assert replications_needed(values, 1.0) == 13
    assert stats.t.ppf(0.975, 11) * sd / np.sqrt(12) > 1.0
    assert stats.t.ppf(0.975, 12) * sd / np.sqrt(13) <= 1.0
    # relative: 1/3 of the mean 3 is the same absolute half-width of 1
    assert replications_needed(values, 1 / 3, relative=True) == 13


def test_replications_needed_grows_with_precision():
    values = np.random.default_rng(1).normal(10.0, 2.0, size=20)
    widths = [1.0, 0.5, 0.25, 0.125]
    ns = [replications_needed(values, w) for w in widths]
    assert ns == sorted(ns) and len(set(ns)) == 4
    for wide, narrow in zip(ns[1:], ns[2:], strict=False):  # past small-sample t effects
        assert 3.5 <= narrow / wide <= 4.5
    assert replications_needed(values, 1.0, level=0.99) > ns[0]


def test_replications_needed_floor_and_errors():
    assert replications_needed([5.0, 5.0, 5.0], 0.1) == 2  # no spread
    assert replications_needed([1.0, 1.1], 100.0) == 2
    with pytest.raises(ValueError, match="at least 2"):
        replications_needed([1.0], 0.1)
    with pytest.raises(ValueError, match=r"half_width must be positive, got 0"):
        replications_needed([1.0, 2.0], 0)
    with pytest.raises(ValueError, match=r"half_width must be positive, got -1"):
        replications_needed([1.0, 2.0], -1.0)
    with pytest.raises(ValueError, match="non-zero pilot mean"):
        replications_needed([-1.0, 1.0], 0.1, relative=True)


def test_paired_difference_detects_a_known_shift():
    rng = np.random.default_rng(4)
    a = rng.normal(0.30, 0.05, size=30)  # shared replication noise
    b = a - 0.02 + rng.normal(0.0, 0.005, size=30)
    d = paired_difference(a, b)
    diff = b - a
    assert d["n"] == 30
    assert d["mean_diff"] == pytest.approx(diff.mean())
    assert d["sd_diff"] == pytest.approx(diff.std(ddof=1))
    half = stats.t.ppf(0.975, 29) * diff.std(ddof=1) / np.sqrt(30)
    assert (d["lo"], d["hi"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert d["p_ttest"] == pytest.approx(stats.ttest_rel(b, a).pvalue)
    assert d["p_ttest"] < 1e-6 and d["p_wilcoxon"] < 1e-4
    assert d["hi"] < 0 and d["boot_hi"] < 0
    assert d["boot_lo"] <= d["mean_diff"] <= d["boot_hi"]


def test_paired_difference_bootstrap_is_reproducible_for_a_seed():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=12), rng.normal(size=12)
    first, again = paired_difference(a, b, seed=3), paired_difference(a, b, seed=3)
    assert first == again
    other = paired_difference(a, b, seed=4)
    assert (other["boot_lo"], other["boot_hi"]) != (first["boot_lo"], first["boot_hi"])
    assert other["lo"] == first["lo"] and other["p_ttest"] == first["p_ttest"]
    assert first["boot_lo"] <= first["mean_diff"] <= first["boot_hi"]


def test_paired_difference_on_identical_data_has_nan_p_values():
    a = np.array([0.1, 0.3, 0.2, 0.5, 0.4, 0.6, 0.2])
    d = paired_difference(a, a.copy())
    assert d["mean_diff"] == 0 and d["sd_diff"] == 0
    assert d["lo"] == d["hi"] == d["boot_lo"] == d["boot_hi"] == 0
    assert np.isnan(d["p_ttest"]) and np.isnan(d["p_wilcoxon"])


def test_paired_difference_small_samples_and_constant_shift():
    d = paired_difference([1.0, 2.0, 3.0], [1.5, 2.0, 4.0])
    assert np.isnan(d["p_wilcoxon"])  # fewer than 6 pairs
    assert 0 < d["p_ttest"] < 1
    d = paired_difference(np.arange(8.0), np.arange(8.0) + 1)
    assert d["mean_diff"] == 1 and d["p_ttest"] == 0
    assert d["p_wilcoxon"] == pytest.approx(stats.wilcoxon(np.ones(8)).pvalue)


def test_paired_difference_drops_incomplete_pairs():
    d = paired_difference([1.0, 2.0, np.nan, 4.0], [2.0, 2.5, 3.0, np.nan])
    assert d["n"] == 2 and d["mean_diff"] == pytest.approx(0.75)
    d = paired_difference([1.0, np.nan], [2.0, 3.0])
    assert d["n"] == 1 and np.isnan(d["mean_diff"]) and np.isnan(d["p_ttest"])


def test_paired_difference_rejects_bad_input():
    with pytest.raises(ValueError, match="lengths 3 and 2 differ"):
        paired_difference([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="at least 2 pairs, got 1"):
        paired_difference([1.0], [2.0])
    with pytest.raises(ValueError, match="n_boot"):
        paired_difference([1.0, 2.0], [2.0, 3.0], n_boot=0)
