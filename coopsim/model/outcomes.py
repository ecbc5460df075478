"""Every outcome coopsim reports, declared once: name, unit, meaning, level, computation.

An :class:`Outcome` is recorded at one level:

* ``month``: every month by the model's DataCollector (``monthly.csv``), and its
  December value in the yearly table;
* ``year``: each December, after the ratings, in the yearly table (``yearly.csv``);
* ``derived``: a yearly figure computed after the run from the yearly and
  per-cooperative tables (:func:`derive_yearly`), also in the yearly table;
* ``coop_year``: one value per cooperative and year (``coop_years.csv``);
* ``district_year`` and ``quintile_year``: one value per district, or per quintile of
  the households' income at the start, and year (``districts.csv``,
  ``income_quintiles.csv``; :mod:`coopsim.model.where`).

Every yearly outcome also gives a run-level figure, its value in the last year
(:func:`run_summary`); a ``flow`` (events in the year) gives its total over the run too,
as ``<name>_total``. Policy spending and lever figures are families whose names the
scenario's levers decide (``spent_<lever>``, e.g. ``trainees``); they are summed the same
way. The DataCollector, the yearly tables, the stored run summaries, ``coopsim
compare`` (the ``headline`` outcomes), ``sweep``/``sensitivity --outputs``, the
calibration's figures, the command line's tables and the page all read this registry,
and an unknown name is an error (:func:`check_run_outcomes`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coopsim.core.errors import ParameterError

__all__ = ["COOP_OUTCOMES", "COOP_YEAR", "DERIVED", "DISTRICT_OUTCOMES", "DISTRICT_YEAR",
           "MONTH", "OUTCOMES", "QUINTILE_OUTCOMES", "QUINTILE_YEAR", "YEAR", "Outcome",
           "check_run_outcomes", "coop_year_columns", "derive_yearly", "headline",
           "month_columns", "plain", "run_outcome_names", "run_summary", "table_columns",
           "year_columns"]

MONTH, YEAR, DERIVED, COOP_YEAR = "month", "year", "derived", "coop_year"
DISTRICT_YEAR, QUINTILE_YEAR = "district_year", "quintile_year"
CLASSES = ("good", "fair", "average", "weak")
#: prefixes of the policy families (added to the yearly table by the policy layer)
POLICY_FAMILIES = ("spent_",)


@dataclass(frozen=True)
class Outcome:
    """The declaration of one outcome.

    Attributes:
        name: column name. unit: its unit. doc: one line: what it measures.
        level: ``month``, ``year``, ``derived`` or ``coop_year`` (module docstring).
        label: a short label for tables and figures (default: the name).
        table: the command line's yearly table that shows it (``stock`` or ``links``).
        percent: a share, shown in percent.
        flow: events in the year; the run summary also gives the run's total.
        headline: compared across scenarios by ``coopsim compare``.
        derive: for ``derived`` outcomes, a function of the run's yearly table,
            per-cooperative table and scale giving the figure by year.
    """

    name: str
    unit: str
    doc: str
    level: str
    label: str = ""
    table: str = ""
    percent: bool = False
    flow: bool = False
    headline: bool = False
    derive: Callable[[pd.DataFrame, pd.DataFrame, float], pd.Series] | None = None

    @property
    def short(self) -> str:
        """The label, or the name."""
        return self.label or self.name


def _o(name: str, unit: str, doc: str, level: str = MONTH, **kw: Any) -> Outcome:
    return Outcome(name, unit, doc, level, **kw)


# ---- derived figures (pure functions of a run's tables) --------------------------------
def _by_year(coop_years: pd.DataFrame, years: pd.Series, fn: Callable[[pd.DataFrame], float]
             ) -> pd.Series:
    """``fn`` of each year's active cooperatives (NaN where there are none)."""
    active = coop_years[coop_years.status == "active"]
    groups = dict(tuple(active.groupby("year"))) if len(active) else {}
    return pd.Series([fn(groups[y]) if y in groups and len(groups[y]) else np.nan
                      for y in years], index=years.index, dtype=float)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return (num / den.where(den != 0)).astype(float)


def _class_share(label: str) -> Callable[[pd.DataFrame, pd.DataFrame, float], pd.Series]:
    return lambda y, _c, _s: _ratio(y[f"n_{label}"], sum(y[f"n_{c}"] for c in CLASSES))


