"""The directive's measures as policy levers (Directive 27-CT/TU, tasks 1-8).

Each lever is a small dataclass: its own parameters (declared with unit, range and
meaning, validated on construction), a :class:`~coopsim.policy.package.Schedule` and a share of
the package budget. A lever acts through three hooks, all optional: it may shift model
parameters for the month (:meth:`Lever.param_changes`), act each month
(:meth:`Lever.on_month`) or act each December after the ratings
(:meth:`Lever.on_year`). Every cost is paid through the policy budget, so a lever does
less when its budget runs out and never more than it can pay for. Random choices use
the lever's own random stream, so a lever at intensity 0 changes nothing at all.
Costs and effect sizes are assumptions unless a source is named (docs/ODD.md).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from coopsim.core.checks import number_problem
from coopsim.model.cooperative import ACTIVE, DISSOLVED, INACTIVE
from coopsim.model.membership import dissolve, merge
from coopsim.model.scoring import CoopClass
from coopsim.policy.package import PolicyError, Schedule, parse_month

if TYPE_CHECKING:
    from coopsim.model.coop_model import CoopModel
    from coopsim.model.cooperative import Cooperative
    from coopsim.policy.package import Policy
    from coopsim.world.params import Params

__all__ = ["LEVERS", "Lever", "lever_from_dict"]

A = "assumed"
TARGETING = ("weakest", "largest", "random")


def _f(default, lo, hi, unit: str, doc: str, source: str = A):
    return field(default=default, metadata={"lo": lo, "hi": hi, "unit": unit, "doc": doc,
                                            "source": source})


@dataclass
class Lever:
    """Base of all levers: a schedule, a budget share and three optional hooks."""

    name: ClassVar[str] = ""
    task: ClassVar[str] = ""
    schedule: Schedule = field(default_factory=lambda: Schedule((2018, 8)))
    budget_share: float = _f(0.0, 0.0, 1.0, "share of package budget",
                             "this lever's share of the package's yearly budget")

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            if f.name == "schedule":
                continue
            value, meta = getattr(self, f.name), f.metadata
            if isinstance(f.default, str):
                if value not in meta.get("choices", (value,)):
                    raise PolicyError(f"lever {self.name}: {f.name} must be one of "
                                      f"{meta['choices']}, got {value!r}")
                continue
            integer = isinstance(f.default, int)
            if number_problem(value, integer=integer, lo=meta["lo"], hi=meta["hi"]):
                raise PolicyError(f"lever {self.name}: {f.name} must be "
                                  f"{'an integer' if integer else 'a number'} in "
                                  f"[{meta['lo']}, {meta['hi']}] ({meta['unit']}), got {value!r}")

    # ---- hooks ------------------------------------------------------------------
    def param_changes(self, base: Params, intensity: float, policy: Policy) -> dict[str, float]:
        """Additive changes to model parameters this month (default: none)."""
        return {}

    def on_month(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        """Act in a month in which the lever is on (default: nothing)."""

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        """Act each December after the ratings (default: nothing)."""

    # ---- helpers ----------------------------------------------------------------
    def rng(self, model: CoopModel) -> np.random.Generator:
        """This lever's own random stream."""
        return model.stream(f"lever:{self.name}")

    def funded(self, policy: Policy) -> bool:
        """Whether the lever has budget left this year."""
        return policy.budget.remaining(self.name) > 0

    def to_dict(self) -> dict[str, Any]:
        """The lever as a scenario-file table."""
        out = self.schedule.to_dict()
        for f in dataclasses.fields(self):
            if f.name != "schedule":
                out[f.name] = getattr(self, f.name)
        return out


def _active(model: CoopModel) -> list[Cooperative]:
    return [c for c in model.coops if c.status == ACTIVE]


def _select(coops: list[Cooperative], rule: str, rng: np.random.Generator
            ) -> list[Cooperative]:
    """Order cooperatives by a targeting rule (weakest first, largest first, random)."""
    if rule == "weakest":
        return sorted(coops, key=lambda c: (c.last_score.total if c.last_score else 0.0, c.idx))
    if rule == "largest":
        return sorted(coops, key=lambda c: (-c.members, c.idx))
    return [coops[i] for i in rng.permutation(len(coops))]


