"""Run the installed `spinetriage` console script, as a user would, with a timeout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SPINETRIAGE = str(Path(sys.executable).parent / "spinetriage")


def run(
    *args: str,
    cwd: Path | None = None,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **(env or {})}
    return subprocess.run(
        [SPINETRIAGE, *args],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
        check=False,
    )