def _live(y: pd.DataFrame) -> pd.Series:
    return (y.n_active + y.n_inactive).astype(float)


def _active_mean(column: str) -> Callable[[pd.DataFrame, pd.DataFrame, float], pd.Series]:
    return lambda y, c, _s: _by_year(c, y.year, lambda a: float(a[column].mean()))


def _revenue_growth(y: pd.DataFrame, c: pd.DataFrame, s: float) -> pd.Series:
    mean = _active_mean("revenue")(y, c, s)
    before = pd.Series(mean.values, index=y.year).reindex(y.year - 1).to_numpy()
    return pd.Series(mean.to_numpy() / before - 1.0, index=y.index)


_OUTCOMES: tuple[Outcome, ...] = (
    _o("year", "year", "calendar year"),
    _o("month", "month", "calendar month (1-12)"),
    # -- the stock and its classes (the official figures are those of the rated)
    *(_o(f"n_{c}", "cooperatives", f"live cooperatives classed {c} at the last rating",
         label=c, table="stock", headline=c == "weak") for c in CLASSES),
    _o("n_rated", "cooperatives", "live cooperatives rated at the last rating",
       label="rated", table="stock"),
    _o("n_not_rated_new", "cooperatives", "live cooperatives not rated at the last rating: "
       "founded less than 12 months before"),
    _o("n_not_rated_ceased", "cooperatives", "live cooperatives not rated at the last "
       "rating: they ceased operating for more than 3 months of the year (Circular "
       "01/2020 Art. 8(3))", label="ceased", table="stock"),
    _o("n_unrated", "cooperatives", "live cooperatives not rated at the last rating, for "
       "either reason", label="unrated"),
    _o("weak_share", "share", "cooperatives classed weak among those rated at the last "
       "rating (the official figure)", label="weak %", table="stock", percent=True,
       headline=True),
    _o("good_fair_share", "share", "cooperatives classed good or fair among those rated",
       percent=True, headline=True),
    _o("n_good_fair", "cooperatives", "live cooperatives classed good or fair"),
    _o("n_active", "cooperatives", "cooperatives that trade", label="active", table="stock"),
    _o("n_inactive", "cooperatives", "cooperatives without business for a year (paper)",
       label="inactive", table="stock"),
    _o("n_live", "cooperatives", "live cooperatives (active or inactive)"),
    _o("n_dissolved", "cooperatives", "cooperatives dissolved since the start"),
    _o("n_merged", "cooperatives", "cooperatives merged into another since the start",
       headline=True),
    _o("n_ceased", "cooperatives", "live cooperatives that did not operate for more than "
       "3 months of the year (rated or not)", YEAR),
    _o("weak_or_ceased_share", "share", "live cooperatives rated weak, or that did not "
       "operate for more than 3 months of the year: a share counting cannot move by "
       "leaving shells unrated", YEAR, percent=True, headline=True),
    _o("founded", "cooperatives", "cooperatives founded in the year", YEAR, label="founded",
       table="stock", flow=True),
    _o("founded_assisted", "cooperatives", "cooperatives founded in the year with founding "
       "support's help", YEAR, flow=True),
    _o("foundings_refused", "cells", "founding chances in the year that failed for want of a "
       "viable plan", YEAR, flow=True),
    _o("dissolved", "cooperatives", "cooperatives dissolved in the year, for any reason",
       YEAR, label="dissolved", table="stock", flow=True, headline=True),
    _o("dissolved_insolvent", "cooperatives", "dissolved in the year because insolvent",
       YEAR, flow=True),
    _o("dissolved_authority", "cooperatives", "paper cooperatives struck off by the "
       "authorities in the year", YEAR, flow=True),
    _o("dissolved_consolidation", "cooperatives", "dissolved in the year by the "
       "directive's consolidation review", YEAR, flow=True),
    _o("merged", "cooperatives", "merged into another cooperative in the year", YEAR,
       label="merged", table="stock", flow=True),
    _o("mean_score", "points", "mean score of the cooperatives rated in the year", YEAR),
    *(_o(f"score_p{q}", "points", f"{q}th percentile of the scores of the cooperatives "
         "rated in the year", YEAR) for q in (10, 25, 50, 75, 90)),
    # -- households and membership
    _o("members", "households", "member households", label="members", table="stock",
       headline=True),
    _o("membership_rate", "share", "households that are members", label="member hh %",
       table="stock", percent=True),
    _o("income_member", "m VND/year", "mean 12-month net income of member households",
       label="inc member", table="stock", headline=True),
    _o("income_nonmember", "m VND/year", "mean 12-month net income of other households",
       label="inc non-mem", table="stock"),
    # -- credit
    _o("loans_granted", "loans", "investment loans granted in the year", YEAR,
       label="loans", table="stock", flow=True),
    _o("loans_active", "cooperatives", "live cooperatives with a loan outstanding"),
    # -- value chains
    _o("side_selling_rate", "share", "members' output sold on the spot market (the "
       "month's; in the yearly table the year's mean)", label="side-sell %", table="links",
       percent=True),
    _o("links_active", "contracts", "running value-chain contracts", label="links",
       table="links", headline=True),
    _o("linked_share", "share", "active cooperatives with a running contract",
       label="coops linked %", table="links", percent=True, headline=True),
    _o("links_formed", "contracts", "contracts signed in the year", YEAR, label="formed",
       table="links", flow=True),
    _o("introductions", "introductions", "buyers introduced to cooperatives by "
       "matchmaking in the year", YEAR, flow=True),
    _o("links_ended", "contracts", "contracts ended in the year, for any cause", YEAR,
       label="ended", table="links", flow=True),
    _o("businesses_open", "businesses", "buying businesses open at the year end, at the "
       "simulated scale (no observed count found: reported, not checked)", YEAR,
       label="businesses", table="links"),
    _o("businesses_entered", "businesses", "businesses that entered in the year (ODD "
       "7.23a)", YEAR, flow=True),
    _o("businesses_closed", "businesses", "businesses that closed in the year (debts above "
       "three months of demand, ODD 7.23)", YEAR, flow=True),
    _o("businesses_linked_share", "share", "open businesses with a running contract",
       label="biz w/ coop %", table="links", percent=True, headline=True),
    _o("largest_component", "nodes", "nodes of the largest group joined by running "
       "contracts", YEAR, label="largest comp", table="links"),
    _o("coop_degree_mean", "contracts", "running contracts per active cooperative", YEAR),
    _o("coop_degree_max", "contracts", "most running contracts of one cooperative", YEAR),
    *(_o(f"coops_with_degree_{d}", "cooperatives", f"active cooperatives with {d} running "
         "contracts", YEAR) for d in ("1", "2", "3", "4plus")),
    _o("n_brands", "cooperatives", "live cooperatives holding a trademark",
       label="brands", table="links"),
    *(_o(f"n_ocop_{k}", "cooperatives", f"live cooperatives with a {k}-star OCOP product",
         label=f"OCOP {k}*" if k == 3 else f"{k}*", table="links") for k in (3, 4, 5)),
    _o("ocop_products_all", "products", "certified OCOP products (3-5 stars) of all "
       "producers, at the simulated scale", YEAR),
    _o("ocop_coop_products_n", "products", "certified OCOP products of cooperatives, at the "
       "simulated scale", YEAR),
    _o("ocop_coop_producers_n", "cooperatives", "cooperatives with a certified OCOP product, "
       "at the simulated scale", YEAR),
    _o("ocop_producers_all", "producers", "producers (cooperatives, enterprises, household "
       "businesses) with a certified OCOP product, at the simulated scale", YEAR),
    _o("ocop_candidates", "products", "candidate products in the year's OCOP round", YEAR,
       flow=True),
    _o("ocop_rated", "products", "products the year's OCOP round rated (1-5 stars)", YEAR,
       flow=True),
    _o("ocop_certified", "products", "products the year's OCOP round certified (3-5 "
       "stars)", YEAR, flow=True),
    _o("income_linked_members", "m VND/year", "mean 12-month income of members of "
       "cooperatives with a running contract", label="inc linked", table="links"),
    _o("income_unlinked_members", "m VND/year", "mean 12-month income of members of "
       "cooperatives without one", label="inc unlinked", table="links"),
    # -- the policy package (added by the policy layer; families spent_<lever> and the
    #    levers' own figures are summed like flows)
    _o("budget_spent", "m VND", "support spent in the year, all levers, at the simulated "
       "scale", YEAR, flow=True, headline=True),
    # -- yearly figures derived from the tables after the run (calibration targets)
    *(_o(f"{c}_share", "share", f"rated cooperatives classed {c} at the year's rating",
         DERIVED, percent=True, derive=_class_share(c)) for c in ("good", "fair", "average")),
    *(_o(f"{c}_share_live", "share", f"live cooperatives classed {c} at the year's rating, "
         "of all live ones (rated or not)", DERIVED, percent=True,
         derive=lambda y, _c, _s, c=c: _ratio(y[f"n_{c}"], _live(y)))
      for c in ("good", "fair", "average")),
    _o("good_fair_share_live", "share", "live cooperatives classed good or fair, of all live "
       "ones", DERIVED, percent=True,
       derive=lambda y, _c, _s: _ratio(y.n_good + y.n_fair, _live(y))),
    _o("weak_or_unrated_share_live", "share", "live cooperatives classed weak or not rated, "
       "of all live ones (what a province's report of good, fair and average shares "
       "leaves over)", DERIVED, percent=True,
       derive=lambda y, _c, _s: _ratio(y.n_weak + y.n_unrated, _live(y))),
    _o("operating_share", "share", "live cooperatives that are active (not paper)", DERIVED,
       percent=True, derive=lambda y, _c, _s: _ratio(y.n_active, _live(y))),
    _o("credit_share", "share", "live cooperatives with a loan outstanding", DERIVED,
       percent=True, derive=lambda y, _c, _s: _ratio(y.loans_active, _live(y))),
    _o("university_share", "share", "managers of active cooperatives (three per board) "
       "with a college or university degree", DERIVED, percent=True,
       derive=_active_mean("board_degree_share")),
    _o("untrained_share", "share", "managers of active cooperatives with no training",
       DERIVED, percent=True,
       derive=lambda y, c, s: 1.0 - _active_mean("board_trained_share")(y, c, s)),
    _o("members_per_coop", "members", "mean members of an active cooperative", DERIVED,
       derive=_active_mean("members")),
    _o("revenue_per_coop", "m VND/year", "mean revenue of an active cooperative", DERIVED,
       derive=_active_mean("revenue")),
    _o("profit_per_coop", "m VND/year", "mean profit of an active cooperative", DERIVED,
       derive=_active_mean("profit")),
    _o("revenue_growth", "1/year", "growth of the mean revenue of an active cooperative "
       "over the year before", DERIVED, derive=_revenue_growth),
    _o("dissolution_rate", "1/year", "cooperatives dissolved in the year per live or "
       "dissolved cooperative of the year", DERIVED,
       derive=lambda y, _c, _s: _ratio(y.dissolved, _live(y) + y.dissolved)),
    _o("cooperatives", "cooperatives", "live (active or inactive) cooperatives, whole "
       "province (divided by the scale)", DERIVED, derive=lambda y, _c, s: _live(y) / s),
    *(_o(name, unit, f"{doc}, whole province (divided by the scale)", DERIVED,
         derive=lambda y, _c, s, col=col: y[col].astype(float) / s)
      for name, col, unit, doc in (
          ("ocop_products", "ocop_products_all", "products",
           "certified OCOP products (3-5 stars) of all producers"),
          ("ocop_coop_products", "ocop_coop_products_n", "products",
           "certified OCOP products of cooperatives"),
          ("ocop_coop_producers", "ocop_coop_producers_n", "cooperatives",
           "cooperatives with a certified OCOP product"),
          ("ocop_producers", "ocop_producers_all", "producers",
           "producers with a certified OCOP product"))),
    _o("membership_income_gap", "m VND/year", "mean 12-month income of member minus "
       "non-member households", DERIVED,
       derive=lambda y, _c, _s: (y.income_member - y.income_nonmember).astype(float)),
    _o("linked_member_premium", "share", "mean income of members of linked cooperatives "
       "over that of members of unlinked ones, minus 1", DERIVED,
       derive=lambda y, _c, _s: _ratio(y.income_linked_members,
                                       y.income_unlinked_members) - 1.0),
)

