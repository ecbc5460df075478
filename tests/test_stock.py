"""The stock's movement: who is rated and why not, who left and why, each one's fate."""

from __future__ import annotations

import pandas as pd
import pytest

from coopsim import CoopModel
from coopsim.experiment.compare import COMPONENTS, decompose_weak
from coopsim.model.cooperative import INACTIVE
from coopsim.model.stock import COHORT_FATES
from coopsim.policy.runner import run


@pytest.fixture(scope="module")
def directive():
    return run("directive27", {"scale": 0.1}, seed=2, years=5)


def test_the_stock_table_adds_up_every_december(directive):
    s = directive.stock
    assert (s.n_live == s.n_active + s.n_inactive).all()
    assert (s.n_rated == s.n_good + s.n_fair + s.n_average + s.n_weak).all()
    # December's foundings are live but not rated yet; everyone else rated or not, why
    assert (s.n_live == s.n_rated + s.n_not_rated_new + s.n_not_rated_ceased).all()
    assert (s.dissolved == s.dissolved_insolvent + s.dissolved_authority
            + s.dissolved_consolidation).all()


def test_events_say_why_and_into_which(directive):
    ev, s = directive.events, directive.stock.set_index("year")
    by_year = ev.groupby(["year", "event"]).size().unstack(fill_value=0)
    for year, row in s.iterrows():
        counts = by_year.loc[year] if year in by_year.index else {}
        assert row.founded == counts.get("founded", 0)
        assert row.dissolved == counts.get("dissolved", 0)
        assert row.merged == counts.get("merged", 0)
    dissolved = ev[ev.event == "dissolved"]
    assert set(dissolved.reason) <= {"insolvent", "authority", "consolidation"}
    merged = ev[ev.event == "merged"]
    assert merged.into.notna().all() and (merged.reason == "consolidation").all()


def test_the_cohort_follows_the_whole_starting_stock(directive):
    cohort, fates = directive.cohort, directive.fates
    size = int(fates.initial.sum())
    assert (cohort.groupby("year").cooperatives.sum() == size).all()
    assert set(cohort.fate) <= set(COHORT_FATES)
    last = cohort[cohort.year == cohort.year.max()].groupby("fate").cooperatives.sum()
    gone = fates[fates.initial & fates.status.isin(["dissolved", "merged"])]
    assert last.get("dissolved", 0) + last.get("merged", 0) == len(gone)


def test_fates_agree_with_the_last_stock_row(directive):
    fates, last = directive.fates, directive.stock.iloc[-1]
    live = fates[~fates.status.isin(["dissolved", "merged"])]
    assert len(live) == last.n_live
    assert (live.coop_class == "weak").sum() == last.n_weak


def test_a_cooperative_closed_for_four_months_is_not_rated_in_2020():
    model = CoopModel(seed=4, scale=0.05)
    for _ in range(24 + 7):  # to the end of July 2020
        model.step()
    coop = next(c for c in model.coops if c.status == "active" and c.members > 0)
    coop.status = INACTIVE  # it stops trading for the rest of the year (5 months)
    for _ in range(5):
        model.step()
    assert coop.last_score.not_rated == "ceased" and coop.current_class is None
    assert coop.last_record.months_ceased == 5
    assert model.metrics["n_not_rated_ceased"] >= 1


def test_the_weak_difference_splits_exactly_into_its_parts():
    base, other = (run(name, {"scale": 0.1}, seed=9, years=4) for name in
                   ("baseline", "directive27"))
    fates = pd.concat([base.fates.assign(scenario="baseline", rep=0),
                       other.fates.assign(scenario="directive27", rep=0)])
    parts = decompose_weak(fates, "baseline", "directive27").iloc[0]
    assert sum(parts[c] for c in COMPONENTS) == parts.total
    assert parts.total == other.yearly.n_weak.iloc[-1] - base.yearly.n_weak.iloc[-1]


def test_training_gives_untrained_managers_a_course_and_grants_indivisible_assets():
    from coopsim.model.board import COURSE, NONE
    from coopsim.policy.levers import ManagerTraining, SupportProgramme
    from coopsim.policy.package import Policy, Schedule

    levers = [ManagerTraining(schedule=Schedule((2018, 1)), budget_share=0.5,
                              slots_share=1.0, targeting="random"),
              SupportProgramme(schedule=Schedule((2018, 1)), budget_share=0.5,
                               grants_share=1.0, min_class="weak", grant_size=200.0)]
    model = CoopModel(seed=6, scale=0.05, policy=Policy(levers, 1e6))
    before = {c.idx: (list(c.board.education), c.indivisible_grants) for c in model.coops}
    for _ in range(12):
        model.step()
    active = [c for c in model.coops if c.status == "active" and c.idx in before]
    assert active and all(NONE not in c.board.education for c in active)
    assert any(NONE in before[c.idx][0] for c in active)
    assert all(c.indivisible_grants > before[c.idx][1] for c in active)
    assert all(c.board.education[r] >= COURSE for c in active for r in range(3))
