"""``coopsim.policy.runner``: where :func:`run` was before the layer packages (kept for imports).

The run seam lives in :mod:`coopsim.policy.runner`.
"""

from coopsim.policy.runner import RunResult, provenance, release, run, validate_run_args

__all__ = ["RunResult", "provenance", "release", "run", "validate_run_args"]
