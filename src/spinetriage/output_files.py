"""Writing result files: atomically, and readable only by their owner (they hold health data)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputFileError

PRIVATE_MODE = 0o600


@contextlib.contextmanager
def atomic_writer(path: Path, newline: str | None = None) -> Iterator[IO[str]]:
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


def write_private(path: Path, text: str) -> None:
    with atomic_writer(path) as stream:
        stream.write(text)


#: what the message about a saved file adds when the file replaced one that was there: an
#: existing output is replaced (atomically, at the end), never refused, and always told
REPLACED = " (it replaced the file that was there)"


def replaced_note(path: Path) -> str:
    """REPLACED if `path` holds a file now (ask before writing it), else nothing."""
    return REPLACED if path.is_file() else ""


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
