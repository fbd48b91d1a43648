"""The command line: the only package that knows typer. Commands are thin; the core does the work.

`app` holds the typer application and the options its commands share, `commands` the commands
(each parses its options, calls the core and prints), `entry` the console-script entry that
turns every error into one message and a documented exit code.
"""

from __future__ import annotations

from ..ui.output import ResultFormat
from .app import app
from .commands import COMMANDS
from .entry import main

__all__ = ["COMMANDS", "ResultFormat", "app", "main"]