@dataclass
class AwarenessCampaign(Lever):
    """Propagate the Cooperative Law and the collective economy (tasks 1, 6-7)."""

    name: ClassVar[str] = "awareness_campaign"
    task: ClassVar[str] = "1, 6-7"
    reach: float = _f(0.15, 0.0, 1.0, "share of non-members per year",
                      "households reached per year at intensity 1")
    awareness_gain: float = _f(0.3, 0.0, 1.0, "share of the gap to 1",
                               "awareness gained by a reached household")
    trust_gain: float = _f(0.05, 0.0, 1.0, "trust", "trust gained by a reached household")
    cost_per_household: float = _f(0.02, 0.0, 10.0, "m VND", "cost of reaching a household")

    def on_month(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        hh = model.households
        non = np.flatnonzero(hh.coop < 0)
        want = int(round(min(1.0, self.reach * intensity) / 12.0 * len(non)))
        paid = policy.grant(self.name, want * self.cost_per_household)
        n = min(want, int(paid / self.cost_per_household) if self.cost_per_household else want)
        if n <= 0:
            return
        rows = self.rng(model).choice(non, size=n, replace=False)
        hh.awareness[rows] += self.awareness_gain * (1.0 - hh.awareness[rows])
        hh.trust[rows] = np.minimum(1.0, hh.trust[rows] + self.trust_gain)
        policy.count(model, "households_reached", n)


@dataclass
class ManagerTraining(Lever):
    """Train and foster cooperative managers (task 3)."""

    name: ClassVar[str] = "manager_training"
    task: ClassVar[str] = "3"
    slots_share: float = _f(0.15, 0.0, 1.0, "share of active cooperatives per year",
                            "cooperatives whose managers are trained per year at "
                            "intensity 1")
    targeting: str = field(default="weakest", metadata={"choices": TARGETING})
    cost_per_trainee: float = _f(15.0, 0.0, 1000.0, "m VND", "cost of one manager's course")
    competence_gain: float = _f(0.15, 0.0, 1.0, "competence", "competence gained")

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        coops = _select(_active(model), self.targeting, self.rng(model))
        slots = int(round(min(1.0, self.slots_share * intensity) * len(coops)))
        for coop in coops[:slots]:
            # its untrained managers go on a short course; a trained board sends its
            # chair-director for a refresher (competence only)
            for role in (list(coop.board.untrained()) or [0]):
                if not policy.affordable(self.name, self.cost_per_trainee):
                    return
                policy.grant(self.name, self.cost_per_trainee)
                coop.board.train(role)
                policy.count(model, "trainees")
            coop.raise_competence(self.competence_gain)


@dataclass
class CreditAccess(Lever):
    """Help cooperatives reach credit: guarantees, collateral relaxation, subsidies (task 3)."""

    name: ClassVar[str] = "credit_access"
    task: ClassVar[str] = "3"
    guarantee: float = _f(0.2, 0.0, 1.0, "approval chance", "credit_access added")
    collateral_relaxation: float = _f(0.2, 0.0, 1.0, "share of assets",
                                      "loan_to_value added")
    interest_subsidy: float = _f(0.3, 0.0, 1.0, "share of interest",
                                 "share of cooperatives' interest the state pays")
    guarantee_fee: float = _f(0.02, 0.0, 0.5, "per year of debt",
                              "cost of guaranteeing a m VND of debt for a year")

    def param_changes(self, base: Params, intensity: float, policy: Policy) -> dict[str, float]:
        if not self.funded(policy):
            return {}
        return {"credit_access": self.guarantee * intensity,
                "loan_to_value": self.collateral_relaxation * intensity}

    def on_month(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        rate = model.params.interest_rate / 12.0
        for coop in _active(model):
            if coop.debt <= 0:
                continue
            policy.grant(self.name, self.guarantee_fee * coop.debt / 12.0)
            subsidy = policy.grant(self.name, self.interest_subsidy * intensity
                                   * coop.debt * rate)
            if subsidy > 0:
                coop.receive_subsidy(subsidy, "interest_subsidy")  # other income
                policy.count(model, "loans_subsidised_months")


@dataclass
class SupportProgramme(Lever):
    """Grants from national target programmes, Decision 2261/QD-TTg (tasks 3-5)."""

    name: ClassVar[str] = "support_programme"
    task: ClassVar[str] = "3, 4, 5"
    grants_share: float = _f(0.1, 0.0, 1.0, "share of active cooperatives per year",
                             "cooperatives granted per year at intensity 1")
    grant_size: float = _f(300.0, 0.0, 10000.0, "m VND",
                           "grant for infrastructure and technology (becomes assets)")
    targeting: str = field(default="weakest", metadata={"choices": TARGETING})
    min_class: str = field(default="average",
                           metadata={"choices": ("weak", "average", "fair", "good")})

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        floor = CoopClass[self.min_class.upper()]
        eligible = [c for c in _active(model) if c.coop_class is not None
                    and c.coop_class >= floor]
        coops = _select(eligible, self.targeting, self.rng(model))
        n = int(round(min(1.0, self.grants_share * intensity) * len(_active(model))))
        for coop in coops[:n]:
            if not policy.affordable(self.name, self.grant_size):
                break
            # the state pays the grant, which the cooperative spends at once on
            # infrastructure and technology (indivisible assets)
            coop.invest_grant(policy.grant(self.name, self.grant_size), "support_grant")
            policy.count(model, "grants")


@dataclass
class Consolidation(Lever):
    """Review, dissolve or merge cooperatives on paper or weak for years (task 2)."""

    name: ClassVar[str] = "consolidation"
    task: ClassVar[str] = "2"
    weak_years: int = _f(2, 1, 10, "years", "consecutive weak ratings that trigger a merger")
    coverage: float = _f(1.0, 0.0, 1.0, "probability",
                         "chance a due case is handled in a year at intensity 1")
    max_per_commune: int = _f(0, 0, 50, "cooperatives",
                              "largest number of cooperatives of one product a commune "
                              "keeps (0: no slimming)")
    cost_per_case: float = _f(20.0, 0.0, 1000.0, "m VND", "cost of handling one case")

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        rng, chance = self.rng(model), min(1.0, self.coverage * intensity)
        for coop in [c for c in model.coops if c.status in (ACTIVE, INACTIVE)]:
            due = coop.status == INACTIVE or coop.weak_years >= self.weak_years \
                or self._surplus(model, coop)
            if due and rng.random() < chance and policy.affordable(self.name,
                                                                   self.cost_per_case):
                policy.grant(self.name, self.cost_per_case)
                self._handle(model, policy, coop)

    def _surplus(self, model: CoopModel, coop: Cooperative) -> bool:
        if not self.max_per_commune or coop.status != ACTIVE:
            return False
        peers = [c for c in _active(model) if c.cell == coop.cell]
        if len(peers) <= self.max_per_commune:
            return False
        keep = sorted(peers, key=lambda c: -(c.last_score.total if c.last_score else 0))
        return coop in keep[self.max_per_commune:]

    def _handle(self, model: CoopModel, policy: Policy, coop: Cooperative) -> None:
        target = _merge_target(model, coop, self.rng(model))
        if target is not None and coop.status == ACTIVE:
            merge(model.households, coop, target)
            policy.count(model, "merged_by_review")
        else:
            dissolve(model.households, coop, model.world, DISSOLVED,
                     model.params.liquidation_value, reason="consolidation")
            model.dissolved += 1
            policy.count(model, "dissolved_by_review")
        model.value_chain.end_all_for_coop(coop.idx, model.steps)


def _merge_target(model: CoopModel, coop: Cooperative, rng: np.random.Generator
                  ) -> Cooperative | None:
    """The best active non-weak cooperative of the same product, same commune first.

    Then the same district; at reduced scale, if the district's simulated communes have
    none, the ones it does not simulate may have (:func:`_unsimulated_target`).
    """
    same = [c for c in _active(model) if c is not coop and c.product == coop.product
            and c.coop_class is not None and c.coop_class > CoopClass.WEAK]
    local = [c for c in same if c.commune == coop.commune] or \
        [c for c in same if c.district == coop.district]
    if not local and same:
        local = _unsimulated_target(model, coop, same, rng)
    return max(local, key=lambda c: (c.last_score.total if c.last_score else 0, -c.idx),
               default=None)


def _unsimulated_target(model: CoopModel, coop: Cooperative, same: list[Cooperative],
                        rng: np.random.Generator) -> list[Cooperative]:
    """A stand-in for a target in the district's communes that are not simulated.

    At full scale a district's every commune is searched; at scale ``s`` only a share
    of them is, so the review would dissolve where the full province merges. The
    unsimulated communes hold ``lam`` = (targets of the product per simulated commune,
    province-wide) x (the district's unsimulated communes) targets on average; with
    chance ``1 - exp(-lam)`` (Poisson) one exists, and the cooperative merges into the
    province's best simulated target, which stands for it. At full scale ``lam`` is 0
    and no draw is made, so full-scale runs are unchanged.
    """
    district = model.province.districts[coop.district]
    unsimulated = district.communes * (1.0 - model.district_share[coop.district])
    if unsimulated < 0.5:
        return []
    lam = len(same) / len(model.commune_district) * unsimulated
    return same if rng.random() < 1.0 - np.exp(-lam) else []


@dataclass
class FoundingSupport(Lever):
    """Found new cooperatives where communities need them (task 2)."""

    name: ClassVar[str] = "founding_support"
    task: ClassVar[str] = "2"
    rate_boost: float = _f(0.05, 0.0, 1.0, "probability/year",
                           "chance of an assisted founding in a qualifying cell "
                           "(founding_boost)")
    awareness_relief: float = _f(0.1, 0.0, 1.0, "awareness",
                                 "founding_awareness lowered by")
    grant: float = _f(100.0, 0.0, 5000.0, "m VND", "start-up grant of an assisted founding")
    staff_capacity: float = _f(20.0, 0.0, 1e4, "foundings/year",
                               "foundings the provincial and district staff can assist in a "
                               "year, whole province (founding_capacity)")

    def param_changes(self, base: Params, intensity: float, policy: Policy) -> dict[str, float]:
        # advice lowers the awareness founders need whatever the budget left; an assisted
        # founding needs its start-up grant from the budget (the model asks for it)
        return {"founding_boost": self.rate_boost * intensity,
                "founding_capacity": self.staff_capacity * intensity,
                "founding_support_grant": self.grant * min(1.0, intensity),
                "founding_awareness": -self.awareness_relief * intensity}


@dataclass
class OcopSupport(Lever):
    """OCOP and trademark support: pay part of the costs (task 2)."""

    name: ClassVar[str] = "ocop_support"
    task: ClassVar[str] = "2"
    subsidy: float = _f(0.5, 0.0, 1.0, "share of cost", "share of brand and OCOP costs paid")
    target: float = _f(50.0, 0.0, 10000.0, "products/year",
                       "products the yearly OCOP round may rate, whole province (raised "
                       "from the model's ocop_target, times the intensity)",
                       "facts: Quang Binh's 2018-2020 target of ~150 products (ocop.gov.vn)")

    def param_changes(self, base: Params, intensity: float, policy: Policy) -> dict[str, float]:
        if not self.funded(policy):
            return {}
        return {"ocop_support": min(1.0, self.subsidy * intensity),
                "ocop_target": max(0.0, self.target - base.ocop_target) * intensity}


@dataclass
class LinkagePromotion(Lever):
    """Matching events and Decree 98/2018 support for contracts (tasks 2-3)."""

    name: ClassVar[str] = "linkage_promotion"
    task: ClassVar[str] = "2, 3"
    promotion: float = _f(0.5, 0.0, 1.0, "intensity", "linkage_promotion added")
    consultancy_grant: float = _f(100.0, 0.0, 300.0, "m VND",
                                  "grant per supported contract (Decree 98/2018: 100% of "
                                  "consultancy up to 300 m VND)",
                                  "facts: Decree 98/2018/ND-CP; average assumed")
    events_cost: float = _f(50.0, 0.0, 5000.0, "m VND/year", "matching events and fairs")
    deals_per_year: float = _f(40.0, 0.0, 1e4, "introductions/year",
                               "buyers the Cooperative Alliance and extension services "
                               "introduce to cooperatives short of outlets, whole province "
                               "(matchmaking_deals)")

    def param_changes(self, base: Params, intensity: float, policy: Policy) -> dict[str, float]:
        if not self.funded(policy):
            return {}
        return {"linkage_promotion": self.promotion * intensity,
                "linkage_grant": self.consultancy_grant * min(1.0, intensity),
                "matchmaking_deals": self.deals_per_year * intensity}

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        policy.grant(self.name, self.events_cost * intensity)


@dataclass
class AdminFriction(Lever):
    """Remove concrete obstacles at district level (task 8): support costs less."""

    name: ClassVar[str] = "admin_friction"
    task: ClassVar[str] = "8"
    cost_reduction: float = _f(0.2, 0.0, 0.9, "share of cost",
                               "share of other levers' costs saved at intensity 1")
    staff_cost: float = _f(50.0, 0.0, 5000.0, "m VND/year", "cost of the one-stop service")

    def on_year(self, model: CoopModel, policy: Policy, intensity: float) -> None:
        policy.grant(self.name, self.staff_cost * intensity)


LEVERS: dict[str, type[Lever]] = {cls.name: cls for cls in (
    AwarenessCampaign, ManagerTraining, CreditAccess, SupportProgramme, Consolidation,
    FoundingSupport, OcopSupport, LinkagePromotion, AdminFriction)}


def lever_from_dict(name: str, table: dict[str, Any], where: str) -> Lever:
    """Build a lever from a scenario-file table, naming ``where`` (file and key) on error."""
    if name not in LEVERS:
        raise PolicyError(f"{where}: unknown lever {name!r} (levers: {', '.join(LEVERS)})")
    cls = LEVERS[name]
    table = dict(table)
    start = parse_month(table.pop("start", "2018-08"), f"{where}.start")
    end = table.pop("end", None)
    end = parse_month(end, f"{where}.end") if end is not None else None
    intensity = table.pop("intensity", 1.0)
    if number_problem(intensity):
        raise PolicyError(f"{where}.intensity: must be a number, got {intensity!r}")
    changes = _schedule_changes(table.pop("schedule", []), f"{where}.schedule")
    allowed = {f.name for f in dataclasses.fields(cls)} - {"schedule"}
    for key in table:
        if key not in allowed:
            raise PolicyError(f"{where}: unknown key {key!r} for lever {name} "
                              f"(allowed: start, end, intensity, schedule, "
                              f"{', '.join(sorted(allowed))})")
    try:
        return cls(schedule=Schedule(start, end, float(intensity), changes), **table)
    except PolicyError as exc:
        raise PolicyError(f"{where}: {exc}") from None


def _schedule_changes(raw: Any, where: str) -> tuple[tuple[tuple[int, int], float], ...]:
    """Read ``schedule = [["YYYY-MM", intensity], ...]``, naming ``where`` on error."""
    if not isinstance(raw, list):
        raise PolicyError(f"{where}: must be a list of [\"YYYY-MM\", intensity] pairs, "
                          f"got {raw!r}")
    changes = []
    for item in raw:
        if not isinstance(item, list) or len(item) != 2 or number_problem(item[1]):
            raise PolicyError(f"{where}: each entry must be [\"YYYY-MM\", intensity], "
                              f"got {item!r}")
        changes.append((parse_month(item[0], where), float(item[1])))
    return tuple(changes)
