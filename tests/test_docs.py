"""The documents cite tests that exist (a guarantee without its test is a claim only)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _test_names() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        names |= {f"{path.name}::{n}" for n in re.findall(r"^def (test_\w+)", path.read_text(),
                                                           re.M)}
    return names


def test_every_test_cited_in_the_guarantees_exists():
    text = (ROOT / "docs" / "experiments.md").read_text("utf-8")
    known = _test_names()
    bare = {name.split("::")[1] for name in known}
    cited = re.findall(r"`(?:(test_\w+\.py)::)?(test_\w+)`", text)
    assert len(cited) >= 20
    missing = [f"{f}::{n}" if f else n for f, n in cited
               if (f"{f}::{n}" not in known if f else n not in bare)]
    assert missing == [], missing