#: the per-cooperative yearly figures (``coop_years``), a namespace of their own
_COOP_OUTCOMES: tuple[Outcome, ...] = (
    _o("year", "year", "calendar year of the rating", COOP_YEAR),
    _o("coop", "index", "the cooperative's index", COOP_YEAR),
    _o("district", "index", "its district", COOP_YEAR),
    _o("commune", "index", "its commune", COOP_YEAR),
    _o("product", "product", "the product it handles", COOP_YEAR),
    _o("status", "status", "active, inactive, dissolved or merged", COOP_YEAR),
    _o("age_months", "months", "its age", COOP_YEAR),
    _o("members", "households", "its member households", COOP_YEAR),
    _o("revenue", "m VND/year", "its revenue in the year", COOP_YEAR),
    _o("profit", "m VND/year", "its profit in the year", COOP_YEAR),
    _o("score", "points", "its score at the year's rating (also when it is not rated)",
       COOP_YEAR),
    _o("coop_class", "class", "its class at the year's rating (empty: not rated)",
       COOP_YEAR),
    _o("not_rated", "reason", "why it was not rated: new (under 12 months) or ceased "
       "(did not operate for more than 3 months of the year); empty when rated", COOP_YEAR),
    _o("months_ceased", "months", "months of the year in which it did not operate",
       COOP_YEAR),
    _o("regime", "circular", "the circular it was rated under", COOP_YEAR),
    _o("competence", "0..1", "its manager's competence", COOP_YEAR),
    _o("cash", "m VND", "its cash at the year end", COOP_YEAR),
    _o("debt", "m VND", "its debt at the year end", COOP_YEAR),
    _o("linked_months", "months", "months of the year with a running contract", COOP_YEAR),
    _o("has_brand", "yes/no", "whether it holds a trademark", COOP_YEAR),
    _o("ocop_stars", "stars", "the OCOP stars of its product (0: none)", COOP_YEAR),
    _o("qualification", "level", "its chair-director's education: 0 none, 1 a course, "
       "2 a degree", COOP_YEAR),
    _o("board_degree_share", "share", "its managers with a college or university degree",
       COOP_YEAR),
    _o("board_trained_share", "share", "its managers with at least a short course",
       COOP_YEAR),
    _o("board_young_share", "share", "its managers under 35", COOP_YEAR),
    _o("capital_avg", "m VND", "its average total capital over the year", COOP_YEAR),
    _o("indivisible_avg", "m VND", "its average indivisible assets over the year",
       COOP_YEAR),
    _o("marketing_use", "share", "share of its members' output it bought", COOP_YEAR),
    _o("participation", "share", "share of its members' output they offered it (not "
       "side-sold)", COOP_YEAR),
    _o("initial", "yes/no", "in the province's starting stock", COOP_YEAR),
)


