"""The ``coopsim`` command line.

``coopsim run`` simulates the default (or a given) province under a scenario and writes
tidy CSV tables and a provenance record; ``coopsim scenarios`` lists the shipped
scenarios; ``coopsim params`` lists every parameter with its unit, bounds and source;
``coopsim province`` writes the default province file to edit; ``coopsim compare``,
``sweep`` and ``sensitivity`` run experiments; ``coopsim calibrate`` fits parameters
to observed figures and reports the fit.
Every input is validated before any work starts; a bad one exits with status 2 and a
message naming the field and value, and writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.core.errors import CoopsimError, RunsFailedError
from coopsim.core.outputs import check_folder, record_outputs
from coopsim.model import outcomes
from coopsim.model.network import write_network
from coopsim.policy.point import (
    check_overrides,
    factor_names,
    factor_spec,
    is_policy_key,
    resolve_point,
)
from coopsim.policy.runner import validate_run_args
from coopsim.policy.scenarios import load_scenario, shipped_scenarios
from coopsim.world.params import (
    TRUSTED_SCALE,
    ParameterError,
    Params,
    param_specs,
    scale_warning,
)
from coopsim.world.province import default_province, load_province, save_province

__all__ = ["EXIT_BAD_INPUT", "EXIT_RUNS_FAILED", "main"]

#: exit status of bad input, or of a request refused before any work
EXIT_BAD_INPUT = 2
#: exit status when the work was done but runs failed (named; a rerun retries them)
EXIT_RUNS_FAILED = 3

#: the yearly tables `coopsim run` prints (columns and labels from the outcome registry)
TABLE_COLUMNS = outcomes.table_columns("stock")
LINK_COLUMNS = outcomes.table_columns("links")


def _parse_set(items: Sequence[str]) -> dict[str, Any]:
    """Turn ``name=value`` strings into typed overrides (types from the declarations).

    A name is a model parameter, ``policy.budget`` or ``levers.NAME.FIELD``
    (:func:`coopsim.policy.point.factor_spec`).
    """
    out = {}
    for item in items:
        name, sep, raw = item.partition("=")
        if not sep:
            raise ParameterError(f"--set expects name=value, got {item!r}")
        name = name.strip()
        spec = factor_spec(name)  # raises with a did-you-mean hint
        if spec.type not in (int, float, str):
            raise ParameterError(f"'{name}' is a {spec.type.__name__}: write it in a "
                                 "scenario file, not with --set")
        try:
            out[name] = spec.type(raw)
        except ValueError:
            raise ParameterError(f"parameter '{name}' must be {spec.type.__name__}, "
                                 f"got {raw!r}") from None
    return out


def yearly_table(yearly: pd.DataFrame, columns: dict[str, str] = TABLE_COLUMNS) -> str:
    """Format yearly figures for the terminal (shares in %, money to 0.1 m VND)."""
    t = yearly[[c for c in columns if c in yearly]].copy()
    for col in t.columns:
        o = outcomes.OUTCOMES.get(col)
        if o is not None and o.percent:
            t[col] = (100 * t[col]).round(1)
        elif o is not None and o.unit.startswith("m VND"):
            t[col] = t[col].round(1)
    return t.rename(columns=columns).to_string(index=False)


def _params_file(path: Path | None) -> dict[str, Any]:
    """Parameter values from a TOML file's ``[params]`` table (e.g. ``fitted_params.toml``)."""
    if path is None:
        return {}
    from coopsim.core.tomlfile import read_toml

    data = read_toml(path, "--params", ParameterError)
    if set(data) != {"params"} or not isinstance(data["params"], dict):
        raise ParameterError(f"--params {path}: must hold exactly one [params] table, "
                             f"got {sorted(data)}")
    try:
        Params.from_overrides(data["params"])
    except (ParameterError, ValueError) as exc:
        raise ParameterError(f"--params {path}: {exc}") from None
    return dict(data["params"])


