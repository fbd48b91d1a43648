"""Short generated narratives: every resource says in a few words of XHTML what it holds.

FHIR asks for `text.div` to be an XHTML `div` in the XHTML namespace, holding only basic
formatting elements (txt-1) and some text (txt-2). The helpers here build it from plain text,
escaped on the way in, so a value from a file (a record id, an answer) can never add markup;
characters XML cannot hold are replaced (`fhir_string`).
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from .common import Resource, fhir_string

_DIV = '<div xmlns="http://www.w3.org/1999/xhtml">'


def words(text: str) -> str:
    """Plain text as XHTML content."""
    return escape(fhir_string(text), quote=False)


def paragraph(text: str, label: str = "") -> str:
    """`<p>`, with a bold label before the text when one is given."""
    lead = f"<b>{words(label)}</b>: " if label else ""
    return f"<p>{lead}{words(text)}</p>"


def heading(text: str) -> str:
    """A bold line before a list or a table."""
    return f"<p><b>{words(text)}</b></p>"


def bullets(items: Iterable[str]) -> str:
    """A list of plain-text items; nothing at all when there are none (a list needs an item)."""
    shown = "".join(f"<li>{words(item)}</li>" for item in items)
    return f"<ul>{shown}</ul>" if shown else ""


def row(*cells: str) -> str:
    """A table row of plain-text cells (made apart from its table, so a caller may keep it)."""
    return "<tr>" + "".join(f"<td>{words(cell)}</td>" for cell in cells) + "</tr>"


def table(header: tuple[str, ...], rows: Iterable[str]) -> str:
    """A table of rows (made with `row`) under a header row of plain text."""
    head = "".join(f"<th>{words(cell)}</th>" for cell in header)
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def narrative(*blocks: str) -> Resource:
    """A resource's `text`: the blocks (built with the helpers above) in one generated div."""
    return {"status": "generated", "div": _DIV + "".join(blocks) + "</div>"}
