"""Output files and folders: written whole or not at all, never over another output.

* :func:`atomic_write` writes text, bytes, a table (CSV or Parquet, by suffix), arrays
  (``.npz``) or a matplotlib figure (by suffix) to a temporary file in the same folder
  and renames it into place, so a crash or a kill never leaves a half-written file.
* :func:`check_folder` and :func:`claim_folder` keep each output folder to one kind of
  output (a run, a comparison, a sweep...): every coopsim command marks the folder it
  writes (:data:`MARKER`) and refuses a folder holding another command's output, or
  files coopsim did not write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from coopsim.core.errors import InputError, RefusedError

__all__ = ["MARKER", "atomic_write", "check_folder", "claim_folder", "record_outputs"]

#: the file that says which command wrote a folder
MARKER = "coopsim-output.json"


def atomic_write(path: str | Path, content: Any, dpi: int = 110) -> Path:
    """Write ``content`` to ``path`` through a temporary file and a rename.

    Args:
        path: the file; its suffix picks the format of tables (``.csv``, ``.parquet``)
            and figures (any format matplotlib writes, e.g. ``.png``).
        content: ``str``, ``bytes``, a pandas DataFrame, a dict of numpy arrays
            (written as ``.npz``) or a matplotlib Figure.
        dpi: resolution of a figure.

    Returns:
        ``path``.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            _write(content, fh, path.suffix, dpi)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _write(content: Any, fh: BinaryIO, suffix: str, dpi: int) -> None:
    """Write ``content`` into the open file.

    Arrays and figures go straight into it: a full run's household snapshots are about
    50 MB, which a copy in memory (and the bytes taken from it) would triple.
    """
    if isinstance(content, str):
        fh.write(content.encode("utf-8"))
    elif isinstance(content, bytes):
        fh.write(content)
    elif isinstance(content, dict):
        import numpy as np

        np.savez(fh, **content)
    elif hasattr(content, "savefig"):
        content.savefig(fh, format=suffix.lstrip(".") or "png", dpi=dpi)
    elif suffix == ".parquet":
        content.to_parquet(fh, index=False)
    else:
        fh.write(content.to_csv(index=False).encode("utf-8"))


def check_folder(path: str | Path, kind: str) -> Path:
    """Check that ``coopsim <kind>`` may write into ``path`` (nothing is written).

    It may if the folder does not exist but can be created, is empty, or holds output
    of the same kind, and if it can be written.

    Raises:
        InputError: ``path`` is a file, or cannot be created or written.
        RefusedError: the folder holds another kind of output, or files coopsim did
            not write.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path} is a file; give a folder (it is created if missing)")
    if not path.exists():
        _check_creatable(path)
        return path
    _check_writable(path)
    other = _marker(path).get("kind")
    if other is None and any(path.iterdir()):
        raise RefusedError(f"--out {path} is not empty and holds no coopsim output (or was "
                           "written by a coopsim older than 0.1's output markers); choose a "
                           "new or empty folder, so that no file of yours is overwritten")
    if other is not None and other != kind:
        raise RefusedError(f"--out {path} holds the output of `coopsim {other}`; "
                           f"`coopsim {kind}` would overwrite or mix with it: choose "
                           "another folder")
    return path


def _check_creatable(path: Path) -> None:
    """Raise :class:`InputError` unless the missing folder ``path`` can be created.

    Tried for real (a temporary folder made and removed in the nearest existing
    parent): permissions alone do not tell, for root or on a read-only file system.
    """
    ancestor = path.absolute().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"--out {path} cannot be created: {ancestor} is a file")
    try:
        os.rmdir(tempfile.mkdtemp(dir=ancestor, prefix=".coopsim-check-"))
    except OSError as exc:
        raise InputError(f"--out {path} cannot be created in {ancestor} ({exc.strerror})"
                         ) from None


def _check_writable(path: Path) -> None:
    """Raise :class:`InputError` unless a file can be created in the folder ``path``."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path, prefix=".coopsim-check-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise InputError(f"--out {path} cannot be written ({exc.strerror})") from None


def _marker(path: Path) -> dict:
    """The folder's marker (``{}`` if there is none; an unreadable one names no kind)."""
    marker = path / MARKER
    if not marker.is_file():
        return {}
    try:
        data = json.loads(marker.read_text("utf-8"))
        return data if isinstance(data, dict) and "kind" in data else \
            {"kind": "an unknown command"}
    except (OSError, ValueError):
        return {"kind": "an unknown command"}


def claim_folder(path: str | Path, kind: str) -> Path:
    """Create ``path`` if needed and mark it as ``coopsim <kind>`` output.

    The marker is created exclusively, so of two commands claiming one new folder at
    once, the second sees the first's mark (and is refused if it is of another kind).

    Raises:
        InputError, RefusedError: as :func:`check_folder`.
    """
    path = check_folder(path, kind)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path / MARKER, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return check_folder(path, kind)  # claimed already (by us before, or just now)
    except OSError as exc:
        raise InputError(f"--out {path} cannot be created ({exc})") from None
    from coopsim import __version__

    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump({"kind": kind, "coopsim": __version__, "created": _now(), "files": []}, fh)
    return path


def record_outputs(path: str | Path, files: Iterable[str | Path]) -> None:
    """List ``files`` in the folder's marker; delete what the last run listed, not this.

    So a folder never holds the tables of one run beside a snapshot or network file
    of an earlier one.
    """
    path = Path(path)
    marker = _marker(path)
    names = sorted({Path(f).name for f in files})
    for old in set(marker.get("files", [])) - set(names):
        if Path(old).name == old and old != MARKER:  # a plain name in this folder
            (path / old).unlink(missing_ok=True)
    atomic_write(path / MARKER, json.dumps({**marker, "files": names, "updated": _now()},
                                           indent=1) + "\n")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
