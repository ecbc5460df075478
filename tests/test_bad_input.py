"""Bad input ends cleanly: exit status 2, a message naming file, field and value, no
traceback, and nothing written (issue 11, defect 9).

Each case is one root cause: files read without decoding checks, NaN and infinity
passing range checks, values of the wrong kind where a table or list belongs, errors
of the wrong class, checks made only after the store exists, and sizes without a
bound.
"""

from __future__ import annotations

import pytest
import tomli_w

from coopsim.cli import main
from coopsim.policy.scenarios import load_scenario
from coopsim.world.province import default_province

FAST = ["--scale", "0.02", "--years", "1", "--quiet"]


def province_file(tmp_path, change=None, raw: bytes | None = None):
    path = tmp_path / "p.toml"
    if raw is not None:
        path.write_bytes(raw)
        return path
    data = default_province().to_dict()
    if change:
        change(data)
    path.write_text(tomli_w.dumps(data))
    return path


def scenario_file(tmp_path, change=None, text: str | None = None):
    path = tmp_path / "s.toml"
    if text is not None:
        path.write_text(text)
        return path
    data = load_scenario("directive27").to_dict()
    if change:
        change(data)
    path.write_text(tomli_w.dumps(data))
    return path


def sweep_file(tmp_path, text: str):
    path = tmp_path / "sweep.toml"
    path.write_text(text)
    return path


def _set(path: str, value):
    def change(data):
        *head, last = path.split(".")
        node = data
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return change


PROVINCES = [
    (dict(raw=b"\x89PNG\r\n\x1a\n\x00\x00binary"), r"not valid TOML \(not UTF-8"),
    (dict(raw="[province]\nname = \"Qu\xe1ng B\xecnh\"\n".encode("latin-1")),
     r"not valid TOML \(not UTF-8"),
    (dict(raw=b"a = " + b"[" * 50_000 + b"]" * 50_000), "not valid TOML"),
    (dict(change=_set("products.0.output_median", float("nan"))),
     r"products\[0\]\.output_median: must be a finite number, got nan"),
    (dict(change=_set("products.1.cost_share", float("inf"))),
     r"products\[1\]\.cost_share: must be a finite number, got inf"),
    (dict(change=_set("products.0.seasonality", [float("nan")] * 12)),
     r"products\[0\]\.seasonality: must be 12 non-negative numbers"),
    (dict(change=lambda d: [p.__setitem__("coop_weight", 0.0) for p in d["products"]]),
     "every coop_weight is 0"),
    (dict(change=lambda d: d["districts"][0]["product_mix"].__setitem__(
        next(iter(d["districts"][0]["product_mix"])), float("nan"))),
     r"districts\[0\]\.product_mix\..*: must be a finite number, got nan"),
    (dict(change=_set("districts.0.households", 10**15)),
     r"districts\[0\]\.households: must be in \[1, 3000000\]"),
    (dict(change=lambda d: [x.__setitem__("households", 2_000_000) for x in d["districts"]]),
     "households in all; at most 3,000,000 are supported"),
    (dict(change=_set("businesses.0.count", 10**9)),
     r"businesses\[0\]\.count: must be in \[0, 10000\]"),
    (dict(change=_set("districts.0.cooperatives", 10**7)),
     r"districts\[0\]\.cooperatives: must be in \[0, 10000\]"),
    (dict(change=_set("districts", 7)), r"\(top level\)\.districts: must be a list, got 7"),
    (dict(change=_set("products.0", "rice")), r"products\[0\]: must be a table"),
    (dict(change=_set("cooperatives.members.median", True)),
     r"cooperatives\.members\.median: must be float, got True"),
]


@pytest.mark.parametrize(("file", "message"), PROVINCES)
def test_bad_province_files(tmp_path, capsys, file, message):
    path = province_file(tmp_path, **file)
    out = tmp_path / "never"
    assert main(["run", "--province", str(path), "--out", str(out), *FAST]) == 2
    _clean(capsys, message, str(path))
    assert not out.exists()


