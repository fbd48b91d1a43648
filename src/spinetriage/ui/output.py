"""Render a result in a chosen format, and save or print it."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from ..files import write_private
from ..model import Questionnaire
from ..result import Result, result_to_dict


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    fhir = "fhir"


def _text(result: Result, bank: Questionnaire | None) -> str:
    from .summary import render_text

    return render_text(result)


def _json(result: Result, bank: Questionnaire | None) -> str:
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"


def _fhir(result: Result, bank: Questionnaire | None) -> str:
    from ..fhir import result_bundle

    if bank is None:
        raise ValueError("the fhir format needs the question bank the result came from")
    return json.dumps(result_bundle(result, bank), indent=2, ensure_ascii=False) + "\n"


#: how each format renders a result (the bank is needed by formats that restate the questions)
RENDERERS: dict[OutputFormat, Callable[[Result, Questionnaire | None], str]] = {
    OutputFormat.text: _text,
    OutputFormat.json: _json,
    OutputFormat.fhir: _fhir,
}


def render(result: Result, fmt: OutputFormat, bank: Questionnaire | None = None) -> str:
    return RENDERERS[fmt](result, bank)


def emit(
    result: Result,
    fmt: OutputFormat,
    output: Path | None,
    no_color: bool,
    bank: Questionnaire | None = None,
) -> None:
    """Save to `output` (atomically, mode 0600) or print to stdout."""
    if output is not None:
        write_private(output, render(result, fmt, bank))
        sys.stderr.write(f"Saved the {fmt.value} result to {output}\n")
    elif fmt is OutputFormat.text:
        from .summary import print_summary

        print_summary(result, no_color=no_color)
    else:
        sys.stdout.write(render(result, fmt, bank))
