"""The --against pairing of benchmarks/bench_model.py: export and its errors (no timing)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import against  # noqa: E402


def test_unknown_commit_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="'no-such-commit' is not a commit"):
        against.export("no-such-commit", tmp_path)


def test_export_holds_the_commits_code(tmp_path):
    full = against.export("HEAD", tmp_path)
    assert len(full) == 40
    assert (tmp_path / "code" / "coopsim" / "__init__.py").is_file()


def test_report_gives_the_ratio():
    rep = {"commit": "a" * 40, "pairs": 3, "speedup": 1.25, "rss_ratio": 0.9,
           "median": {"A": {"wall_s": 5.0, "peak_rss_mib": 300.0},
                      "B": {"wall_s": 4.0, "peak_rss_mib": 270.0}}}
    text = against.report(rep)
    assert "speed-up A/B = 1.250x" in text and "peak RSS B/A = 0.900" in text