def _cmd_run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from coopsim.policy.runner import run

    overrides = {**_params_file(args.params), **_parse_set(args.set)}
    if args.scale is not None:
        overrides["scale"] = args.scale
    validate_run_args(args.seed, args.years)
    check_overrides(overrides)
    if args.network is not None and args.network.suffix not in (".graphml", ".csv"):
        raise ParameterError(f"--network must end in .graphml or .csv, got {str(args.network)!r}")
    if args.network is not None and args.network.name != str(args.network):
        raise ParameterError(f"--network must be a file name (it is written into --out), "
                             f"got {str(args.network)!r}")
    province = load_province(args.province)
    scenario = load_scenario(args.scenario)
    scale = resolve_point(scenario, overrides)[1].scale
    check_folder(args.out, "run")
    _warn_scale([scale])  # after every check: bad input gets its error alone
    with tqdm(total=12 * args.years, desc="months", unit="mo", disable=args.quiet,
              file=sys.stderr) as bar:
        result = run(scenario, overrides, seed=args.seed, years=args.years,
                     province=province, progress=lambda _: bar.update(1),
                     network=args.network is not None)
    written = result.write(args.out)
    if args.network:
        written["network"] = write_network(result.network, args.out / args.network)
        record_outputs(args.out, written.values())
    print(f"{province.name}: {result.provenance['households']} households, seed {args.seed}, "
          f"scenario {scenario.name}")
    print(yearly_table(result.yearly))
    if not result.spending.empty:
        print("\nPolicy: budget spent per lever (m VND at the simulated scale) and what it did")
        print(policy_table(result))
    print("\nValue chains (links = active contracts at December)")
    print(yearly_table(result.yearly, LINK_COLUMNS))
    print(f"wrote {', '.join(p.name for p in written.values())} to {args.out}")
    return 0


def policy_table(result) -> str:
    """Spending per lever and lever figures by year, for the terminal."""
    spent = result.spending.pivot_table(index="year", columns="lever", values="spent",
                                        aggfunc="sum").round(0)
    spent["total"] = spent.sum(axis=1)
    figs = result.lever_figures.pivot_table(index="year", columns="figure", values="value",
                                            aggfunc="sum")
    return spent.join(figs).fillna(0).to_string()


def _cmd_compare(args: argparse.Namespace) -> int:
    from coopsim.experiment.compare import compare
    from coopsim.experiment.designs import scenario_comparison
    from coopsim.presentation.report import write_comparison_report

    overrides = {**_params_file(args.params), **_parse_set(args.set)}
    if args.scale is not None:
        overrides["scale"] = args.scale
    for name in args.scenarios:  # every scenario must load before any run starts
        resolve_point(load_scenario(name), overrides)
    validate_run_args(args.seed, args.years)
    if args.reps < 2:
        raise ParameterError(f"--reps must be at least 2 to compare, got {args.reps}")
    province = _province(args.province)
    design = scenario_comparison(args.scenarios, args.reps, args.seed, args.years, overrides,
                                 province)
    executor = _experiment_checks(args, design, "compare")
    bar, progress = _progress_bar(design.n_runs, args.quiet)
    with bar:
        result = compare(args.scenarios, args.out, reps=args.reps, years=args.years,
                         master_seed=args.seed, overrides=overrides, executor=executor,
                         retries=args.retries, progress=progress, province=province)
    result.files.update(write_comparison_report(result, args.out))
    print(comparison_table(result.summary))
    print(f"wrote {', '.join(sorted(p.name for p in result.files.values()))} to {args.out}")
    return _failed_status(result.failed, design.n_runs, args.out)


def _province(path: Path | None) -> str | None:
    """A --province file as the engine stores it (checked when the inputs are read)."""
    return None if path is None else str(path)


def _warn_scale(scales: Any) -> None:
    """Warn on stderr, once, when the smallest of ``scales`` is below the trusted scale."""
    message = scale_warning(min(scales, default=1.0))
    if message:
        print(f"coopsim: warning: {message}", file=sys.stderr)


def _experiment_checks(args: argparse.Namespace, design: Any, kind: str) -> Any:
    """Checks every experiment command makes before any work; returns the executor.

    The executor's arguments, ``--retries``, the output folder and the size of the
    design are checked here, so a bad one stops the command before a store exists; a
    design with a point below the trusted scale is warned about.
    """
    executor = _checks(args, design.n_runs, f"{len(design.points):,} points x "
                                            f"{design.reps:,} replications", kind)
    scenario = {name: load_scenario(name).overrides()
                for name in {p["scenario"] for p in design.points}}
    _warn_scale(float({**scenario[p["scenario"]], **p["overrides"]}.get("scale", 1.0))
                for p in design.points)  # the scale each run gets, as in `run`
    return executor


