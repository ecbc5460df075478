"""Regenerate the README figure from a full-scale run: python scripts/make_readme_figure.py"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from coopsim.policy.runner import run  # noqa: E402
from coopsim.presentation.plots import plot_class_shares  # noqa: E402

if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/figures/class_shares.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    result = run(seed=2018, years=10)
    fig = plot_class_shares(result.yearly, title="Default province, baseline (seed 2018)")
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")
