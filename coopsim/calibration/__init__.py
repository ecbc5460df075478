"""Calibration and validation against observed figures.

Targets as data (:mod:`~coopsim.calibration.targets`), the figures they name
(:mod:`~coopsim.calibration.figures`), the calibration spec
(:mod:`~coopsim.calibration.spec`), the APMC sampler (:mod:`~coopsim.calibration.apmc`)
run on the experiment engine (:mod:`~coopsim.calibration.fit`), and the fit report
(:mod:`~coopsim.calibration.report`). This layer comes after the experiment engine and
the plots; nothing before it imports it.
"""

from coopsim.calibration.calibrate import METHOD, CalibrationResult, calibrate
from coopsim.calibration.figures import FIGURES, Measures, measure
from coopsim.calibration.fit import CalibrationError
from coopsim.calibration.spec import CalibrationSpec, default_spec_path, load_spec
from coopsim.calibration.targets import Target, TargetError, TargetSet, load_targets

__all__ = ["FIGURES", "METHOD", "CalibrationError", "CalibrationResult", "CalibrationSpec",
           "Measures", "Target", "TargetError", "TargetSet", "calibrate", "default_spec_path",
           "load_spec", "load_targets", "measure"]
