"""Writing results: whole or not at all, readable only by their owner (they hold health data),
and never in place of something that is not a file.

- A regular file (or a new path) is written to a temporary file in the same folder and renamed
  over the target at the end, so a stopped run never leaves a half file that looks complete. On
  Linux the temporary file has no name until it is complete (O_TMPFILE): a run killed outright
  (SIGKILL, a power cut) leaves nothing behind. Elsewhere it is `.NAME.PID.XXXXXXXX.part`, and
  the next write to that folder removes those whose process is gone.
- A FIFO or a character device (a terminal, `/dev/null`) is written to directly: renaming over
  it would replace the device with a file. `/dev/stdout` (`/dev/fd/N`) is written through that
  descriptor, as the shell opened it. A folder, a block device or a socket is refused (exit 2).
- A write that fails (a full disk, a quota) is an `OutputError` naming the file (exit 2), and a
  regular file that was standard output is cut back to where this run started writing.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from .errors import InputFileError, OutputError

PRIVATE_MODE = 0o600
#: how much of the output's name a temporary name keeps: the temporary name must fit wherever
#: the output's name fits (255 bytes on most file systems)
NAME_KEPT = 40
#: `.NAME.PID.XXXXXXXX.part`, the temporary files this module names
_OUR_TEMPORARY = re.compile(r"\..*\.(?P<pid>[0-9]+)\.[a-z0-9_]{8}\.part")
#: /proc/self/fd/N names an open file: how a file made without a name is given one at the end
_OPEN_FILES = Path("/proc/self/fd")
_BUFFER_SIZE = 1 << 16
#: paths that name an open file of a process by its descriptor
_DESCRIPTOR_PATH = re.compile(
    r"/dev/(?:std(?P<name>in|out|err)|fd/(?P<fd>[0-9]+))"
    r"|/proc/(?P<pid>self|[0-9]+)/fd/(?P<pfd>[0-9]+)"
)
_STANDARD = {"in": 0, "out": 1, "err": 2}


class _ReportingFile(io.FileIO):
    """A file whose failed writes raise OutputError naming the output.

    Only the buffer's flushes reach this method, so it costs nothing per line written.
    """

    shown_as = ""

    def write(self, data: object) -> int:
        try:
            return super().write(data)  # type: ignore[arg-type]
        except OSError as exc:
            raise write_failed(self.shown_as, exc) from None


def write_failed(shown_as: str, exc: OSError) -> OutputError:
    return OutputError(f"{shown_as}: cannot write the file: {exc.strerror}; nothing was saved")


class _Output:
    """A text stream over a file descriptor: as a context manager, flushed at the end of the
    block, or dropped unwritten when the block fails."""

    def __init__(self, fd: int, shown_as: str, newline: str | None, owns_fd: bool) -> None:
        self.raw = _ReportingFile(fd, "w", closefd=owns_fd)
        self.raw.shown_as = shown_as
        buffered = io.BufferedWriter(self.raw, _BUFFER_SIZE)
        self.text = io.TextIOWrapper(buffered, encoding="utf-8", newline=newline)

    def __enter__(self) -> TextIO:
        return self.text

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            try:
                self.text.flush()
            except BaseException:
                self._abandon()
                raise
            self.text.close()
        else:
            self._abandon()

    def _abandon(self) -> None:
        """Drop what is still buffered: the output is being thrown away, and a flush could fail
        again (a full disk) in place of the error that is being reported."""
        self.raw.close()


def _descriptor(path: Path) -> int | None:
    """The file descriptor `path` names, if it names one of this process's open files
    (`/dev/stdout`, `/dev/fd/3`, `/proc/self/fd/3`): written through, whatever the file is."""
    found = _DESCRIPTOR_PATH.fullmatch(os.path.abspath(path))
    if found is None or found["pid"] not in (None, "self", str(os.getpid())):
        return None
    if found["name"] is not None:
        return _STANDARD[found["name"]]
    return int(found["fd"] or found["pfd"])


def writes_directly(path: Path) -> bool:
    """Whether `path` is written in place: an open file of this process (`/dev/stdout`, which is
    then written as it was opened, `>>` appending), a FIFO or a character device. A folder, a
    block device or a socket is refused (InputFileError, exit 2)."""
    if _descriptor(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write here: {exc.strerror}") from None
    if stat.S_ISREG(mode):
        return False
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return True
    what = "a folder" if stat.S_ISDIR(mode) else "neither a file, a pipe nor a terminal"
    raise InputFileError(f"{path}: cannot write here: this is {what}; name a file")


@contextlib.contextmanager
def atomic_writer(path: Path, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream that becomes `path` only when the block ends without error (see above).

    A symbolic link is followed: the file it names is replaced, and the link stays a link.
    """
    if writes_directly(path):
        with _direct_writer(path, newline) as stream:
            yield stream
        return
    target = Path(os.path.realpath(path))
    remove_stale_temporaries(target.parent)
    fd, temp_name = _new_file(target.parent, target.name, str(path))
    try:
        with _Output(fd, str(path), newline, owns_fd=False) as stream:
            yield stream
        try:
            os.fsync(fd)
            if temp_name is None:
                temp_name = _name_open_file(fd, target)
            os.replace(temp_name, target)
        except OSError as exc:
            raise write_failed(str(path), exc) from None
        temp_name = None
    finally:
        os.close(fd)
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)


