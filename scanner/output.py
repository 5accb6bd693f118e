"""Atomic file output: a reader sees the old file or the whole new one, never half of one."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def _file_mode() -> int:
    """Return the mode a newly created file gets under the current umask (mkstemp always uses 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a temporary file beside `path`, then rename it over `path`."""
    write_all_atomic({path: text})


def write_all_atomic(files: dict[Path, str]) -> None:
    """Write several files so that a failed write replaces none of them.

    Every file is first written to a temporary name; only when all writes
    succeeded are they renamed into place. Targets that are directories are
    rejected before anything is written. A rename that still fails midway
    leaves the files renamed before it in place.
    """
    for path in files:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))

    mode = _file_mode()
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, str(path)) from exc
            staged.append((temporary, path))
            os.chmod(temporary, mode)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
                stream.flush()
                os.fsync(stream.fileno())
        for temporary, path in staged:
            os.replace(temporary, path)
    except BaseException:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        raise