def _checks(args: argparse.Namespace, n_runs: int, what: str, kind: str) -> Any:
    from coopsim.core.outputs import check_folder
    from coopsim.experiment.engine import check_retries
    from coopsim.experiment.executors import make_executor

    executor = make_executor(args.executor, args.workers, args.scheduler)
    check_retries(args.retries)
    check_folder(args.out, kind)
    if n_runs > CONFIRM_RUNS and not args.yes:
        raise ParameterError(f"this would make {n_runs:,} runs ({what}); pass --yes to go "
                             "ahead")
    if not args.quiet:
        print(f"{n_runs:,} runs ({what}) into {args.out}", file=sys.stderr)
    return executor


def _failed_status(failed: pd.DataFrame, total: int, out: Path) -> int:
    """Exit status 3, with a message, when runs failed; else 0."""
    from coopsim.experiment.store import describe_failures

    if failed.empty:
        return 0
    print(f"coopsim: {describe_failures(failed, total)}; they are listed in "
          f"{out / 'failed_runs.csv'} and the store keeps each error. Run the same command "
          "again to try them again.", file=sys.stderr)
    return EXIT_RUNS_FAILED


def comparison_table(summary: pd.DataFrame) -> str:
    """The comparison summary for the terminal: means with 95% intervals."""
    rows = []
    for _, r in summary.iterrows():
        row = {"scenario": r["scenario"], "runs": int(r["n"])}
        for col, label, f in (("weak_share", "weak %", 100), ("good_fair_share", "good+fair %",
                                                                100),
                              ("linked_share", "linked %", 100), ("members", "members", 1),
                              ("budget_spent_total", "budget (m VND)", 1)):
            row[label] = (f"{f * r[f'{col}_mean']:.1f} [{f * r[f'{col}_lo']:.1f}, "
                          f"{f * r[f'{col}_hi']:.1f}]")
        cost = r["cost_per_weak_avoided"]
        row["m VND per weak avoided"] = "n/a" if pd.isna(cost) else f"{cost:,.0f}"
        rows.append(row)
    return pd.DataFrame(rows).to_string(index=False)


#: the help of every --scale option
SCALE_HELP = ("share of each district's communes simulated (default 1.0, full scale); "
              f"below {TRUSTED_SCALE:g} a warning: results there did not agree with full "
              "scale (README: What scale a study can trust)")

#: experiments of more runs than this need --yes
CONFIRM_RUNS = 10_000

DEFAULT_SENSITIVITY = {"credit_access": (0.0, 0.3), "linkage_promotion": (0.0, 1.0),
                       "join_threshold": (0.01, 0.06), "markup_competence": (0.05, 0.2),
                       "exit_patience": (4, 12), "handling_turnover": (0.03, 0.08)}


def _progress_bar(total: int, quiet: bool):
    from tqdm import tqdm

    bar = tqdm(total=total, desc="runs", unit="run", disable=quiet, file=sys.stderr)

    def progress(counts: dict[str, int]) -> None:
        bar.n = counts.get("done", 0)
        bar.set_postfix(failed=counts.get("failed", 0), remaining=total - counts.get("done", 0))
        bar.refresh()

    return bar, progress


def _cmd_sweep(args: argparse.Namespace) -> int:
    from coopsim.experiment.sweep import design_from_spec, load_spec, run_sweep

    design = design_from_spec(load_spec(args.spec), str(args.spec))
    if args.province is not None:
        design.province = _province(args.province)
    outputs = outcomes.check_run_outcomes(_names(args.outputs))
    for name in {p["scenario"] for p in design.points}:
        load_scenario(name)
    if (args.out / "experiment.sqlite").exists() and not args.resume:
        raise ParameterError(f"{args.out} already holds an experiment; pass --resume to "
                             "continue it, or choose another --out")
    executor = _experiment_checks(args, design, "sweep")
    bar, progress = _progress_bar(design.n_runs, args.quiet)
    with bar:
        result = run_sweep(design, args.out, executor, args.retries, progress,
                           outputs=outputs)
    print(f"{len(design.points)} points x {design.reps} replications; "
          f"wrote {', '.join(sorted(p.name for p in result.files.values()))} to {args.out}")
    return _failed_status(result.failed, design.n_runs, args.out)


def _names(text: str) -> list[str]:
    """``"a,b, c"`` -> ``["a", "b", "c"]``."""
    return [n.strip() for n in text.split(",") if n.strip()]


def _cmd_outcomes(args: argparse.Namespace) -> int:
    rows = [{"name": o.name, "level": o.level, "unit": o.unit,
             "run figure": (f"{o.name}, {o.name}_total" if o.flow else o.name)
             if o.level in ("month", "year", "derived") else "", "meaning": o.doc}
            for o in [*outcomes.OUTCOMES.values(), *outcomes.COOP_OUTCOMES.values(),
                      *outcomes.DISTRICT_OUTCOMES.values(),
                      *outcomes.QUINTILE_OUTCOMES.values()]]
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(pd.DataFrame(rows).to_string(index=False))
    return 0