SCENARIOS = [
    (dict(text='levers = 7\n[scenario]\nname = "x"\n'), r"levers: must be a table, got 7"),
    (dict(text='policy = 7\n[scenario]\nname = "x"\n'), r"policy: must be a table, got 7"),
    (dict(change=_set("levers.consolidation.schedule", "2019-01")),
     r"levers\.consolidation\.schedule: must be a list"),
    (dict(change=_set("levers.consolidation.schedule", [["2019-01"]])),
     r"levers\.consolidation\.schedule: each entry must be"),
    (dict(change=_set("levers.consolidation.schedule", [["2019-01", float("nan")]])),
     r"levers\.consolidation\.schedule: each entry must be"),
    (dict(change=_set("levers.consolidation", 3)), r"levers\.consolidation: must be a table"),
    (dict(change=_set("levers.consolidation.intensity", float("nan"))),
     r"intensity.* got nan"),
    (dict(change=_set("levers.consolidation.budget_share", float("nan"))),
     r"budget_share must be a number in \[0\.0, 1\.0\].*got nan"),
    (dict(change=_set("levers.consolidation.max_per_commune", 2.5)),
     r"max_per_commune must be an integer in \[0, 50\].*got 2\.5"),
    (dict(change=_set("policy.budget", float("nan"))),
     r"policy\.budget: must be a non-negative number of m VND, got nan"),
    (dict(change=_set("policy.budget", 1e30)), r"policy\.budget: must be at most"),
    (dict(change=_set("scenario.description", 5)), r"scenario\.description: must be a text"),
    (dict(change=lambda d: d.__setitem__("parameters", {"c01_training": 40.0})),
     "c01 group III weights must sum to 40"),
    (dict(change=lambda d: d.__setitem__("external", {"price_volatility": float("inf")})),
     "parameter 'price_volatility' must be finite, got inf"),
]


@pytest.mark.parametrize(("file", "message"), SCENARIOS)
def test_bad_scenario_files(tmp_path, capsys, file, message):
    path = scenario_file(tmp_path, **file)
    out = tmp_path / "never"
    assert main(["run", "--scenario", str(path), "--out", str(out), *FAST]) == 2
    _clean(capsys, message, str(path))
    assert not out.exists()


SWEEPS = [
    ('[sweep]\ndesign = "lhs"\nn = 0\n[bounds]\ncredit_access = [0.0, 0.3]\n',
     r"sweep\.n: must be in \[1, 100000\], got 0"),
    ('[sweep]\ndesign = "lhs"\nn = 1.5\n[bounds]\ncredit_access = [0.0, 0.3]\n',
     r"sweep\.n: must be an integer, got 1\.5"),
    ('[sweep]\ndesign = "lhs"\nn = 4\nseed = -1\n[bounds]\ncredit_access = [0.0, 0.3]\n',
     r"sweep\.seed must be a non-negative integer, got -1"),
    ('[sweep]\ndesign = "lhs"\nn = 4\nreps = 100000\n[bounds]\ncredit_access = [0.0, 0.3]\n',
     r"sweep\.reps: must be in \[1, 10000\]"),
    ('[sweep]\ndesign = "lhs"\nn = 4\n[bounds]\ncredit_access = [nan, 0.3]\n',
     r"bounds\.credit_access: must be \[low, high\], two finite numbers"),
    ('[sweep]\ndesign = "lhs"\nn = 4\n[bounds]\ncredit_access = "0-1"\n',
     r"bounds\.credit_access: must be \[low, high\]"),
    ('[sweep]\ndesign = "lhs"\nn = 4\n[bounds]\ncredit_access = [0.0, 5.0]\n',
     r"bounds of 'credit_access': \(0\.0, 5\.0\) leave the parameter's valid range"),
    ('[sweep]\ndesign = "factorial"\n[levels]\ncredit_access = [0.1, nan]\n',
     r"parameter 'credit_access' must be finite, got nan"),
    ('[sweep]\ndesign = "factorial"\n[levels]\ncredit_access = 0.1\n',
     r"levels\.credit_access: must be a non-empty list"),
    ('[sweep]\ndesign = "factorial"\n[levels]\n' + "\n".join(
        f"{n} = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]" for n in (
            "credit_access", "linkage_promotion", "savings_rate", "review_rate",
            "awareness_init", "loyalty_mean", "peer_weight")) + "\n",
     r"levels: 279,936 combinations; a factorial design needs 1 to 100,000"),
    ('sweep = 7\n', r"sweep: must be a table, got 7"),
    ('points = 7\n[sweep]\ndesign = "explicit"\n', r"points: must be a list of tables"),
    ('[sweep]\ndesign = "explicit"\n[[points]]\ncredit_access = inf\n',
     r"parameter 'credit_access' must be finite, got inf"),
    ('[sweep]\ndesign = "explicit"\nscenario = 5\n[[points]]\ncredit_access = 0.1\n',
     r"sweep\.scenario: must be a scenario name or file, got 5"),
]


@pytest.mark.parametrize(("text", "message"), SWEEPS)
def test_bad_sweep_specs(tmp_path, capsys, text, message):
    path = sweep_file(tmp_path, text)
    out = tmp_path / "never"
    assert main(["sweep", str(path), "--out", str(out), "--quiet"]) == 2
    _clean(capsys, message, str(path))
    assert not out.exists()


