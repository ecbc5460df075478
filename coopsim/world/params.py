"""Model parameters: declared once, typed, validated and documented.

Every behavioural parameter of the model is a field of :class:`Params` with its
default, bounds, unit, a one-line meaning and its source (a row of
``docs/facts.md`` or the word *assumed*). The CLI (``--set``), the
experiment engine and the interactive page all derive their lists from
:func:`param_specs`; nothing else declares a default.

World data (districts, products, the initial cooperative stock) is not here: it lives
in the province file (:mod:`coopsim.world.province`).

The scoring weights that the facts sheet did not give are declared in
:class:`coopsim.world.scoring_weights.ScoringWeights` and inherited, so they are
ordinary parameters too.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from coopsim.core.checks import number_problem
from coopsim.core.errors import ParameterError
from coopsim.world.scoring_weights import ScoringWeights

__all__ = ["CALIBRATION", "MAX_SEED", "MAX_YEARS", "TRUSTED_SCALE", "ParamSpec",
           "ParameterError", "Params", "check_seed", "check_value", "check_years", "param_specs",
           "scale_warning"]

#: most years one run may simulate
MAX_YEARS = 100
#: smallest ``scale`` whose directive-vs-baseline differences in the headline outcomes
#: agree with full scale (run S13 at c5bdf0a, seeds 1-10: at 0.25 all but the
#: membership rate's, and the spending differs; at 0.1 the spread is up to 4.5 times
#: full scale's; README "What scale a study can trust", docs/ODD.md section 9)
TRUSTED_SCALE = 0.25
#: largest seed (seeds are non-negative 63-bit integers)
MAX_SEED = 2**63 - 1


def scale_warning(scale: float) -> str | None:
    """A warning for a study at ``scale``, or None if the scale table supports it."""
    if scale >= TRUSTED_SCALE:
        return None
    return (f"scale {scale:g} is below {TRUSTED_SCALE:g}, the smallest scale the scale "
            "table supports (run S13: at 0.25 the directive's effects agreed with full "
            "scale except on membership and spending; at 0.1 their spread over seeds was "
            "up to 4.5 times full scale's); treat the results as a sketch and confirm "
            "them at scale >= 0.25 (README: What scale a study can trust)")


def check_seed(seed: Any, name: str = "seed") -> None:
    """Raise :class:`ParameterError` unless ``seed`` is an integer in [0, 2**63)."""
    if number_problem(seed, integer=True, lo=0):
        raise ParameterError(f"{name} must be a non-negative integer, got {seed!r}")
    if seed > MAX_SEED:
        raise ParameterError(f"{name} must be below 2**63, got {seed!r}")


def check_years(years: Any, name: str = "years") -> None:
    """Raise :class:`ParameterError` unless ``years`` is an integer in [1, MAX_YEARS]."""
    if number_problem(years, integer=True, lo=1, hi=MAX_YEARS):
        raise ParameterError(f"{name} must be an integer in [1, {MAX_YEARS}], got {years!r}")


@dataclass(frozen=True)
class ParamSpec:
    """The declaration of one parameter, as read from :class:`Params`."""

    name: str
    default: Any
    type: type
    lo: float | None
    hi: float | None
    unit: str
    doc: str
    source: str
    group: str


def _p(default, lo=None, hi=None, *, unit: str, doc: str, source: str, group: str):
    """Declare one parameter field (used only inside :class:`Params`)."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "doc": doc, "source": source, "group": group}
    return field(default=default, metadata=meta)


A = "assumed"  # short-hand for parameters the facts sheet does not give
CAL = ("calibrated to 2018-2019 figures (coopsim/data/calibration_record.json; uniform "
       "prior ASSUMED in coopsim/data/calibration_quang_binh.toml)")


def _calibration_record() -> dict[str, Any]:
    """The record of the calibration behind the shipped defaults (package data)."""
    text = (resources.files("coopsim") / "data" / "calibration_record.json").read_text("utf-8")
    return json.loads(text)