def _parse_bounds(items: list[str]) -> dict[str, tuple[float, float]]:
    out = {}
    for item in items:
        name, _, rng = item.partition("=")
        try:
            lo, hi = (float(x) for x in rng.split(","))
        except ValueError:
            raise ParameterError(f"--param expects NAME=LOW,HIGH, got {item!r}") from None
        out[name.strip()] = (lo, hi)
    return out


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from coopsim.experiment.sweep import run_sensitivity, sensitivity_design
    from coopsim.presentation.report import write_sensitivity_figures

    bounds = _parse_bounds(args.param) if args.param else DEFAULT_SENSITIVITY
    outputs = outcomes.check_run_outcomes(_names(args.outputs))
    fixed = {"scale": args.scale} if args.scale is not None else {}
    load_scenario(args.scenario)
    validate_run_args(args.seed, args.years)
    design = sensitivity_design(args.method, bounds, args.n, args.scenario, fixed, args.reps,
                                args.seed, args.years)
    design.province = _province(args.province)
    executor = _experiment_checks(args, design, "sensitivity")
    bar, progress = _progress_bar(design.n_runs, args.quiet)
    with bar:
        indices = run_sensitivity(design, args.out, executor, progress, args.retries,
                                  outputs)
    write_sensitivity_figures(indices, design.kind, args.out)
    with pd.option_context("display.width", 160):
        print(indices.round(3).to_string(index=False))
    print(f"wrote indices.csv and figures to {args.out}")
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from coopsim.calibration import FIGURES, calibrate, load_spec
    from coopsim.presentation.report import write_fit_report

    if args.figures:
        for fig in FIGURES.values():
            print(f"{fig.name:24s} {fig.unit:14s} {fig.doc}")
        return 0
    if args.out is None:
        raise ParameterError("--out is required (the output folder)")
    targets = str(args.targets.resolve()) if args.targets else None
    spec = load_spec(args.spec, targets=targets, particles=args.particles,
                     max_generations=args.generations, scale=args.scale, seed=args.seed,
                     check_reps=args.check_reps, posterior_draws=args.posterior_draws,
                     province=None if args.province is None else str(args.province.resolve()))
    if (args.out / "gen_00.sqlite").exists() and not args.resume:
        raise ParameterError(f"{args.out} already holds a calibration; pass --resume to "
                             "continue it, or choose another --out")
    checks = len(spec.scenarios()) * (spec.check_reps + spec.posterior_draws)
    executor = _checks(args, spec.particles * spec.max_generations + checks,
                       f"at most {spec.max_generations} generations of {spec.particles} "
                       f"particles, then {checks} check runs", "calibrate")
    _warn_scale([spec.scale])
    from tqdm import tqdm

    bar = tqdm(desc="calibration runs", unit="run", disable=args.quiet, file=sys.stderr)

    def progress(counts: dict[str, int]) -> None:  # one call per finished run, any store
        bar.update(1)
        bar.set_postfix(failed_here=counts.get("failed", 0))

    with bar:
        result = calibrate(spec, args.out, executor, progress, retries=args.retries)
    result.files.update(write_fit_report(result, spec, args.out))
    with pd.option_context("display.width", 160):
        print(result.summary.round(4).to_string(index=False))
        print(result.report[["figure", "year", "use", "scenario", "low", "high", "mean",
                             "inside"]].round(4).to_string(index=False))
    print(f"wrote {', '.join(sorted(p.name for p in result.files.values()))} to {args.out}")
    return 0


def _province_arg(p: argparse.ArgumentParser,
                  default: str = "default: the embedded Quang Binh 2018") -> None:
    p.add_argument("--province", type=Path, default=None,
                   help=f"province file (TOML; `coopsim province` writes one to edit); "
                        f"{default}")


def _executor_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=("process", "serial", "dask"), default="process",
                   help="how runs execute (default: local processes)")
    p.add_argument("--workers", type=int, default=None, help="processes or Dask workers")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address tcp://host:port (default: a local cluster)")
    p.add_argument("--retries", type=int, default=1, help="retries of a failed run")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--yes", action="store_true",
                   help=f"go ahead with an experiment of more than {CONFIRM_RUNS:,} runs")


