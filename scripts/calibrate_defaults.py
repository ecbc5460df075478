"""Reproduce (or redo) the calibration behind the shipped default parameters.

Runs the shipped calibration spec (coopsim/data/calibration_quang_binh.toml: targets,
priors, APMC settings, seed) on the experiment engine into ``--out`` (resumable: run
it again to continue), then compares the fitted values with the shipped record
(coopsim/data/calibration_record.json), from which ``coopsim.world.params`` takes the
defaults of the calibrated parameters.

    python scripts/calibrate_defaults.py                 # reproduce and compare
    python scripts/calibrate_defaults.py --install       # ship a new calibration

``--install`` copies the new record into the package. A deliberate update then also
needs ``python scripts/update_golden.py``, the benchmarks and the figures quoted in
docs/ODD.md (section 8) refreshed.
"""

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from coopsim.calibration import calibrate, load_spec
from coopsim.experiment import DaskExecutor, ProcessExecutor
from coopsim.presentation.report import write_fit_report

RECORD = Path(__file__).resolve().parents[1] / "coopsim" / "data" / "calibration_record.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/calibration")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--scheduler", default=None, help="Dask scheduler address")
    ap.add_argument("--install", action="store_true", help="ship the new record")
    args = ap.parse_args()
    executor = DaskExecutor(args.scheduler) if args.scheduler else ProcessExecutor(args.workers)
    t0 = time.perf_counter()
    spec = load_spec()
    result = calibrate(spec, args.out, executor)
    write_fit_report(result, spec, args.out)
    print(f"calibration done in {time.perf_counter() - t0:.0f} s, {result.record['runs']} runs")
    print(result.summary.round(4).to_string(index=False))
    print(result.report[["figure", "year", "use", "scenario", "low", "high", "mean",
                         "inside"]].round(4).to_string(index=False))
    if args.install:
        shutil.copyfile(Path(args.out) / "calibration_record.json", RECORD)
        print(f"installed {RECORD}; now run scripts/update_golden.py")
        return 0
    shipped = json.loads(RECORD.read_text("utf-8"))["fitted"] if RECORD.exists() else {}
    same = shipped == result.fitted
    print("fitted values", "equal" if same else "DIFFER from", "the shipped record:",
          {k: (shipped.get(k), v) for k, v in result.fitted.items()})
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
