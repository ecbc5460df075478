"""Which coopsim code is running: a digest of the package's files and the git commit.

Every run records both in its provenance. The experiment engine stores the digest with
an experiment and refuses to resume it with other code, or to keep a result that a
worker computed with other code (a Dask worker on a machine with another version).
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from pathlib import Path

__all__ = ["code_digest", "git_commit"]

_PACKAGE = Path(__file__).resolve().parent.parent  # the coopsim package
_SUFFIXES = (".py", ".toml", ".json", ".csv")


@functools.cache
def code_digest() -> str:
    """SHA-256 over the package's source and data files (paths and contents, sorted).

    Computed once per process (about 5 ms). Byte-compiled files and caches are left
    out, so the digest depends only on what the model does.
    """
    h = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.suffix in _SUFFIXES and "__pycache__" not in path.parts:
            h.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@functools.cache
def git_commit() -> str | None:
    """The commit of the checkout coopsim runs from (``+dirty`` if files changed).

    ``None`` when coopsim is not installed from a git checkout (then the version and
    :func:`code_digest` identify the code).
    """
    try:
        head = subprocess.run(["git", "-C", str(_PACKAGE), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=True)
        dirty = subprocess.run(["git", "-C", str(_PACKAGE), "status", "--porcelain",
                                "--untracked-files=no", "--", "."],
                               capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
