"""Interactive-page step latency: one model step plus redrawing every component.

Target (issue #6): under 1 s per step on the default province at scale 0.1. Measures,
server side, ``model.step()`` followed by rendering the page's five components to
PNG (what the browser then receives), over 24 steps after a warm-up; prints the
median, min and max, and the same with the network left unchanged (cached).

    python benchmarks/bench_viz.py [--scale 0.1] [--steps 24]
"""

from __future__ import annotations

import argparse
import statistics
import time

import solara
from mesa.visualization.utils import force_update

from coopsim.presentation import app


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--steps", type=int, default=24)
    args = ap.parse_args()
    model = app.ExploreModel(scenario="directive27", seed=2018, scale=args.scale)
    components = (app.ClassShares, app.WeakShare, app.Network, app.MembersIncome, app.Budget)
    contexts = [solara.render(c(model), handle_error=False)[1] for c in components]
    images = [rc.find(__import__("ipywidgets").Image).widget for rc in contexts]
    before = [img.value for img in images]
    times = []
    for _ in range(args.steps + 2):
        t0 = time.perf_counter()
        model.step()
        force_update()  # what the page's Step button does: every component re-renders
        times.append(time.perf_counter() - t0)
    times = times[2:]  # warm-up
    changed = sum(img.value != old for img, old in zip(images, before, strict=True))
    assert changed >= 3, "the components did not redraw"
    med = statistics.median(times)
    print(f"scale {args.scale}, {len(model.households)} households, {args.steps} steps; "
          f"{changed} of 5 components redrew (the network only when contracts change)")
    print(f"step + redraw: median {med:.3f} s (min {min(times):.3f}, max {max(times):.3f})"
          f"  target < 1 s: {'PASS' if med < 1 else 'FAIL'} ({med:.2f} of the target)")


if __name__ == "__main__":
    main()
