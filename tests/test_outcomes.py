"""The outcome registry: every table, summary and front end reads one declaration."""

from __future__ import annotations

import pandas as pd
import pytest

from coopsim.cli import main
from coopsim.core.errors import ParameterError
from coopsim.experiment.compare import COMPARED
from coopsim.model import outcomes
from coopsim.policy.runner import run


@pytest.fixture(scope="module")
def directive_run():
    return run("directive27", {"scale": 0.05}, seed=3, years=2)


def test_every_declared_outcome_is_recorded_and_nothing_else(directive_run):
    res = directive_run
    months = [c for c in res.monthly.columns if c != "step"]
    assert months == outcomes.month_columns()
    declared = [*outcomes.year_columns(),
                *(o.name for o in outcomes.OUTCOMES.values() if o.level == outcomes.DERIVED)]
    policy = [c for c in res.yearly.columns if c not in declared]
    assert list(res.yearly.columns[:len(declared)]) == declared
    assert "budget_spent" in policy and any(c.startswith("spent_") for c in policy)
    assert all(c == "budget_spent" or c.startswith("spent_") or c in res.lever_figures
               .figure.unique() for c in policy), policy
    assert list(res.coop_years.columns) == outcomes.coop_year_columns()


def test_the_run_summary_gives_every_run_level_outcome(directive_run):
    summary = outcomes.run_summary(directive_run.yearly)
    assert set(outcomes.run_outcome_names()) <= set(summary)
    last = directive_run.yearly.iloc[-1]
    assert summary["weak_share"] == last.weak_share
    assert summary["dissolved_total"] == directive_run.yearly.dissolved.sum()
    assert summary["spent_manager_training_total"] == pytest.approx(
        directive_run.yearly.spent_manager_training.sum())


def test_derived_figures_are_computed_from_the_tables(directive_run):
    y, cy = directive_run.yearly, directive_run.coop_years
    first = y.iloc[0]
    active = cy[(cy.year == first.year) & (cy.status == "active")]
    assert first.members_per_coop == pytest.approx(active.members.mean())
    assert first.good_share == pytest.approx(
        first.n_good / (first.n_good + first.n_fair + first.n_average + first.n_weak))
    assert first.cooperatives == pytest.approx((first.n_active + first.n_inactive) / 0.05)
    assert pd.isna(first.revenue_growth)  # no year before the first


def test_compare_and_the_command_line_tables_read_the_registry():
    assert list(COMPARED) == outcomes.headline()
    assert "weak_share" in COMPARED and "dissolved_total" in COMPARED
    stock = outcomes.table_columns("stock")
    assert stock["weak_share"] == "weak %" and "linked_share" not in stock


def test_an_unknown_outcome_is_refused_with_a_hint():
    with pytest.raises(ParameterError, match="unknown outcome 'weak_shar'; did you mean "
                                             "'weak_share'"):
        outcomes.check_run_outcomes(["weak_shar"])
    assert outcomes.check_run_outcomes(["dissolved_total", "spent_consolidation_total"])


def test_sensitivity_takes_outputs_from_the_registry(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sensitivity", "--param", "credit_access=0,0.3", "--n", "2", "--reps", "1",
                 "--scale", "0.02", "--years", "1", "--executor", "serial", "--quiet",
                 "--outputs", "members,dissolved_total", "--out", str(out)]) == 0
    indices = pd.read_csv(out / "indices.csv")
    assert set(indices.output) == {"members", "dissolved_total"}
    assert (out / "indices_members.png").exists()
    assert main(["sensitivity", "--outputs", "membrs", "--out", str(tmp_path / "x")]) == 2
    assert "did you mean 'members'" in capsys.readouterr().err


def test_the_outcomes_command_lists_every_outcome(capsys):
    assert main(["outcomes"]) == 0
    text = capsys.readouterr().out
    for name in ("weak_share", "dissolved", "members_per_coop", "coop_class"):
        assert name in text
