"""Reading the project's TOML input files with one kind of error message.

Every input file (scenarios, sweep and calibration specs, targets, parameter sets) is
read through :func:`read_toml`, so an unreadable or malformed file is reported the
same way everywhere: the kind of file, its path and the reason, as the caller's own
error class (which the command line turns into exit status 2).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

__all__ = ["read_toml"]


def read_toml(path: str | Path, what: str, error: type[Exception]) -> dict[str, Any]:
    """Parse the TOML file at ``path``.

    Args:
        path: the file.
        what: what the file is, for the message (e.g. ``"scenario file"``).
        error: the exception class to raise.

    Raises:
        error: ``"<what> <path>: cannot be read (...)"`` or ``"... not valid TOML (...)"``.
    """
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise error(f"{what} {path}: cannot be read ({exc})") from None
    except UnicodeDecodeError as exc:
        raise error(f"{what} {path}: not valid TOML (not UTF-8: {exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what} {path}: not valid TOML ({exc})") from None
    except RecursionError:
        raise error(f"{what} {path}: not valid TOML (nested too deeply)") from None
