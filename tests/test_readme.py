"""The README's two commands exist as written, and the main job runs."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _make_target(name: str) -> list[str]:
    text = (ROOT / "Makefile").read_text()
    body = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", text, re.M)
    assert body, f"Makefile has no '{name}' target"
    return [line.strip() for line in body.group(1).splitlines()]


def test_readme_names_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_make_test_runs_pytest_and_make_demo_runs_coopsim():
    assert any("pytest" in line for line in _make_target("test"))
    assert any("coopsim compare" in line for line in _make_target("demo"))


def test_the_demo_command_runs_the_comparison_on_the_default_province(tmp_path):
    """The main job exactly as the Makefile writes it (full scale; ~1 minute here)."""
    line = next(x for x in _make_target("demo") if "coopsim compare" in x)
    args = shlex.split(line.split("coopsim", 1)[1])
    out_at = args.index("--out") + 1
    args[out_at] = str(tmp_path / "demo")
    proc = subprocess.run([sys.executable, "-m", "coopsim.cli", *args, "--quiet"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "directive27" in proc.stdout and "weak %" in proc.stdout
    yearly = pd.read_csv(tmp_path / "demo" / "runs_yearly.csv")
    assert sorted(yearly.year.unique()) == list(range(2018, 2028))
    assert yearly.groupby("scenario").run_id.nunique().tolist() == [10, 10]
    assert (tmp_path / "demo" / "report.md").exists()