#: how the calibrated defaults were obtained (method, seed, date, targets, posterior)
CALIBRATION: dict[str, Any] = _calibration_record()


def _cal(name: str) -> float:
    """The calibrated default of ``name``: the record's fitted value."""
    return float(CALIBRATION["fitted"][name])


@dataclass(frozen=True)
class Params(ScoringWeights):
    """All behavioural parameters of the cooperative-development model.

    Construct with keyword arguments (``Params(credit_access=0.5)``) or from a mapping
    with :meth:`from_overrides`, which also rejects unknown names. Values are checked
    for type and range on construction.
    """

    # --- simulation -------------------------------------------------------------
    scale: float = _p(1.0, 0.001, 1.0, unit="fraction", group="simulation",
                      doc="share of each district's communes simulated (whole communes, with "
                          "their households and cooperatives); counts are divided by it to "
                          "stand for the province",
                      source="modelling choice; 1.0 = the ~230,000 households of the "
                             f"province; below {TRUSTED_SCALE} results are not supported "
                             "(run S13)")
    snapshot_every: int = _p(12, 0, 120, unit="months", group="simulation",
                             doc="months between household array snapshots (0 = none)",
                             source="modelling choice")

    # --- households: production and markets -------------------------------------
    output_sigma: float = _p(0.6, 0.0, 2.0, unit="log-sd", group="households",
                             doc="dispersion of household production capacity (lognormal)",
                             source=A)
    output_noise: float = _p(0.15, 0.0, 1.0, unit="sd", group="households",
                             doc="month-to-month idiosyncratic output noise (relative)",
                             source=A)
    price_volatility: float = _p(0.04, 0.0, 0.5, unit="log-sd/month", group="external",
                                 doc="monthly volatility of each product's spot price",
                                 source=A)
    price_reversion: float = _p(0.1, 0.0, 1.0, unit="1/month", group="external",
                                doc="mean reversion of spot prices towards 1",
                                source=A)
    yield_shock: float = _p(0.05, 0.0, 1.0, unit="log-sd/year", group="external",
                            doc="year-to-year weather/yield shock of each product's output",
                            source=A)
    demand_growth: float = _p(0.03, -0.5, 0.5, unit="1/year", group="external",
                              doc="yearly growth of businesses' demand", source=A)
    offer_dispersion: float = _p(0.08, 0.0, 0.5, unit="sd", group="households",
                                 doc="spread of traders' spot offers to individual households",
                                 source="assumed; side-selling mechanism of Nguyen et al. 2019, "
                                        "JASSS 22(3):1 (facts: mechanisms)")
    loyalty_mean: float = _p(0.05, 0.0, 1.0, unit="relative price", group="households",
                             doc="mean premium a member forgoes before side-selling",
                             source="assumed; Nguyen et al. 2019 (facts: mechanisms)")
    savings_rate: float = _p(0.2, 0.0, 1.0, unit="fraction", group="households",
                             doc="share of positive net income kept as cash", source=A)

    # --- households: membership --------------------------------------------------
    awareness_init: float = _p(0.3, 0.0, 1.0, unit="probability", group="membership",
                               doc="mean initial awareness of cooperatives (non-members)",
                               source="assumed; directive's diagnosis of weak awareness "
                                      "(facts: task 1)")
    awareness_diffusion: float = _p(0.05, 0.0, 1.0, unit="1/month", group="membership",
                                    doc="rate at which members in the commune raise awareness",
                                    source=A)
    review_rate: float = _p(0.08, 0.0, 1.0, unit="1/month", group="membership",
                            doc="chance a non-member reconsiders joining in a month", source=A)
    join_threshold: float = _p(
        _cal("join_threshold"), -1.0, 1.0, unit="income share", group="membership",
        doc="expected benefit (share of output) at which joining is 50/50",
        source=CAL)
    join_slope: float = _p(60.0, 0.1, 1000.0, unit="1/income share", group="membership",
                           doc="steepness of the joining decision", source=A)
    peer_weight: float = _p(0.05, 0.0, 1.0, unit="income share", group="membership",
                            doc="benefit-equivalent of all commune peers being members", source=A)
    capital_contribution: float = _p(2.0, 0.0, 100.0, unit="m VND", group="membership",
                                     doc="capital a new member contributes", source=A)
    membership_fee: float = _p(0.12, 0.0, 10.0, unit="m VND/year", group="membership",
                               doc="yearly membership fee", source=A)
    exit_patience: int = _p(8, 1, 60, unit="months", group="membership",
                            doc="months of dissatisfaction before a member leaves", source=A)
    trust_rate: float = _p(0.1, 0.0, 1.0, unit="1/month", group="membership",
                           doc="speed at which trust and members' satisfaction follow "
                               "experience", source=A)

    # --- cooperatives: business -------------------------------------------------
    markup_base: float = _p(
        _cal("markup_base"), 0.0, 1.0, unit="relative price", group="cooperatives",
        doc="resale premium over spot of a cooperative with competence 0",
        source=CAL)
    markup_competence: float = _p(0.10, 0.0, 1.0, unit="relative price", group="cooperatives",
                                  doc="extra resale premium at competence 1",
                                  source="assumed size; direction from Pham Tri Minh 2022 "
                                         "(facts: drivers of performance)")
    pass_through: float = _p(0.5, 0.0, 1.0, unit="fraction", group="cooperatives",
                             doc="share of the resale premium paid to members as a better price",
                             source=A)
    processing_assets: float = _p(1500.0, 0.0, 1e6, unit="m VND", group="cooperatives",
                                  doc="indivisible assets from which a cooperative runs "
                                      "processing (and counts as using technology)",
                                  source=A)
    processing_markup: float = _p(0.05, 0.0, 1.0, unit="relative price", group="cooperatives",
                                  doc="extra resale premium of a cooperative that processes",
                                  source=A)
    handling_turnover: float = _p(
        _cal("handling_turnover"), 0.0, 2.0, unit="1/month", group="cooperatives",
        doc="produce a cooperative can market per month per m VND of "
            "capital base", source=CAL)
    service_fee_rate: float = _p(0.04, 0.0, 0.5, unit="share of output", group="cooperatives",
                                 doc="input-supply/service sales to members per output",
                                 source=A)
    service_margin: float = _p(0.5, 0.0, 1.0, unit="share of service sales", group="cooperatives",
                               doc="cooperative's margin on input-supply/service sales",
                               source=A)
    input_saving: float = _p(0.035, 0.0, 0.5, unit="share of output", group="cooperatives",
                             doc="members' input cost saving from the services of a "
                                 "cooperative with manager competence 0.5 (scales with it)",
                             source="facts (kinhtedothi.vn, mid-2019): input costs 5-10% "
                                    "lower; at cost shares 0.4-0.65 of output, 3.5% of output "
                                    "is 5-9% of input costs")
    overhead_base: float = _p(
        _cal("overhead_base"), 0.0, 100.0, unit="m VND/month", group="cooperatives",
        doc="fixed running cost of an active cooperative", source=CAL)
    overhead_per_member: float = _p(0.02, 0.0, 1.0, unit="m VND/month", group="cooperatives",
                                    doc="running cost per member", source=A)
    overhead_competence: float = _p(0.4, 0.0, 1.0, unit="fraction", group="cooperatives",
                                    doc="overhead saved by a manager of competence 1 vs 0",
                                    source="assumed size; direction from Pham Tri Minh 2022")
    depreciation: float = _p(0.08, 0.0, 1.0, unit="1/year", group="cooperatives",
                             doc="depreciation of indivisible assets", source=A)
    dev_fund_rate: float = _p(0.2, 0.0, 1.0, unit="share of profit", group="cooperatives",
                              doc="profit set aside for the development fund",
                              source="criterion-1 threshold >=20% (facts: classification)")
    reserve_fund_rate: float = _p(0.05, 0.0, 1.0, unit="share of profit", group="cooperatives",
                                  doc="profit set aside for the reserve fund",
                                  source="criterion-1 threshold >=5% (facts: classification)")
    fund_compliance: float = _p(0.9, 0.0, 1.0, unit="probability", group="cooperatives",
                                doc="chance a fully law-abiding profitable cooperative sets up "
                                    "its funds (scaled by its legal compliance)",
                                source=A)
    dividend_share: float = _p(0.6, 0.0, 1.0, unit="share of profit", group="cooperatives",
                               doc="share of profit after funds paid to members by patronage",
                               source=A)
    plan_growth: float = _p(0.0, -0.5, 1.0, unit="1/year", group="cooperatives",
                            doc="revenue plan growth over last year's revenue (0: plan to "
                                "repeat last year)", source=A)
    competence_drift: float = _p(0.0, -0.2, 0.2, unit="1/year", group="cooperatives",
                                 doc="yearly learning-by-doing of managers", source=A)
    competence_noise: float = _p(0.03, 0.0, 0.5, unit="sd/year", group="cooperatives",
                                 doc="yearly random change of manager competence", source=A)
    commendation_rate: float = _p(
        _cal("commendation_rate"), 0.0, 1.0, unit="probability", group="cooperatives",
        doc="chance a good cooperative is commended in a year",
        source=CAL)
    sanction_rate: float = _p(0.03, 0.0, 1.0, unit="probability/year", group="cooperatives",
                              doc="chance of an administrative sanction at compliance 0",
                              source=A)
    dispute_rate: float = _p(0.5, 0.0, 10.0, unit="disputes/year", group="cooperatives",
                             doc="expected internal disputes per year at satisfaction 0",
                             source=A)
    inactive_after: int = _p(12, 1, 60, unit="months", group="cooperatives",
                             doc="months without business after which a cooperative is inactive",
                             source="issue #2 rule (no business for a year)")

    liquidation_value: float = _p(0.5, 0.0, 1.0, unit="share of book value",
                                  group="cooperatives",
                                  doc="what a dissolved cooperative's assets fetch", source=A)
    paper_dissolution_rate: float = _p(
        _cal("paper_dissolution_rate"), 0.0, 1.0, unit="probability/year",
        group="cooperatives",
        doc="chance an inactive cooperative is dissolved by the authorities in a year",
        source=CAL + "; before: [calc] facts: 220 weak cooperatives dissolved in 1H 2018 "
                     "nationally (~2%/yr of ~22,900), ~13% inactive: ~0.15 of them a year")
    # --- credit -------------------------------------------------------------------
    credit_access: float = _p(0.03, 0.0, 1.0, unit="probability", group="credit",
                              doc="approval chance of a fully collateralised, good-class "
                                  "loan request (the credit lever moves this)",
                              source="assumed; 5-10% of cooperatives have any formal "
                                     "credit, ~2% from credit institutions (facts: national "
                                     "figures 2024-25)")
    loan_to_value: float = _p(0.7, 0.0, 1.0, unit="fraction", group="credit",
                              doc="largest loan as a share of indivisible assets", source=A)
    interest_rate: float = _p(0.09, 0.0, 0.5, unit="1/year", group="credit",
                              doc="interest rate on cooperative loans", source=A)
    loan_term: int = _p(36, 6, 240, unit="months", group="credit",
                        doc="repayment period of a loan", source=A)
    default_after: int = _p(6, 1, 60, unit="months", group="credit",
                            doc="missed repayments in a row after which a loan defaults",
                            source=A)
    invest_utilisation: float = _p(0.9, 0.0, 1.0, unit="fraction", group="credit",
                                   doc="capacity utilisation above which a cooperative seeks "
                                       "a loan to invest", source=A)

    # --- founding -----------------------------------------------------------------
    min_founders: int = _p(7, 2, 1000, unit="households", group="founding",
                           doc="aware households of one product a commune needs to found "
                               "a cooperative",
                           source="assumed; the 2012 Cooperative Law's minimum of 7 members "
                                  "(not in the facts sheet)")
    founding_awareness: float = _p(0.6, 0.0, 1.0, unit="probability", group="founding",
                                   doc="awareness above which a household may co-found",
                                   source=A)
    founding_rate: float = _p(0.02, 0.0, 1.0, unit="probability/year", group="founding",
                              doc="chance an eligible commune-product cell founds a cooperative "
                                  "in a year", source=A)
    plan_min_volume: float = _p(300.0, 0.0, 1e6, unit="m VND/year", group="founding",
                                doc="founders' expected yearly output (at spot price 1) a "
                                    "founding plan needs (0: no check)", source=A)
    plan_capital: float = _p(0.0, 0.0, 1e5, unit="m VND", group="founding",
                             doc="start-up capital the founders' contributions must cover "
                                 "(0: no check)", source=A)
    founding_boost: float = _p(0.0, 0.0, 1.0, unit="probability/year", group="founding",
                               doc="further chance that founding support assists a founding "
                                   "in a qualifying cell (the founding lever sets it)",
                               source=A)
    founding_capacity: float = _p(0.0, 0.0, 1e4, unit="foundings/year", group="founding",
                                  doc="foundings founding support's staff can assist in a "
                                      "year, whole province (the founding lever sets it)",
                                  source=A)
    founding_support_grant: float = _p(0.0, 0.0, 5000.0, unit="m VND", group="founding",
                                       doc="start-up grant of an assisted founding, paid "
                                           "from the lever's budget (no budget: no assisted "
                                           "founding)", source=A)
    nrd_push: float = _p(1.0, 0.0, 50.0, unit="relative chance", group="founding",
                         doc="founding chance added, relative, in a commune without an "
                             "effective cooperative (active, fair or better)",
                         source="assumed size; New Rural Development criterion 13: each "
                                "commune has an effective cooperative (Decision 1980/QD-TTg, "
                                "2016)")
    commune_coop_households: float = _p(
        500.0, 0.0, 1e6, unit="households", group="founding",
        doc="households per cooperative a commune can hold (its live cooperatives at most "
            "its households over this, rounded up; 0: no bound)", source=A)
    plan_min_fill: float = _p(0.5, 0.0, 1.0, unit="share", group="founding",
                              doc="with finite outlets: share of the plan's volume the "
                                  "district's outlets must be expected to take at the full "
                                  "price", source=A)

    # --- value chains: businesses and contracts -------------------------------------
    linkage_promotion: float = _p(0.1, 0.0, 1.0, unit="intensity", group="value_chain",
                                  doc="matching events, trade fairs and Decree 98/2018-style "
                                      "support: raises search, premiums and supported deals",
                                  source="facts: Decree 98/2018/ND-CP (linkage support); "
                                         "baseline intensity assumed")
    search_rate: float = _p(
        _cal("search_rate"), 0.0, 1.0, unit="1/month", group="value_chain",
        doc="chance a business short of supply searches in a month "
            "(times 1 + 2 x linkage_promotion)", source=CAL)
    contract_premium: float = _p(
        _cal("contract_premium"), 0.0, 1.0, unit="relative price", group="value_chain",
        doc="premium over spot businesses offer for contracted supply",
        source=CAL)
    support_premium: float = _p(0.05, 0.0, 1.0, unit="relative price", group="value_chain",
                                doc="extra premium at full linkage promotion (support passed "
                                    "on)", source="assumed; magnitudes of Decree 98/2018 "
                                                  "support in the facts sheet")
    outlet_capacity: float = _p(_cal("outlet_capacity"), 0.0, 10.0, unit="share of output",
                                group="value_chain",
                                doc="share of a district's expected monthly output of a "
                                    "product that its buyers without a contract take from "
                                    "cooperatives at their full price (0: unlimited)",
                                source=CAL)
    outlet_discount: float = _p(0.15, 0.0, 1.0, unit="relative price", group="value_chain",
                                doc="discount under spot at which collectors take what the "
                                    "outlets do not", source=A)
    small_seller_volume: float = _p(20.0, 0.0, 1e5, unit="m VND/month", group="value_chain",
                                    doc="with finite outlets: monthly offer (at spot 1) below "
                                        "which buyers pay a seller less (0: no discount)",
                                    source=A)
    small_seller_discount: float = _p(0.05, 0.0, 1.0, unit="relative price",
                                      group="value_chain",
                                      doc="the most buyers take off the full price of a "
                                          "small seller (at volume 0)", source=A)
    irregular_seller_discount: float = _p(
        0.05, 0.0, 1.0, unit="relative price", group="value_chain",
        doc="with finite outlets: the most buyers take off the full price of a seller "
            "that sold nothing in any month of the last year its harvest expected it "
            "(in proportion to the seasonal share missed, over the months on record)",
        source=A)
    contract_security: float = _p(0.75, 0.0, 1.0, unit="fraction", group="value_chain",
                                  doc="share of its own resale markup a cooperative gives up "
                                      "for a secure, pre-financed outlet", source=A)
    distance_penalty: float = _p(0.3, 0.0, 5.0, unit="fit points", group="value_chain",
                                 doc="fit lost by a supplier in another district", source=A)
    delivery_tolerance: float = _p(0.9, 0.0, 1.0, unit="share of due quantity",
                                   group="value_chain",
                                   doc="share of the month's due quantity (volume times "
                                       "seasonal factor) that counts as delivered in full",
                                   source=A)
    max_missed: int = _p(3, 1, 24, unit="months", group="value_chain",
                         doc="missed deliveries in a row that breach a contract", source=A)
    max_late: int = _p(3, 1, 24, unit="months", group="value_chain",
                       doc="late payments in a row that breach a contract", source=A)
    renege_threshold: float = _p(0.1, 0.0, 1.0, unit="relative price", group="value_chain",
                                 doc="how far a fixed price must exceed spot before a "
                                     "business may renege",
                                 source="assumed; reneging when spot prices move: Nguyen et "
                                        "al. 2019, JASSS 22(3):1 (facts: mechanisms)")
    renege_rate: float = _p(0.3, 0.0, 1.0, unit="probability/month", group="value_chain",
                            doc="chance a business reneges in a month when it may",
                            source="assumed; Nguyen et al. 2019 (facts: mechanisms)")
    business_entry_rate: float = _p(0.1, 0.0, 1.0, unit="probability/year", group="value_chain",
                                    doc="chance a business enters a district and product "
                                        "where cooperatives' uncontracted supply is "
                                        "available (0: no entry, the model before issue 13)",
                                    source=A)
    growth_entry_share: float = _p(0.5, 0.0, 1.0, unit="fraction", group="value_chain",
                                   doc="share of the yearly growth of a product's demand "
                                       "(demand_growth times its open businesses' demand) "
                                       "that new businesses take instead of the incumbents, "
                                       "whose demand grows by the rest "
                                       "(0: entry follows uncontracted supply only)",
                                   source=A + " (no figure of entrants' share of growth "
                                          "was found; half, ODD 7.23a)")
    entry_supply: float = _p(50.0, 0.0, 1e6, unit="m VND/month", group="value_chain",
                             doc="cooperatives' uncontracted monthly purchases (at spot 1) "
                                 "in a district and product that attract an entrant",
                             source=A)
    coop_search_rate: float = _p(_cal("coop_search_rate"), 0.0, 1.0, unit="1/month",
                                 group="value_chain",
                                 doc="chance a cooperative short of outlets looks for a buyer "
                                     "in a month, before its competence, class and brand "
                                     "(0: never, the model before issue 13)", source=CAL)
    coop_search_need: float = _p(0.95, 0.0, 1.0, unit="share", group="value_chain",
                                 doc="recent outlet fill below which a cooperative looks "
                                     "for a buyer", source=A)
    coop_search_cost: float = _p(2.0, 0.0, 1000.0, unit="m VND", group="value_chain",
                                 doc="cost of one search (travel, samples, fairs)", source=A)
    divert_rate: float = _p(0.3, 0.0, 1.0, unit="probability/month", group="value_chain",
                            doc="chance a cooperative sells a month's contracted produce "
                                "elsewhere when it may (0: never, the model before issue 13)",
                            source="assumed; side-selling of contracted produce when spot "
                                   "rises: Nguyen et al. 2019, JASSS 22(3):1 (facts: "
                                   "mechanisms)")
    divert_threshold: float = _p(0.1, 0.0, 1.0, unit="relative price", group="value_chain",
                                 doc="gain over a fixed price, net of the penalty, a "
                                     "cooperative needs to divert (times 1 + its trust in "
                                     "the business)", source=A)
    breach_penalty: float = _p(0.1, 0.0, 1.0, unit="share of value", group="value_chain",
                               doc="penalty a cooperative pays the business per unit of "
                                   "contracted produce it diverts, as a share of the price",
                               source=A)
    renew_rate: float = _p(0.7, 0.0, 1.0, unit="probability", group="value_chain",
                           doc="chance a completed contract between trusting parties is renewed",
                           source=A)
    renew_trust: float = _p(0.5, 0.0, 1.0, unit="trust", group="value_chain",
                            doc="trust both sides need to renew", source=A)
    trust_step: float = _p(0.1, 0.0, 1.0, unit="trust/month", group="value_chain",
                           doc="how far one delivery or payment moves trust", source=A)
    business_margin: float = _p(0.08, 0.0, 1.0, unit="relative price", group="value_chain",
                                doc="businesses' resale margin over spot", source=A)

    matchmaking_deals: float = _p(0.0, 0.0, 1e4, unit="introductions/year",
                                  group="value_chain",
                                  doc="buyers the provincial Cooperative Alliance and "
                                      "extension services can introduce to cooperatives "
                                      "short of outlets in a year, whole province (the "
                                      "linkage lever sets it)", source=A)
    introduction_cost: float = _p(5.0, 0.0, 1000.0, unit="m VND", group="value_chain",
                                  doc="cost of one introduction to the linkage lever's budget",
                                  source=A)
    linkage_grant: float = _p(0.0, 0.0, 300.0, unit="m VND", group="value_chain",
                              doc="support paid to a cooperative for each supported contract "
                                  "(the linkage lever sets it)",
                              source="facts: Decree 98/2018/ND-CP, 100% of consultancy up to "
                                     "300 m VND")

    # --- brands and OCOP ------------------------------------------------------------
    brand_rate: float = _p(0.04, 0.0, 1.0, unit="probability/year", group="brands",
                           doc="chance an eligible cooperative registers a trademark in a year",
                           source="assumed; the directive notes brand registration is "
                                  "neglected (facts: diagnosis)")
    brand_cost: float = _p(30.0, 0.0, 1000.0, unit="m VND", group="brands",
                           doc="cost of registering a trademark", source=A)
    brand_premium: float = _p(0.02, 0.0, 1.0, unit="relative price", group="brands",
                              doc="price premium of a brand at full reputation", source=A)
    ocop_rate: float = _p(0.15, 0.0, 1.0, unit="probability/year", group="brands",
                          doc="chance an active cooperative (or an open business) with room "
                              "for another product develops an OCOP product in a year",
                          source=A)
    ocop_cost: float = _p(100.0, 0.0, 5000.0, unit="m VND", group="brands",
                          doc="cost of developing and assessing an OCOP product", source=A)
    ocop_target: float = _p(25.0, 0.0, 10000.0, unit="products/year", group="brands",
                            doc="products the province's yearly OCOP round may rate, whole "
                                "province (the OCOP lever raises it)",
                            source="assumed: half the pace of Quang Binh's 2018-2020 target "
                                   "of ~150 products (facts: OCOP 2019) without the directive")
    ocop_first_round: int = _p(2019, 1900, 2100, unit="year", group="brands",
                               doc="year of the province's first OCOP rating round",
                               source="facts: Quang Binh's 2019 OCOP round (ocop.gov.vn)")
    ocop_validity: int = _p(3, 1, 10, unit="years", group="brands",
                            doc="years an OCOP certificate is valid (it lapses after)",
                            source="Decisions 1048/QD-TTg (2019) and 148/QD-TTg (2023): "
                                   "certificates valid 36 months")
    ocop_renewal: float = _p(0.7, 0.0, 1.0, unit="probability", group="brands",
                             doc="chance a lapsed product is entered for re-assessment",
                             source=A)
    ocop_max_products: int = _p(3, 1, 50, unit="products", group="brands",
                                doc="most OCOP products (certified or candidate) one "
                                    "cooperative has at a time", source=A)
    ocop_household_candidates: float = _p(
        10.0, 0.0, 1000.0, unit="products/year per 100,000 households", group="brands",
        doc="candidate products of household businesses (not agents) in a round",
        source="assumed; household businesses are among OCOP producers (Decision 1048)")
    star_premium: float = _p(0.01, 0.0, 1.0, unit="relative price per star", group="brands",
                             doc="price premium per OCOP star", source=A)
    ocop_support: float = _p(0.0, 0.0, 1.0, unit="share of cost", group="brands",
                             doc="share of brand and OCOP costs paid by support programmes "
                                 "(the OCOP lever moves this)", source=A)
    free_riding: float = _p(0.2, 0.0, 1.0, unit="probability/year", group="brands",
                            doc="chance of a quality incident under a collective brand at "
                                "manager competence 0",
                            source="assumed; Winfree and McCluskey, collective reputation "
                                   "(facts: mechanisms)")

    def __post_init__(self) -> None:
        """Check every field's type and range, then the scoring weights' sums."""
        for spec in param_specs().values():
            value = getattr(self, spec.name)
            check_value(spec, value)
            object.__setattr__(self, spec.name, spec.type(value))  # numpy numbers too
        super().__post_init__()

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, Any] | None = None) -> Params:
        """Build parameters from defaults plus ``overrides``, rejecting unknown names.

        Raises:
            ParameterError: an unknown name (with the closest known name) or a bad value.
        """
        overrides = dict(overrides or {})
        specs = param_specs()
        for name in overrides:
            if name not in specs:
                close = difflib.get_close_matches(name, specs, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise ParameterError(f"unknown parameter '{name}'{hint}")
        return cls(**overrides)

    def replace(self, **changes: Any) -> Params:
        """Return a copy with ``changes`` applied (validated like the constructor)."""
        return Params.from_overrides({**self.to_dict(), **changes})

    def to_dict(self) -> dict[str, Any]:
        """Return every parameter as a plain ``{name: value}`` dict."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def scoring_weights(self) -> ScoringWeights:
        """Return the scoring weights part of these parameters."""
        names = [f.name for f in dataclasses.fields(ScoringWeights)]
        return ScoringWeights(**{n: getattr(self, n) for n in names})


def check_value(spec: ParamSpec, value: Any) -> None:
    """Raise :class:`ParameterError` unless ``value`` fits ``spec``'s type and bounds."""
    problem = number_problem(value, integer=spec.type is int, lo=spec.lo, hi=spec.hi)
    if problem is None:
        return
    if problem.startswith("must be in"):
        raise ParameterError(
            f"parameter '{spec.name}' = {value!r} is out of range [{spec.lo}, {spec.hi}] "
            f"({spec.unit})")
    kind = "finite" if problem == "must be a finite number" else spec.type.__name__
    raise ParameterError(f"parameter '{spec.name}' must be {kind}, got {value!r}")


_SPECS: dict[str, ParamSpec] = {}


def param_specs() -> dict[str, ParamSpec]:
    """Return the declaration of every parameter, keyed by name, in declaration order."""
    if not _SPECS:
        for f in dataclasses.fields(Params):
            meta = f.metadata
            kind = int if isinstance(f.default, int) else float
            _SPECS[f.name] = ParamSpec(
                name=f.name, default=f.default, type=kind,
                lo=meta.get("lo", 0.0), hi=meta.get("hi", 100.0),
                unit=meta.get("unit", ""), doc=meta.get("doc", ""),
                source=meta.get("source", A), group=meta.get("group", "scoring"))
    return _SPECS
