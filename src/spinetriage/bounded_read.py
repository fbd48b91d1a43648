"""Reading a whole input file, with a limit that holds for every kind of file."""

from __future__ import annotations

from pathlib import Path


def read_bounded(path: Path, limit: int) -> bytes | None:
    """A file's bytes, or None when it holds more than `limit`.

    The size is found by reading at most one byte past the limit, never from stat(): that says 0
    for a pipe or a device (`/dev/zero`, `<(yes)`), which would be read until memory ran out.
    """
    with path.open("rb") as stream:
        data = stream.read(limit + 1)
    return None if len(data) > limit else data
