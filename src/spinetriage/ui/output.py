"""Render a result in a chosen format, and save or print it.

One renderer a format, in the table `RENDERERS`: a renderer takes the result and the bank it
was scored with (for answers in words and the ladder of tiers) and returns the text. Each
imports what it needs when called, so choosing a format costs only that format's imports.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from ..bank.model import Questionnaire
from ..output_files import write_private
from ..scoring.result import Result, result_to_dict


class OutputFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    fhir = "fhir"


def _text(result: Result, bank: Questionnaire | None) -> str:
    from .summary import render_text

    return render_text(result, bank)


def _json(result: Result, bank: Questionnaire | None) -> str:
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"


def _markdown(result: Result, bank: Questionnaire | None) -> str:
    from .markdown import render_markdown

    return render_markdown(result, bank)


def _fhir(result: Result, bank: Questionnaire | None) -> str:
    from ..fhir import result_bundle

    if bank is None:
        raise ValueError("the fhir format needs the question bank the result came from")
    return json.dumps(result_bundle(result, bank), indent=2, ensure_ascii=False) + "\n"


#: how each format renders a result (the bank is needed by formats that restate the questions)
RENDERERS: dict[OutputFormat, Callable[[Result, Questionnaire | None], str]] = {
    OutputFormat.text: _text,
    OutputFormat.json: _json,
    OutputFormat.markdown: _markdown,
    OutputFormat.fhir: _fhir,
}


def render(result: Result, fmt: OutputFormat, bank: Questionnaire | None = None) -> str:
    return RENDERERS[fmt](result, bank)


def save(
    result: Result, fmt: OutputFormat, output: Path, bank: Questionnaire | None = None
) -> None:
    """Write the rendering to `output` atomically, readable only by its owner (mode 0600)."""
    write_private(output, render(result, fmt, bank))
    sys.stderr.write(f"Saved the {fmt.value} result to {output}\n")


def emit(
    result: Result,
    fmt: OutputFormat,
    output: Path | None,
    no_color: bool,
    bank: Questionnaire | None = None,
) -> None:
    """Save to `output` (atomically, mode 0600), or print to stdout (text as the summary)."""
    if output is not None:
        save(result, fmt, output, bank)
    elif fmt is OutputFormat.text:
        from .summary import print_summary

        print_summary(result, bank, no_color=no_color)
    else:
        sys.stdout.write(render(result, fmt, bank))
