"""One run, start to finish: the pure, picklable seam every front end calls.

:func:`run` validates its inputs before any work, builds a :class:`CoopModel`, steps it
month by month and returns a :class:`RunResult` (tidy tables plus a provenance record).
The CLI, notebooks and (later) the experiment engine all call it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import platform
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from coopsim.core.codeinfo import code_digest, git_commit
from coopsim.core.outputs import atomic_write, claim_folder, record_outputs
from coopsim.model.contracts import Contract
from coopsim.model.coop_model import CoopModel
from coopsim.model.outcomes import derive_yearly
from coopsim.model.stock import STOCK_COLUMNS, cohort_table, events_table, fates_table
from coopsim.policy.package import Policy
from coopsim.policy.point import resolve_point
from coopsim.policy.scenarios import Scenario, load_scenario
from coopsim.world.params import Params, check_seed, check_years
from coopsim.world.province import Province, load_province

__all__ = ["RunResult", "provenance", "release", "run", "validate_run_args"]

CONTRACT_COLUMNS = [f.name for f in dataclasses.fields(Contract)]


@dataclass
class RunResult:
    """The outputs of one run.

    Attributes:
        monthly: one row per month (and the initial state), the model's figures.
        yearly: one row per year, after the December rating.
        coop_years: one row per cooperative and year (score, class, books).
        provenance: versions, seed, full parameters, province digest, timing.
        snapshots: household arrays (cooperative, 12-month income, awareness, trust,
            cash) by step, every ``snapshot_every`` months from step 0.
        contracts: every value-chain contract of the run with its attributes and record.
        network: the final value-chain network (networkx MultiGraph, all contracts,
            edge ``status`` telling which still run), when asked for with ``network``.
        spending: money spent per lever and year (m VND, at the simulated scale).
        lever_figures: what the levers did per year (trainees, grants, mergers...).
        events: every founding, dissolution (and why) and merger (and into which).
        cohort: the starting stock's fate each year by its first class.
        fates: every cooperative's status and class at the end (and whether it was in
            the starting stock).
        districts: per district and year, cooperatives by class, links, members and
            incomes (:mod:`coopsim.model.where`).
        income_quintiles: per quintile of the households' income at the start and
            year, membership and incomes.
    """

    monthly: pd.DataFrame
    yearly: pd.DataFrame
    coop_years: pd.DataFrame
    provenance: dict[str, Any]
    snapshots: dict[int, dict[str, np.ndarray]] = field(default_factory=dict)
    contracts: pd.DataFrame = field(default_factory=pd.DataFrame)
    network: Any = None
    spending: pd.DataFrame = field(default_factory=pd.DataFrame)
    lever_figures: pd.DataFrame = field(default_factory=pd.DataFrame)
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    cohort: pd.DataFrame = field(default_factory=pd.DataFrame)
    fates: pd.DataFrame = field(default_factory=pd.DataFrame)
    districts: pd.DataFrame = field(default_factory=pd.DataFrame)
    income_quintiles: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def stock(self) -> pd.DataFrame:
        """The stock's movement each December (the yearly table's stock columns)."""
        return self.yearly[list(STOCK_COLUMNS)]

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write CSV tables, ``provenance.json`` and ``household_snapshots.npz``.

        The snapshot file holds one array per step and field, named ``step{N}_{field}``.

        Each file is written to a temporary name and renamed into place, so a crash
        never leaves a half-written file behind. The folder is marked as a run's output
        (:func:`coopsim.core.outputs.claim_folder`); one holding other output is refused.

        Returns:
            The path of each file written, by table name.

        Raises:
            InputError, RefusedError: ``out_dir`` is a file, or holds other output.
        """
        out = claim_folder(out_dir, "run")
        files = {"monthly": self.monthly, "yearly": self.yearly, "coop_years": self.coop_years,
                 "contracts": self.contracts, "spending": self.spending,
                 "lever_figures": self.lever_figures, "stock": self.stock,
                 "events": self.events, "cohort": self.cohort, "fates": self.fates,
                 "districts": self.districts, "income_quintiles": self.income_quintiles}
        written = {name: atomic_write(out / f"{name}.csv", df) for name, df in files.items()}
        written["provenance"] = atomic_write(
            out / "provenance.json", json.dumps(self.provenance, indent=2, default=str))
        if self.snapshots:
            arrays = {f"step{step}_{name}": arr for step, snap in self.snapshots.items()
                      for name, arr in snap.items()}
            written["household_snapshots"] = atomic_write(
                out / "household_snapshots.npz", arrays)
        record_outputs(out, written.values())
        return written


def validate_run_args(seed: Any, years: Any) -> None:
    """Reject a bad seed or number of years with a message naming the field."""
    check_seed(seed)
    check_years(years)


def numpy_simd() -> list[str]:
    """The SIMD extensions numpy dispatches to on this CPU (e.g. ``AVX512_ICL``).

    numpy's ``exp``, ``log`` and powers (and its default sort where values tie) take
    other paths with AVX-512 than without, where they fall back to the C library, so
    the same seed may differ in the last bits (then in the path of a run) between
    machines that list different extensions. The same list is necessary, not enough:
    the numpy version and the C library must match too (``numpy``, ``platform``).
    """
    try:  # numpy >= 2 keeps the (private) table in numpy._core, numpy 1.x in numpy.core
        from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    except ImportError:
        try:
            from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
        except ImportError:  # a numpy without the table: say so rather than guess
            return ["unknown"]
    return [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]