def _cmd_viz(args: argparse.Namespace) -> int:
    import os

    try:
        import solara  # noqa: F401
    except ImportError:
        print("coopsim: error: the interactive page needs the viz extra: "
              "pip install 'coopsim[viz]'", file=sys.stderr)
        return 2
    app = Path(__file__).with_name("presentation") / "app.py"
    env = {**os.environ, "COOPSIM_VIZ_SCALE": str(args.scale)}
    cmd = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host,
           "--port", str(args.port), "--production"]
    os.execve(sys.executable, cmd, env)  # the server takes this process's place, so a
    return 0  # signal to `coopsim viz` (Ctrl-C, terminate) reaches it; not reached


def _cmd_scenarios(args: argparse.Namespace) -> int:
    for name, path in sorted(shipped_scenarios().items()):
        scenario = load_scenario(path)
        print(f"{name:34s} {scenario.description}")
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    specs = ([factor_spec(n) for n in factor_names() if is_policy_key(n)] if args.levers
             else list(param_specs().values()))
    rows = [{"name": s.name, "default": str(s.default), "range": f"[{s.lo}, {s.hi}]",
             "unit": s.unit, "group": s.group, "meaning": s.doc, "source": s.source}
            for s in specs]
    df = pd.DataFrame(rows)
    if args.markdown:
        print("| " + " | ".join(df.columns) + " |")
        print("|" + "---|" * len(df.columns))
        for row in df.itertuples(index=False):
            print("| " + " | ".join(str(v) for v in row) + " |")
    else:
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            print(df.drop(columns=["source"]).to_string(index=False))
    return 0