@contextlib.contextmanager
def _direct_writer(path: Path, newline: str | None) -> Iterator[TextIO]:
    """An open file, a FIFO or a device, written in place (opening a FIFO waits for its reader)."""
    descriptor = _descriptor(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC) if descriptor is None else os.dup(descriptor)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot write here: {exc.strerror}") from None
    with _Output(fd, str(path), newline, owns_fd=True) as stream:
        yield stream


def _new_file(folder: Path, name: str, shown_as: str) -> tuple[int, str | None]:
    """An owner-only file in `folder` and its temporary name: no name (None) where the system
    can make a file without one (Linux's O_TMPFILE), else `.NAME.PID.XXXXXXXX.part`."""
    if hasattr(os, "O_TMPFILE") and _OPEN_FILES.is_dir():
        with contextlib.suppress(OSError):  # a file system without it: a named file then
            fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, PRIVATE_MODE)
            os.fchmod(fd, PRIVATE_MODE)  # exactly, whatever the umask
            return fd, None
    try:
        fd, temp_name = tempfile.mkstemp(
            prefix=f".{name[:NAME_KEPT]}.{os.getpid()}.", suffix=".part", dir=folder
        )
    except OSError as exc:
        raise InputFileError(f"{shown_as}: cannot write here: {exc.strerror}") from None
    os.fchmod(fd, PRIVATE_MODE)
    return fd, temp_name


def _name_open_file(fd: int, target: Path) -> str:
    """Give the complete, unnamed file a temporary name next to `target`, to rename it over."""
    open_files = os.open(_OPEN_FILES, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        while True:
            token = secrets.token_hex(4)
            temp_name = f"{target.parent}/.{target.name[:NAME_KEPT]}.{os.getpid()}.{token}.part"
            try:
                # a directory fd makes this linkat(), which follows the /proc link to the file
                os.link(str(fd), temp_name, src_dir_fd=open_files, follow_symlinks=True)
            except FileExistsError:
                continue
            return temp_name
    finally:
        os.close(open_files)


def remove_stale_temporaries(folder: Path) -> None:
    """Remove this module's temporary files in `folder` left by a process that no longer runs
    (killed outright where files cannot be made without a name), so no half-written health data
    lingers. Another user's files, and files of processes still running, are left alone."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            found = _OUR_TEMPORARY.fullmatch(entry.name)
            if found is None or _process_runs(int(found["pid"])):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_uid == os.getuid():
                    os.unlink(entry.path)


def _process_runs(pid: int) -> bool:
    if pid <= 0 or pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs, as another user
        return True
    return True


def write_private(path: Path, content: str | bytes) -> None:
    """Write a whole file atomically, mode 0600 (text, or bytes such as an XLSForm); a failed
    write (a full disk) is an OutputError naming the file, and leaves no file behind."""
    with atomic_writer(path, newline="" if isinstance(content, bytes) else None) as stream:
        if isinstance(content, bytes):
            stream.flush()
            stream.buffer.write(content)
        else:
            stream.write(content)


#: what the message about a saved file adds when the file replaced one that was there: an
#: existing output is replaced (atomically, at the end), never refused, and always told
REPLACED = " (it replaced the file that was there)"


def replaced_note(path: Path) -> str:
    """REPLACED if `path` holds a file now (ask before writing it), else nothing."""
    return REPLACED if path.is_file() else ""


def check_writable(path: Path) -> None:
    """Refuse at once a path that cannot be written, before any work that would be lost."""
    if writes_directly(path):
        if not os.access(path, os.W_OK):
            raise InputFileError(f"{path}: cannot write here: not writable")
        return
    folder = Path(os.path.realpath(path)).parent if path.is_symlink() else path.parent
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


class StandardOutput:
    """Standard output as the run found it, to report a failed write (a full disk, /dev/full).

    When it is a regular file of its own (`> out.csv`: not appended to, not shared with
    stderr), what this run wrote is cut away, so no half output is left that could pass for a
    whole one. Either way it then points at the null device, so the text still buffered is not
    written later, when Python exits.
    """

    def __init__(self) -> None:
        self._start = _own_file_offset()

    def failed(self, exc: OSError) -> OutputError:
        kept = "the output is incomplete"
        if self._start is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(1, self._start)
                kept = "nothing of it was kept"
        silence_stdout()
        return OutputError(f"standard output: cannot write: {exc.strerror}; {kept}")


def silence_stdout() -> None:
    """Point standard output at the null device: it can take nothing more (a closed pipe, a full
    disk), and Python would otherwise fail again, with a traceback, flushing it on the way out."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno() if sys.stdout is not None else 1)
        os.close(null)


def _own_file_offset() -> int | None:
    """Where this run starts writing standard output, if it is a regular file of its own."""
    try:
        import fcntl  # POSIX only: elsewhere nothing is cut away

        out, err = os.fstat(1), os.fstat(2)
        if not stat.S_ISREG(out.st_mode) or (out.st_dev, out.st_ino) == (err.st_dev, err.st_ino):
            return None
        if fcntl.fcntl(1, fcntl.F_GETFL) & os.O_APPEND:
            return None
        return os.lseek(1, 0, os.SEEK_CUR)
    except (ImportError, OSError):
        return None