def provenance(params: Params, province: Province, seed: int, years: int) -> dict[str, Any]:
    """The record stored with every output: what ran, with what, and when."""
    from coopsim import __version__

    return {
        "coopsim": __version__, "mesa": mesa.__version__, "numpy": np.__version__,
        "pandas": pd.__version__, "python": sys.version.split()[0],
        "platform": platform.platform(), "numpy_simd": numpy_simd(),
        "code_sha256": code_digest(),
        "commit": git_commit(), "seed": int(seed), "years": int(years),
        "params": params.to_dict(),
        "province": {"name": province.name, "sha256": province.digest(),
                     "start_year": province.start_year},
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def run(scenario: Scenario | str | Path | None = None,
        overrides: Mapping[str, Any] | None = None, seed: int = 0, years: int = 10,
        province: Province | str | Path | None = None,
        progress: Callable[[int], None] | None = None, network: bool = False) -> RunResult:
    """Simulate ``years`` years of a province under a scenario; return tables and provenance.

    Args:
        scenario: a :class:`~coopsim.policy.scenarios.Scenario`, the name of a shipped one, a
            path to a scenario file, or ``None`` for the baseline (no measures).
        overrides: what differs from the defaults and the scenario: model parameters,
            ``policy.budget`` and lever fields ``levers.NAME.FIELD``
            (:mod:`coopsim.policy.point`).
        seed: the run's seed; the same seed gives identical tables, and the same
            external conditions (prices, harvests) whatever the scenario.
        years: number of years (12 monthly steps each) from the province's start.
        province: a :class:`Province`, a path to a province file, or ``None`` for the
            embedded default province.
        progress: called with the number of steps done after each step.
        network: also return the final value-chain network (imports networkx).

    Raises:
        ParameterError: a bad parameter name or value, seed or years.
        ProvinceError: a malformed province file.
        PolicyError: an unknown scenario or a malformed scenario file.
    """
    validate_run_args(seed, years)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario("baseline" if scenario is None else scenario)
    scenario, params = resolve_point(scenario, overrides)
    if not isinstance(province, Province):
        province = load_province(province)
    record = provenance(params, province, seed, years)
    record["scenario"] = scenario.to_dict()
    t0 = time.perf_counter()
    policy = scenario.policy()
    model = CoopModel(province, seed=int(seed), policy=policy, **params.to_dict())
    for step in range(12 * years):
        model.step()
        if progress is not None:
            progress(step + 1)
    record["wall_seconds"] = round(time.perf_counter() - t0, 3)
    record["households"] = len(model.households)
    dc = model.datacollector
    coop_years = dc.get_table_dataframe("coop_years")
    events = events_table(model)
    spending, figures = _policy_tables(policy)
    result = RunResult(
        monthly=dc.get_model_vars_dataframe().reset_index(names="step"),
        yearly=_with_policy(derive_yearly(dc.get_table_dataframe("yearly"), coop_years,
                                          params.scale), spending, figures),
        coop_years=coop_years,
        provenance=record, snapshots=model.snapshots,
        contracts=pd.DataFrame([c.to_dict() for c in model.value_chain.contracts],
                               columns=CONTRACT_COLUMNS),
        network=model.network(include_ended=True) if network else None,
        spending=spending, lever_figures=figures, events=events,
        cohort=cohort_table(coop_years, events), fates=fates_table(model),
        districts=dc.get_table_dataframe("districts"),
        income_quintiles=dc.get_table_dataframe("quintiles"))
    release(model)
    return result


def release(model: mesa.Model) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3 keeps every model in the class attribute ``Agent._ids`` (a dict keyed by
    model, for its unique-id counters), so no model is ever freed: ~47 MB per
    full-scale run stays in a worker that runs many (mesa/mesa#3179, fixed upstream in
    mesa/mesa#3180 for a later Mesa than this project can use on Python 3.11).
    """
    mesa.Agent._ids.pop(model, None)


def _policy_tables(policy: Policy | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Spending per lever and year, and lever-specific figures per year (tidy)."""
    spending = pd.DataFrame(policy.spending_table() if policy else [],
                            columns=["year", "lever", "spent"])
    rows = [{"year": y, "figure": k, "value": v}
            for y, per in sorted(policy.counts.items()) for k, v in sorted(per.items())] \
        if policy else []
    return spending, pd.DataFrame(rows, columns=["year", "figure", "value"])


def _with_policy(yearly: pd.DataFrame, spending: pd.DataFrame, figures: pd.DataFrame
                 ) -> pd.DataFrame:
    """Add budget spent (total and per lever) and lever figures to the yearly table."""
    out = yearly.copy()
    per_lever = spending.pivot_table(index="year", columns="lever", values="spent",
                                     aggfunc="sum").add_prefix("spent_")
    counts = figures.pivot_table(index="year", columns="figure", values="value", aggfunc="sum")
    out["budget_spent"] = out.year.map(spending.groupby("year").spent.sum()).fillna(0.0)
    for table in (per_lever, counts):
        for col in table.columns:
            out[col] = out.year.map(table[col]).fillna(0.0)
    return out