def _cmd_province(args: argparse.Namespace) -> int:
    path = save_province(default_province(), args.save)
    print(f"wrote the default province to {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``coopsim`` command."""
    parser = argparse.ArgumentParser(prog="coopsim", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="simulate one province and write its tables")
    r.add_argument("--scenario", default="baseline",
                   help="a shipped scenario (see `coopsim scenarios`) or a scenario file "
                        "(default: baseline, no measures)")
    r.add_argument("--years", type=int, default=10, help="years to simulate (default 10)")
    r.add_argument("--seed", type=int, default=0, help="seed of the run (default 0)")
    r.add_argument("--scale", type=float, default=None,
                   help=SCALE_HELP)
    _province_arg(r)
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter, policy.budget or levers.LEVER.FIELD "
                        "(repeatable); see `coopsim params`")
    r.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="parameter values from a TOML [params] table, e.g. a calibration's "
                        "fitted_params.toml (--set wins over it)")
    r.add_argument("--out", type=Path, required=True, help="output folder")
    r.add_argument("--network", type=Path, default=None, metavar="FILE",
                   help="also write the final value-chain network into the output folder "
                        "(FILE ends in .graphml or .csv)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=_cmd_run)
    p = sub.add_parser("params", help="list every parameter with unit, range and source")
    p.add_argument("--markdown", action="store_true", help="print a Markdown table")
    p.add_argument("--levers", action="store_true",
                   help="list instead what a run point may set in the policy: "
                        "policy.budget and every levers.LEVER.FIELD")
    p.set_defaults(func=_cmd_params)
    m = sub.add_parser("compare", help="compare scenarios over the same replication seeds")
    m.add_argument("scenarios", nargs="+", help="shipped scenario names or scenario files; "
                                                "the first is the reference")
    m.add_argument("--reps", type=int, default=30, help="replications (default 30)")
    m.add_argument("--years", type=int, default=10, help="years per run (default 10)")
    m.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    m.add_argument("--scale", type=float, default=None, help=SCALE_HELP)
    m.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter, policy.budget or levers.LEVER.FIELD in "
                        "every run (repeatable); see `coopsim params [--levers]`")
    m.add_argument("--params", type=Path, default=None, metavar="FILE",
                   help="parameter values from a TOML [params] table (--set wins over it)")
    m.add_argument("--out", type=Path, required=True,
                   help="output folder (holds the store: run again to resume)")
    _province_arg(m)
    _executor_args(m)
    m.set_defaults(func=_cmd_compare)
    w = sub.add_parser("sweep", help="run any design from a spec file (resumable)")
    w.add_argument("spec", type=Path, help="sweep spec (TOML); see coopsim.experiment.sweep")
    w.add_argument("--out", type=Path, required=True, help="output folder (holds the store)")
    w.add_argument("--resume", action="store_true",
                   help="continue the experiment already in --out (finished runs are kept)")
    w.add_argument("--outputs", default="weak_share,good_fair_share,linked_share",
                   metavar="NAME,...", help="run-level outcomes summarised per point "
                                            "(see `coopsim outcomes`; default: %(default)s)")
    _province_arg(w, "default: the spec's [sweep] province, else the embedded Quang Binh "
                     "2018")
    _executor_args(w)
    w.set_defaults(func=_cmd_sweep)
    z = sub.add_parser("sensitivity", help="Morris or Sobol indices of weak and linked shares")
    z.add_argument("--method", choices=("morris", "sobol"), default="morris")
    z.add_argument("--param", action="append", default=[], metavar="NAME=LOW,HIGH",
                   help="a parameter and its range (repeatable; default: a set of "
                        "uncertain and lever-moved parameters)")
    z.add_argument("--n", type=int, default=10,
                   help="Morris trajectories or Sobol base samples (default 10)")
    z.add_argument("--reps", type=int, default=2, help="replications per point (default 2)")
    z.add_argument("--years", type=int, default=10, help="years per run (default 10)")
    z.add_argument("--scale", type=float, default=None, help=SCALE_HELP)
    z.add_argument("--scenario", default="baseline", help="scenario of every run")
    z.add_argument("--outputs", default="weak_share,linked_share", metavar="NAME,...",
                   help="run-level outcomes whose indices are computed (see `coopsim "
                        "outcomes`; default: %(default)s)")
    z.add_argument("--seed", type=int, default=0, help="master seed (default 0)")
    z.add_argument("--out", type=Path, required=True, help="output folder (resumable)")
    _province_arg(z)
    _executor_args(z)
    z.set_defaults(func=_cmd_sensitivity)
    k = sub.add_parser("calibrate", help="fit parameters to observed figures (APMC-ABC) and "
                                         "report the fit and held-out checks")
    k.add_argument("spec", type=Path, nargs="?", default=None,
                   help="calibration spec (TOML); default: the shipped calibration of the "
                        "default province (coopsim/data/calibration_quang_binh.toml)")
    k.add_argument("--targets", type=Path, default=None, help="targets file replacing the "
                                                                "spec's")
    k.add_argument("--particles", type=int, default=None, help="APMC population size")
    k.add_argument("--generations", type=int, default=None, help="most APMC generations")
    k.add_argument("--scale", type=float, default=None, help=SCALE_HELP)
    k.add_argument("--seed", type=int, default=None, help="seed of the calibration")
    k.add_argument("--check-reps", type=int, default=None,
                   help="replications of the fitted point in the checks")
    k.add_argument("--posterior-draws", type=int, default=None,
                   help="posterior particles run once each in the checks")
    k.add_argument("--out", type=Path, default=None, help="output folder (holds the stores)")
    k.add_argument("--resume", action="store_true",
                   help="continue the calibration already in --out")
    k.add_argument("--figures", action="store_true",
                   help="list the figures a target can name, and exit")
    _province_arg(k, "default: the spec's [calibration] province, else the embedded "
                     "Quang Binh 2018")
    _executor_args(k)
    k.set_defaults(func=_cmd_calibrate)
    v2 = sub.add_parser("viz", help="start the interactive page (Mesa SolaraViz)")
    v2.add_argument("--host", default="127.0.0.1")
    v2.add_argument("--port", type=int, default=8765)
    v2.add_argument("--scale", type=float, default=TRUSTED_SCALE,
                    help="share of each district's communes simulated in the first model "
                         f"(default {TRUSTED_SCALE:g}, the smallest scale the scale table "
                         "supports; a step took under a second on the project's machine)")
    v2.set_defaults(func=_cmd_viz)
    o = sub.add_parser("outcomes", help="list every outcome: level, unit, meaning")
    o.set_defaults(func=_cmd_outcomes)
    c = sub.add_parser("scenarios", help="list the shipped scenarios")
    c.set_defaults(func=_cmd_scenarios)
    v = sub.add_parser("province", help="write the default province file to edit")
    v.add_argument("--save", type=Path, required=True, help="where to write it")
    v.set_defaults(func=_cmd_province)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``coopsim`` console script.

    Exit status: 0 done; 2 bad input, or a request refused because it could mix in or
    overwrite a result (nothing done); 3 done, but some runs failed or a result could
    not be stored (they are named; run the same command again to retry). Any other
    status (1: a traceback) is a bug in coopsim.
    """
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CoopsimError as exc:
        print(f"coopsim: error: {exc}", file=sys.stderr)
        return EXIT_RUNS_FAILED if isinstance(exc, RunsFailedError) else EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
