"""The errors coopsim raises on purpose, in one hierarchy (a leaf module).

* :class:`InputError`: bad input (a parameter, a province, scenario, spec or targets
  file, a command-line option). Raised before any work starts; the message names the
  file, the field and the value. The command line prints it and exits with status 2.
* :class:`RefusedError`: the input is well formed but acting on it could give a
  wrong result or destroy one (a store in use by another process, a store whose
  inputs changed, a corrupt store, an output folder holding another kind of output).
  Also exit status 2, also before any work.
* :class:`RunsFailedError`: the work was done but some runs failed; what finished is
  written and reported, the failures are named. The command line exits with status 3.

Every other exception is a bug in coopsim and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["CoopsimError", "InputError", "ParameterError", "RefusedError", "RunsFailedError"]


class CoopsimError(Exception):
    """Base of the errors coopsim raises on purpose (the message is for the user)."""


class InputError(CoopsimError, ValueError):
    """Bad input; the message names the file (or option), the field and the value."""


class ParameterError(InputError):
    """A parameter name or value was rejected; the message names both."""


class RefusedError(CoopsimError):
    """Acting on this input could mix in, or overwrite, a result; nothing was done."""


class RunsFailedError(CoopsimError):
    """Some runs of an experiment failed; the message says how many and where to look."""
