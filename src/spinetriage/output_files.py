"""Writing result files: atomically, and readable only by their owner (they hold health data)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .errors import InputFileError

PRIVATE_MODE = 0o600


@contextlib.contextmanager
def atomic_writer(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream that becomes `path` only when the block ends without error.

    Written to a temporary file in the same folder (mode 0600) and renamed over the target at the
    end, so an interrupted run never leaves a half file that looks complete.
    """
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write here: {exc.strerror}") from None
    try:
        os.fchmod(fd, PRIVATE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def write_private(path: Path, content: str | bytes) -> None:
    """Write a whole file atomically, mode 0600; a failed write (a full disk) is an
    InputFileError naming the file, and leaves no file behind."""
    try:
        if isinstance(content, bytes):
            with atomic_writer(path, newline="") as stream:
                stream.buffer.write(content)
        else:
            with atomic_writer(path) as stream:
                stream.write(content)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write the file: {exc.strerror}") from None


def check_writable(path: Path) -> None:
    """Refuse at once a path that cannot be written, before any work that would be lost."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputFileError(f"{path}: cannot write here: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputFileError(f"{path}: cannot write here: the folder {folder} is not writable")


def refuse_overwriting(output: Path, *inputs: Path | str | None) -> None:
    """Refuse an output that is one of the files read: writing it would destroy the input."""
    for source in inputs:
        if source is None or source == "-":
            continue
        with contextlib.suppress(OSError):  # an output that does not exist yet is no input
            if os.path.samefile(source, output):
                raise InputFileError(f"{output}: this is the input file; write elsewhere")
