"""The interactive page: a Mesa SolaraViz page for exploring a province and a scenario.

Start it with ``coopsim viz`` (or ``solara run coopsim/presentation/app.py``). The controls come
from the declared parameters (:func:`coopsim.world.params.param_specs`: range, default and
unit) and from the scenario's levers (one intensity slider per lever of the chosen
scenario), so there is no second list of defaults. The live components draw the class
shares over time, the weak share against a target, the value-chain network, members
and incomes, and the budget spent per lever. Figures are cached on the data they draw,
so an unchanged part (e.g. the network between contract changes) is not redrawn.
"""

from __future__ import annotations

import os
import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import solara  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from mesa.visualization import SolaraViz  # noqa: E402
from mesa.visualization.utils import update_counter  # noqa: E402

from coopsim.model.coop_model import CoopModel  # noqa: E402
from coopsim.model.outcomes import OUTCOMES  # noqa: E402
from coopsim.policy.levers import LEVERS  # noqa: E402
from coopsim.policy.point import resolve_point  # noqa: E402
from coopsim.policy.scenarios import load_scenario, shipped_scenarios  # noqa: E402
from coopsim.presentation import plots  # noqa: E402
from coopsim.world.params import TRUSTED_SCALE, param_specs  # noqa: E402

__all__ = ["SLIDER_PARAMS", "ExploreModel", "model_params", "page"]

#: parameters offered as sliders (their range, default and unit come from the declarations)
SLIDER_PARAMS = ("scale", "credit_access", "linkage_promotion", "awareness_init",
                 "join_threshold", "exit_patience", "markup_competence", "price_volatility")
TARGET_WEAK_SHARE = 0.10  # the page's reference line (a setting of the page, not the model)


class ExploreModel(CoopModel):
    """A :class:`CoopModel` built from simple page controls.

    The controls are a scenario name, parameter values and lever intensity multipliers
    (``lever_<name>``, 1 = as the scenario says).
    """

    def __init__(self, scenario: str = "directive27", seed: int = 2018, **kwargs: Any):
        factors = {k[6:]: float(v) for k, v in kwargs.items() if k.startswith("lever_")}
        overrides = {k: v for k, v in kwargs.items() if not k.startswith("lever_")}
        scen = load_scenario(scenario)
        for lever in scen.levers:  # a slider multiplies the lever's intensities
            f, sched = factors.get(lever.name, 1.0), lever.schedule
            overrides[f"levers.{lever.name}.intensity"] = sched.intensity * f
            if sched.changes:
                overrides[f"levers.{lever.name}.schedule"] = [
                    [when, v * f] for when, v in sched.to_dict()["schedule"]]
        scen, params = resolve_point(scen, overrides)
        super().__init__(seed=int(seed), policy=scen.policy(), **params.to_dict())
        self.scenario_name = scenario


def _slider(name: str) -> dict[str, Any]:
    spec = param_specs()[name]
    hi = min(spec.hi, 100.0)
    kind = "SliderInt" if spec.type is int else "SliderFloat"
    step = 1 if spec.type is int else round((hi - spec.lo) / 100, 6) or 0.001
    # the smallest scale the scale table supports, still a responsive page (issue 14)
    default = TRUSTED_SCALE if name == "scale" else spec.default
    return {"type": kind, "value": default, "min": spec.lo, "max": hi, "step": step,
            "label": f"{name} ({spec.unit})"}


def model_params() -> dict[str, Any]:
    """The page's controls, derived from the parameter and lever declarations."""
    out: dict[str, Any] = {
        "scenario": {"type": "Select", "value": "directive27", "label": "scenario",
                     "values": sorted(shipped_scenarios())},
        "seed": {"type": "SliderInt", "value": 2018, "min": 0, "max": 10_000, "step": 1,
                 "label": "seed"},
    }
    out.update({name: _slider(name) for name in SLIDER_PARAMS})
    out.update({f"lever_{name}": {"type": "SliderFloat", "value": 1.0, "min": 0.0, "max": 2.0,
                                  "step": 0.1, "label": f"{name} intensity (x scenario)"}
                for name in LEVERS})
    return out


def _monthly(model: CoopModel) -> pd.DataFrame:
    df = model.datacollector.get_model_vars_dataframe()
    return df.assign(time=df.year + (df.month - 0.5) / 12.0)


