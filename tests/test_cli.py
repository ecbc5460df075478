"""The coopsim command line: outputs, provenance, and bad input that writes nothing."""

import json

import numpy as np
import pandas as pd
import pytest

from coopsim.cli import main
from coopsim.world.province import default_province, load_province

FAST = ["--scale", "0.03", "--quiet"]


def test_run_writes_tables_and_provenance(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", "--years", "2", "--seed", "4", "--out", str(out), *FAST]) == 0
    printed = capsys.readouterr().out
    assert "weak %" in printed and "2019" in printed and "coops linked %" in printed
    assert {p.name for p in out.iterdir()} == {"monthly.csv", "yearly.csv", "coop_years.csv",
                                               "contracts.csv", "provenance.json",
                                               "household_snapshots.npz", "spending.csv",
                                               "lever_figures.csv", "coopsim-output.json",
                                               "stock.csv", "events.csv", "cohort.csv",
                                               "fates.csv", "districts.csv",
                                               "income_quintiles.csv"}
    snaps = np.load(out / "household_snapshots.npz")
    assert {"step0_coop", "step12_coop", "step24_income12"} <= set(snaps.files)
    assert len(snaps["step24_coop"]) == json.loads((out / "provenance.json").read_text())[
        "households"]
    yearly = pd.read_csv(out / "yearly.csv")
    assert yearly.year.tolist() == [2018, 2019]
    assert len(pd.read_csv(out / "monthly.csv")) == 25  # initial state + 24 months
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["seed"] == 4 and prov["params"]["scale"] == 0.03 and prov["mesa"].startswith("3.")


def test_set_overrides_reach_the_run(tmp_path):
    out = tmp_path / "o"
    main(["run", "--years", "1", "--out", str(out), "--set", "credit_access=0.5",
          "--set", "exit_patience=3", *FAST])
    params = json.loads((out / "provenance.json").read_text())["params"]
    assert params["credit_access"] == 0.5 and params["exit_patience"] == 3


def test_params_file_reaches_the_run_and_set_wins(tmp_path):
    params = tmp_path / "fitted_params.toml"
    params.write_text("[params]\nsearch_rate = 0.05\ncredit_access = 0.2\n")
    out = tmp_path / "o"
    main(["run", "--years", "1", "--out", str(out), "--params", str(params),
          "--set", "credit_access=0.4", *FAST])
    used = json.loads((out / "provenance.json").read_text())["params"]
    assert used["search_rate"] == 0.05 and used["credit_access"] == 0.4


@pytest.mark.parametrize(("text", "message"), [
    ("[params]\nserch_rate = 0.05\n", "unknown parameter 'serch_rate'"),
    ("[params]\nsearch_rate = 5.0\n", "'search_rate' = 5.0 is out of range"),
    ("[other]\nsearch_rate = 0.05\n", "must hold exactly one [params] table, got ['other']"),
    ("[params\n", "not valid TOML"),
])
def test_bad_params_file_is_rejected_before_work(tmp_path, capsys, text, message):
    params = tmp_path / "p.toml"
    params.write_text(text)
    out = tmp_path / "never"
    assert main(["run", "--out", str(out), "--params", str(params), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert message in err and str(params) in err
    assert not out.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "credit_acess=0.5"], "unknown parameter 'credit_acess'; did you mean"),
    (["--set", "credit_access=lots"], "parameter 'credit_access' must be float, got 'lots'"),
    (["--set", "credit_access=2"], "'credit_access' = 2.0 is out of range"),
    (["--set", "credit_access"], "--set expects name=value"),
    (["--years", "0"], "years must be an integer in [1, 100], got 0"),
    (["--seed", "-1"], "seed must be a non-negative integer, got -1"),
    (["--scale", "0"], "'scale' = 0.0 is out of range"),
])
def test_bad_input_exits_2_with_a_clear_message_and_writes_nothing(tmp_path, capsys, args,
                                                                   message):
    out = tmp_path / "never"
    assert main(["run", "--out", str(out), "--quiet", *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_malformed_province_file_is_rejected_before_any_output(tmp_path, capsys):
    bad = tmp_path / "p.toml"
    bad.write_text('[province]\nname = "x"\n')
    out = tmp_path / "never"
    assert main(["run", "--province", str(bad), "--out", str(out), "--quiet"]) == 2
    assert "province file" in capsys.readouterr().err
    assert not out.exists()


def test_province_command_writes_a_loadable_copy_of_the_default(tmp_path):
    path = tmp_path / "qb.toml"
    assert main(["province", "--save", str(path)]) == 0
    assert load_province(path) == default_province()


def test_params_command_lists_every_parameter(capsys):
    assert main(["params", "--markdown"]) == 0
    text = capsys.readouterr().out
    assert "| credit_access |" in text and "facts" in text


def test_outputs_are_readable_by_others_and_leave_no_temporary_files(tmp_path):
    out = tmp_path / "o"
    main(["run", "--years", "1", "--out", str(out), *FAST])
    for path in out.iterdir():
        assert not path.name.startswith("."), path
        assert path.stat().st_mode & 0o044, path  # group/other may read (umask 022)


def test_network_is_written_when_asked(tmp_path):
    import networkx as nx

    out = tmp_path / "o"
    assert main(["run", "--years", "1", "--out", str(out), "--network", "net.graphml",
                 *FAST]) == 0
    g = nx.read_graphml(out / "net.graphml")
    assert any(k == "cooperative" for _, k in g.nodes(data="kind"))


def test_bad_network_suffix_is_rejected_before_work(tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", "--out", str(out), "--network", "net.png", *FAST]) == 2
    assert "--network must end in .graphml or .csv" in capsys.readouterr().err
    assert not out.exists()


def test_a_study_below_the_trusted_scale_is_warned_about(tmp_path, capsys):
    from coopsim.world.params import TRUSTED_SCALE

    assert main(["run", "--years", "1", "--out", str(tmp_path / "a"), *FAST]) == 0
    err = capsys.readouterr().err
    assert f"warning: scale 0.03 is below {TRUSTED_SCALE:g}" in err
    assert main(["run", "--years", "1", "--out", str(tmp_path / "b"), "--quiet",
                 "--scale", str(TRUSTED_SCALE)]) == 0
    assert "warning" not in capsys.readouterr().err
    # an experiment's scale may come from --set: every design point is looked at
    assert main(["compare", "baseline", "directive27", "--reps", "2", "--years", "1",
                 "--set", "scale=0.03", "--out", str(tmp_path / "c"), "--quiet",
                 "--workers", "1"]) == 0
    assert "warning: scale 0.03 is below" in capsys.readouterr().err
    # or from a scenario's [parameters], as a run would take it
    small = tmp_path / "small.toml"
    small.write_text('[scenario]\nname = "small"\n\n[parameters]\nscale = 0.03\n')
    assert main(["compare", "baseline", str(small), "--reps", "2", "--years", "1",
                 "--out", str(tmp_path / "d"), "--quiet", "--workers", "1"]) == 0
    assert "warning: scale 0.03 is below" in capsys.readouterr().err
