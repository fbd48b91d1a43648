"""Render a result in a chosen format, and save or print it."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

from ..files import write_private
from ..result import Result, result_to_dict


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


def render(result: Result, fmt: OutputFormat) -> str:
    if fmt is OutputFormat.json:
        return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"
    from .summary import render_text

    return render_text(result)


def emit(result: Result, fmt: OutputFormat, output: Path | None, no_color: bool) -> None:
    """Save to `output` (atomically, mode 0600) or print to stdout."""
    if output is not None:
        write_private(output, render(result, fmt))
        sys.stderr.write(f"Saved the {fmt.value} result to {output}\n")
    elif fmt is OutputFormat.text:
        from .summary import print_summary

        print_summary(result, no_color=no_color)
    else:
        sys.stdout.write(render(result, fmt))