def _people(level: str) -> tuple[Outcome, ...]:
    """The household figures of a district or quintile row (declared once for both)."""
    return (
        _o("households", "households", "households simulated in the group", level),
        _o("members", "households", "member households", level),
        _o("membership_rate", "share", "households that are members", level),
        _o("linked_member_rate", "share", "households that are members of a cooperative "
           "with a running contract", level),
        _o("income_mean", "m VND/year", "mean 12-month income of the group's households",
           level),
        _o("income_member", "m VND/year", "mean 12-month income of its member households "
           "(empty without members)", level),
        _o("income_nonmember", "m VND/year", "mean 12-month income of its other households",
           level),
    )


#: per district each December (``districts.csv``; :mod:`coopsim.model.where`)
_DISTRICT_OUTCOMES: tuple[Outcome, ...] = (
    _o("year", "year", "calendar year (December, after the ratings)", DISTRICT_YEAR),
    _o("district", "index", "the district's index in the province file", DISTRICT_YEAR),
    _o("district_name", "name", "the district's name", DISTRICT_YEAR),
    _o("simulated_share", "share", "share of the district's communes simulated (the "
       "counts are at that scale)", DISTRICT_YEAR),
    _o("n_live", "cooperatives", "active or inactive cooperatives", DISTRICT_YEAR),
    _o("n_rated", "cooperatives", "cooperatives rated at the year's rating", DISTRICT_YEAR),
    *(_o(f"n_{c}", "cooperatives", f"cooperatives rated {c}", DISTRICT_YEAR)
      for c in CLASSES),
    _o("n_active", "cooperatives", "active cooperatives", DISTRICT_YEAR),
    _o("n_linked", "cooperatives", "active cooperatives with at least one running "
       "contract", DISTRICT_YEAR),
    _o("links_active", "contracts", "running contracts of its cooperatives", DISTRICT_YEAR),
    _o("weak_share", "share", "weak among its rated cooperatives (empty: none rated)",
       DISTRICT_YEAR),
    _o("linked_share", "share", "linked among its active cooperatives (empty: none "
       "active)", DISTRICT_YEAR),
    *_people(DISTRICT_YEAR),
)