def _axis(name: str) -> str:
    """An axis label from the outcome registry: what the figure is, and its unit."""
    o = OUTCOMES[name]
    return textwrap.fill(f"{o.doc} ({'%' if o.percent else o.unit})", 45)


def _subscribe() -> None:
    """Re-render the calling component after every step (Mesa's update counter)."""
    update_counter.get()


def _show(fig: Figure) -> None:
    solara.FigureMatplotlib(fig, format="png", dpi=80)
    plt.close(fig)


@solara.component
def ClassShares(model: CoopModel) -> None:
    """Stacked class shares at each December rating (redrawn only after a rating)."""
    _subscribe()

    def draw() -> Figure:
        yearly = model.datacollector.get_table_dataframe("yearly")
        if len(yearly) < 2:
            fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
            ax.text(0.5, 0.5, "class shares appear after the second December rating",
                    ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            return fig
        return plots.plot_class_shares(yearly)

    fig = solara.use_memo(draw, dependencies=[id(model), model.steps // 12])
    _show(fig)


@solara.component
def WeakShare(model: CoopModel) -> None:
    """The weak share against the page's target line."""
    _subscribe()
    df = _monthly(model)
    fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
    ax.plot(df.time, 100 * df.weak_share, label="weak share")
    ax.axhline(100 * TARGET_WEAK_SHARE, ls="--", color="#d73027", label="target")
    ax.set(xlabel="year", ylabel=_axis("weak_share"),
           title=f"Weak share, scenario {getattr(model, 'scenario_name', '')}")
    ax.legend(frameon=False)
    _show(fig)


@solara.component
def Network(model: CoopModel) -> None:
    """The value-chain network (redrawn only when the contracts change)."""
    _subscribe()
    vc = model.value_chain
    key = (id(model), vc.formed, sum(vc.ended.values()))
    fig = solara.use_memo(lambda: plots.plot_network(model.network(include_ended=False),
                                                     title="Value-chain network now"),
                          dependencies=[key])
    _show(fig)


@solara.component
def MembersIncome(model: CoopModel) -> None:
    """Members, and members' vs non-members' 12-month income."""
    _subscribe()
    df = _monthly(model)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    a1.plot(df.time, df.members)
    a1.set(xlabel="year", ylabel=_axis("members"), title="Members")
    a2.plot(df.time, df.income_member, label="members")
    a2.plot(df.time, df.income_nonmember, label="non-members")
    a2.set(xlabel="year", ylabel="income, m VND / 12 months", title="Household income")
    a2.legend(frameon=False)
    _show(fig)


@solara.component
def Budget(model: CoopModel) -> None:
    """Budget spent per lever and year (m VND at the simulated scale).

    Redrawn only when the spending rows change.
    """
    _subscribe()
    pol = model.policy
    rows = pol.spending_table() if pol is not None else []

    def draw() -> Figure:
        fig, ax = plt.subplots(figsize=(6, 3.2), layout="constrained")
        if rows:
            table = pd.DataFrame(rows).pivot_table(index="year", columns="lever",
                                                   values="spent")
            table.plot.bar(stacked=True, ax=ax, legend=True)
            ax.legend(frameon=False, fontsize="x-small")
        else:
            ax.text(0.5, 0.5, "no budget spent (baseline or before the first lever)",
                    ha="center", transform=ax.transAxes)
        ax.set(xlabel="year", ylabel="spent (m VND, simulated scale)",
               title="Budget spent per lever")
        return fig

    key = tuple((r["year"], r["lever"], r["spent"]) for r in rows)
    _show(solara.use_memo(draw, dependencies=[id(model), key]))


def make_page(**overrides: Any):
    """Build the SolaraViz page (a Solara component) for a first model."""
    params = model_params()
    first = {k: (v["value"] if isinstance(v, dict) else v) for k, v in params.items()}
    first.update(overrides)
    model = ExploreModel(**first)
    components = [(ClassShares, 0), (WeakShare, 0), (Network, 0), (MembersIncome, 0),
                  (Budget, 0)]
    return SolaraViz(model, components=components, model_params=params,
                     name="coopsim: cooperatives under Directive 27-CT/TU")


page = make_page(scale=float(os.environ.get("COOPSIM_VIZ_SCALE", str(TRUSTED_SCALE))))
