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
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from coopsim.core.errors import InputError, RefusedError

__all__ = ["MARKER", "atomic_write", "check_folder", "claim_folder"]

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
    data = _encode(content, path.suffix, dpi)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _encode(content: Any, suffix: str, dpi: int) -> bytes:
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, bytes):
        return content
    buf = io.BytesIO()
    if isinstance(content, dict):
        import numpy as np

        np.savez(buf, **content)
    elif hasattr(content, "savefig"):
        content.savefig(buf, format=suffix.lstrip(".") or "png", dpi=dpi)
    elif suffix == ".parquet":
        content.to_parquet(buf, index=False)
    else:
        return content.to_csv(index=False).encode("utf-8")
    return buf.getvalue()


def check_folder(path: str | Path, kind: str) -> Path:
    """Check that ``coopsim <kind>`` may write into ``path`` (nothing is written).

    It may if the folder does not exist, is empty, or holds output of the same kind.

    Raises:
        InputError: ``path`` is a file.
        RefusedError: the folder holds another kind of output, or files coopsim did
            not write.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"--out {path} is a file; give a folder (it is created if missing)")
    if not path.exists():
        return path
    marker = path / MARKER
    if marker.is_file():
        try:
            other = json.loads(marker.read_text("utf-8"))["kind"]
        except (OSError, ValueError, KeyError, TypeError):
            other = "an unknown command"
        if other != kind:
            raise RefusedError(f"--out {path} holds the output of `coopsim {other}`; "
                               f"`coopsim {kind}` would overwrite or mix with it: choose "
                               "another folder")
        return path
    if any(path.iterdir()):
        raise RefusedError(f"--out {path} is not empty and holds no coopsim output; "
                           "choose a new or empty folder, so that no file of yours is "
                           "overwritten")
    return path


def claim_folder(path: str | Path, kind: str) -> Path:
    """Create ``path`` if needed and mark it as ``coopsim <kind>`` output.

    Raises:
        InputError, RefusedError: as :func:`check_folder`.
    """
    path = check_folder(path, kind)
    path.mkdir(parents=True, exist_ok=True)
    if not (path / MARKER).exists():
        from coopsim import __version__

        atomic_write(path / MARKER, json.dumps(
            {"kind": kind, "coopsim": __version__,
             "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}) + "\n")
    return path