#: per quintile of the households' 12-month income at the start, each December
#: (``income_quintiles.csv``; :mod:`coopsim.model.where`)
_QUINTILE_OUTCOMES: tuple[Outcome, ...] = (
    _o("year", "year", "calendar year (December, after the ratings)", QUINTILE_YEAR),
    _o("quintile", "1-5", "quintile of the households' 12-month income at the start (1: "
       "the poorest fifth; fixed groups)", QUINTILE_YEAR),
    *_people(QUINTILE_YEAR),
)

#: per district outcomes by name
DISTRICT_OUTCOMES: dict[str, Outcome] = {o.name: o for o in _DISTRICT_OUTCOMES}
#: per start-income quintile outcomes by name
QUINTILE_OUTCOMES: dict[str, Outcome] = {o.name: o for o in _QUINTILE_OUTCOMES}


#: every province-level outcome by name, in declaration order
OUTCOMES: dict[str, Outcome] = {o.name: o for o in _OUTCOMES}
#: every per-cooperative outcome by name
COOP_OUTCOMES: dict[str, Outcome] = {o.name: o for o in _COOP_OUTCOMES}


def month_columns() -> list[str]:
    """The DataCollector's model reporters (one per month-level outcome)."""
    return [o.name for o in _OUTCOMES if o.level == MONTH]