OPTIONS = [
    (["run", "--set", "c01_training=40"], "c01 group III weights must sum to 40"),
    (["run", "--set", "credit_access=nan"], "parameter 'credit_access' must be finite"),
    (["compare", "baseline", "directive27", "--reps", "2", "--workers", "-2"],
     r"--workers must be in \[1, 256\], got -2"),
    (["compare", "baseline", "directive27", "--reps", "2", "--workers", "0"],
     r"--workers must be in \[1, 256\], got 0"),
    (["compare", "baseline", "directive27", "--reps", "2", "--retries", "-1"],
     r"--retries must be an integer in \[0, 10\], got -1"),
    (["compare", "baseline", "directive27", "--reps", "2", "--executor", "dask",
      "--scheduler", "not an address"], "--scheduler must be a Dask scheduler address"),
    (["compare", "baseline", "directive27", "--reps", "2", "--scheduler",
      "tcp://127.0.0.1:8786"], "--scheduler is for --executor dask, not process"),
    (["compare", "baseline", "directive27", "--reps", "100000"],
     r"reps must be at most 10,000, got 100000"),
    (["compare", "baseline", "directive27", "--reps", "6000"],
     r"this would make 12,000 runs \(2 points x 6,000 replications\); pass --yes"),
    (["compare", "baseline", "directive27", "--reps", "2", "--seed", str(2**64)],
     "seed must be below 2\\*\\*63"),
    (["sensitivity", "--n", "0"], r"n \(points\) must be in \[1, 100000\], got 0"),
    (["sensitivity", "--n", "1"], r"n \(trajectories\) must be at least 2, got 1"),
    (["sensitivity", "--param", "credit_access=0,9"],
     r"bounds of 'credit_access': \(0\.0, 9\.0\) leave the parameter's valid range"),
    (["sensitivity", "--param", "credit_access=nan,0.2"], "two finite numbers"),
]


@pytest.mark.parametrize(("args", "message"), OPTIONS)
def test_bad_options(tmp_path, capsys, args, message):
    out = tmp_path / "never"
    assert main([*args, "--out", str(out), *FAST]) == 2
    _clean(capsys, message)
    assert not out.exists()


CALIBRATIONS = [
    ('calibration = 7\n', r"calibration: must be a table, got 7"),
    ('[prior]\nhandling_turnover = [nan, 0.1]\n',
     r"prior\.handling_turnover: must be \[low, high\]"),
    ('[calibration]\nparticles = 1000000000\n[prior]\nhandling_turnover = [0.02, 0.1]\n',
     r"calibration\.particles: must be an integer >= 4 and <= 100,000"),
    ('[calibration]\nalpha = nan\n[prior]\nhandling_turnover = [0.02, 0.1]\n',
     r"calibration\.alpha: must be in \(0, 1\), got nan"),
    ('[calibration]\ntargets = 5\n[prior]\nhandling_turnover = [0.02, 0.1]\n',
     r"calibration\.targets: must be a file name, got 5"),
]


@pytest.mark.parametrize(("text", "message"), CALIBRATIONS)
def test_bad_calibration_specs(tmp_path, capsys, text, message):
    from coopsim.calibration.targets import default_targets_path

    path = tmp_path / "cal.toml"
    if "[calibration]" in text and "targets" not in text:
        text = text.replace("[calibration]\n",
                            f'[calibration]\ntargets = "{default_targets_path()}"\n')
    elif "targets" not in text and not text.startswith("calibration"):
        text = f'[calibration]\ntargets = "{default_targets_path()}"\n' + text
    path.write_text(text)
    out = tmp_path / "never"
    assert main(["calibrate", str(path), "--out", str(out), "--quiet"]) == 2
    _clean(capsys, message, str(path))
    assert not out.exists()


@pytest.mark.parametrize("command", [
    ["run"], ["compare", "baseline", "directive27", "--reps", "2"],
    ["sensitivity", "--n", "2", "--param", "credit_access=0,0.2"],
])
def test_out_pointing_at_a_file(tmp_path, capsys, command):
    target = tmp_path / "a_file"
    target.write_text("mine")
    assert main([*command, "--out", str(target), *FAST]) == 2
    _clean(capsys, f"--out {target} is a file")
    assert target.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == [
        "a_file"]


def _clean(capsys, message: str, path: str | None = None) -> None:
    """The error is one clean line naming the field (and file), with no traceback."""
    import re

    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    assert err.startswith("coopsim: error: "), err
    assert re.search(message, err), err
    if path is not None:
        assert path in err, err
