"""Fault injection in a temporary folder: FIFOs, device nodes, a tiny file system, and a look
at which files a running process holds open. Never a real system file: every node is made here.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

#: (major, minor) of Linux's memory devices: a node made with these behaves like the device
NULL_DEVICE = (1, 3)
FULL_DEVICE = (1, 7)
#: a loop block device: made only to check that it is refused, never opened
LOOP_DEVICE = (7, 0)


def device_node(path: Path, numbers: tuple[int, int], kind: int = stat.S_IFCHR) -> Path:
    """A device node of our own in a temporary folder; the test is skipped where mknod is not
    permitted (not root, or a container without the capability)."""
    try:
        os.mknod(path, kind | 0o600, os.makedev(*numbers))
    except (PermissionError, AttributeError) as exc:
        pytest.skip(f"cannot make a device node here (mknod: {exc})")
    return path


@contextlib.contextmanager
def small_file_system(folder: Path, size: str = "16k") -> Iterator[Path]:
    """A tmpfs of `size` mounted on `folder`: it fills up after a few kilobytes. Skipped where
    mounting is not allowed (not root, or CI without the capability)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=30, check=False)


def open_files_in(pid: int, folder: Path) -> list[str]:
    """What a process holds open in `folder` (a file without a name shows as `#N (deleted)`)."""
    found = []
    with contextlib.suppress(OSError), os.scandir(f"/proc/{pid}/fd") as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                target = os.readlink(entry.path)
                if target.startswith(f"{folder}/"):
                    found.append(target)
    return found


def wait_until_writing(process: subprocess.Popen[bytes], folder: Path, timeout: float) -> None:
    """Wait until the process has opened its output file in `folder` (named or not)."""
    deadline = time.monotonic() + timeout
    while not open_files_in(process.pid, folder):
        assert time.monotonic() < deadline, "the command never started writing"
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)


def wait_until_waiting_for_input(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until the process sleeps reading an empty pipe: every row it was given is done.

    Linux names where a process sleeps in /proc/PID/wchan; where that is hidden ("0"), wait a
    moment instead."""
    deadline = time.monotonic() + timeout
    wchan = Path(f"/proc/{process.pid}/wchan")
    while True:
        try:
            where = wchan.read_text()
        except OSError:
            where = "0"
        if where in ("", "0"):
            time.sleep(0.5)
            return
        if "pipe" in where:
            return
        assert time.monotonic() < deadline, f"the command never waited for input ({where})"
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