def year_columns() -> list[str]:
    """The yearly table the model records each December (month and year outcomes)."""
    return [o.name for o in _OUTCOMES if o.level in (MONTH, YEAR) and o.name != "month"
            and o.name != "budget_spent"]


def coop_year_columns() -> list[str]:
    """The per-cooperative yearly table (``coop_years``)."""
    return list(COOP_OUTCOMES)


def derive_yearly(yearly: pd.DataFrame, coop_years: pd.DataFrame, scale: float
                  ) -> pd.DataFrame:
    """The yearly table with every ``derived`` outcome added (see the module docstring)."""
    out = yearly.copy()
    for o in _OUTCOMES:
        if o.level == DERIVED:
            out[o.name] = o.derive(yearly, coop_years, scale) if len(yearly) else []
    return out


def _family(name: str) -> bool:
    return name.startswith(POLICY_FAMILIES)


def run_summary(yearly: pd.DataFrame) -> dict[str, Any]:
    """A run's summary: every yearly figure in the last year, and flows' run totals.

    Columns the registry does not declare (a lever's own figures, e.g. ``trainees``)
    and the ``spent_<lever>`` family are policy flows: they are summed as well.
    """
    last = yearly.iloc[-1]
    out: dict[str, Any] = {}
    for col in yearly.columns:
        o = OUTCOMES.get(col)
        if col != "year":
            out[col] = plain(last[col])
        if o is None or o.flow:
            out[f"{col}_total"] = plain(yearly[col].sum())
    return out


def plain(value: Any) -> Any:
    """A numpy scalar as the Python number it holds (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


def run_outcome_names() -> list[str]:
    """The names a run-level figure can take (last year, and ``_total`` of flows)."""
    names = [o.name for o in _OUTCOMES if o.level in (MONTH, YEAR, DERIVED)
             and o.name not in ("year", "month")]
    return [*names, *(f"{o.name}_total" for o in _OUTCOMES if o.flow)]


def check_run_outcomes(names: Iterable[str], where: str = "--outputs") -> list[str]:
    """Check that every name is a run-level outcome (or a policy family's).

    Raises:
        ParameterError: an unknown name, with the closest known one.
    """
    known = run_outcome_names()
    names = list(names)
    if not names:
        raise ParameterError(f"{where}: name at least one outcome")
    for name in names:
        if name not in known and not _family(name.removesuffix("_total")):
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ParameterError(f"{where}: unknown outcome {name!r}{hint} (see `coopsim "
                                 "outcomes`)")
    return names


def headline() -> list[str]:
    """The run-level figures ``coopsim compare`` compares, in declaration order."""
    return [f"{o.name}_total" if o.flow else o.name for o in _OUTCOMES if o.headline]


def table_columns(table: str) -> dict[str, str]:
    """The command line's yearly table ``table`` (``stock`` or ``links``): name -> label."""
    return {"year": "year", **{o.name: o.short for o in _OUTCOMES if o.table == table}}
