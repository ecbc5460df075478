"""Experiment engine: designs, executors, results store, statistics and sensitivity analysis.

What varies (:mod:`~coopsim.experiment.designs`), how runs execute
(:mod:`~coopsim.experiment.executors`), where results go (:mod:`~coopsim.experiment.store`),
the driver (:mod:`~coopsim.experiment.engine`), and analysis afterwards
(:mod:`~coopsim.experiment.stats`, :mod:`~coopsim.experiment.sensitivity`,
:mod:`~coopsim.experiment.compare`). May import the policy, model, world and core layers
(and the presentation layer's plot functions only inside the functions that write
figures, which the command line calls).
"""

from coopsim.experiment.designs import (
    Design,
    RunSpec,
    explicit,
    full_factorial,
    latin_hypercube,
    scenario_comparison,
    sobol_sequence,
)
from coopsim.experiment.engine import execute, run_experiment
from coopsim.experiment.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from coopsim.experiment.store import Store

__all__ = ["DaskExecutor", "Design", "ProcessExecutor", "RunSpec", "SerialExecutor", "Store",
           "execute", "explicit", "full_factorial", "latin_hypercube", "run_experiment",
           "scenario_comparison", "sobol_sequence"]
