"""Refresh the golden baseline deliberately: python scripts/update_golden.py

Run this only when a change of model behaviour is intended; review and commit the diff
of tests/data/golden_baseline.json together with the change that explains it.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.golden import GOLDEN, summary  # noqa: E402

if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(summary(), indent=1) + "\n")
    print(f"wrote {GOLDEN}")
