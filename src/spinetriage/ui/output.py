"""Render a result in a chosen format, and save or print it.

The formats are declared once, in the table `ResultFormat`: a member a format, with its name
(also its name on the command line), a note for --help and its renderer. A renderer takes the
result, the bank it was scored with (for answers in words and the ladder of tiers) and the
record the answers came from, if known (FHIR names it), and returns the text. Each imports what
it needs when called, so choosing a format costs only that format's imports, and the command
line can list the formats without importing the core.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from ..output_files import replaced_note, write_private

if TYPE_CHECKING:
    from rich.console import Console

    from ..answers.files import RecordId
    from ..bank.model import Questionnaire
    from ..scoring.result import Result

Renderer = Callable[["Result", "Questionnaire | None", "RecordId | None"], str]


def _text(result: Result, bank: Questionnaire | None, record_id: RecordId | None) -> str:
    from .summary import render_text

    return render_text(result, bank)


def _json(result: Result, bank: Questionnaire | None, record_id: RecordId | None) -> str:
    from ..scoring.result import result_to_dict

    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False) + "\n"


def _markdown(result: Result, bank: Questionnaire | None, record_id: RecordId | None) -> str:
    from .markdown import render_markdown

    return render_markdown(result, bank)


def _fhir(result: Result, bank: Questionnaire | None, record_id: RecordId | None) -> str:
    from ..fhir import identifier, result_bundle

    if bank is None:
        raise ValueError("the fhir format needs the question bank the result came from")
    found = identifier(record_id) if record_id is not None else None
    bundle = result_bundle(result, bank, identifier=found)
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


class ResultFormat(str, Enum):
    """The formats of a result; the member's name is the format's name (`--format NAME`)."""

    _value_: str
    #: what --help says of the format, if anything
    note: str
    #: the result (and the bank, needed by formats that restate the questions) as text
    render: Renderer

    def __new__(cls, name: str, note: str, render: Renderer) -> ResultFormat:
        member = str.__new__(cls, name)
        member._value_ = name
        member.note = note
        member.render = render
        return member

    text = "text", "default", _text
    json = "json", "", _json
    markdown = "markdown", "", _markdown
    fhir = "fhir", "a FHIR R4 Bundle", _fhir


def render(
    result: Result,
    fmt: ResultFormat,
    bank: Questionnaire | None = None,
    record_id: RecordId | None = None,
) -> str:
    return fmt.render(result, bank, record_id)


def save(
    result: Result,
    fmt: ResultFormat,
    output: Path,
    bank: Questionnaire | None = None,
    record_id: RecordId | None = None,
) -> None:
    """Write the rendering to `output` atomically, readable only by its owner (mode 0600); an
    existing file is replaced, and the message says so."""
    text = render(result, fmt, bank, record_id)
    replaced = replaced_note(output)
    write_private(output, text)
    sys.stderr.write(f"Saved the {fmt.name} result to {output}{replaced}\n")


def emit(
    result: Result,
    fmt: ResultFormat,
    output: Path | None,
    no_color: bool,
    bank: Questionnaire | None = None,
    record_id: RecordId | None = None,
    note: str | None = None,
    terminal: Console | None = None,
) -> None:
    """Save to `output` (atomically, mode 0600), or print to stdout (text as the summary).

    A result in an alert tier (emergency, urgent) that does not reach a terminal as the summary
    has its advice printed on `terminal` (default: stderr) once the result is written, or
    failed to be: whatever the format or the redirection, the person sees what to do.
    """
    summary_on_terminal = output is None and fmt is ResultFormat.text and is_tty(sys.stdout)
    advice = None
    if bank is not None and not summary_on_terminal:
        from .alerts import Advice

        advice = Advice.of_result(result, bank)
    try:
        if output is not None:
            save(result, fmt, output, bank, record_id)
        elif fmt is ResultFormat.text:
            from .summary import print_summary

            print_summary(result, bank, no_color=no_color, note=note)
        else:
            sys.stdout.write(render(result, fmt, bank, record_id))
    finally:
        # last, so that a long result on the same terminal does not push the advice away
        if advice is not None:
            from .alerts import print_advice

            print_advice(terminal or _stderr_console(no_color), advice)


def is_tty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):  # closed, or no file at all
        return False


def _stderr_console(no_color: bool) -> Console:
    from rich.console import Console

    return Console(stderr=True, no_color=no_color or None, highlight=False, emoji=False)
