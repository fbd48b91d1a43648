"""Render the data dictionary as a rich table, CSV or JSON.

Every choice is listed with its code (what an answer file or a CSV cell holds) and its label
(what the person was shown): in the table one a line, `marked = A lot`; in CSV as REDCap's data
dictionary writes choices, `none, Not at all | slight, Slightly`; in JSON as a list.
"""

from __future__ import annotations

import csv
import json
import sys

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..bank.dictionary import DictionaryRow
from ..bank.model import Questionnaire

COLUMNS = (
    "id",
    "section",
    "type",
    "allowed",
    "asked_when",
    "required",
    "text",
    "sources",
    "choices",
)


#: a label narrower than this beside its code goes under the code instead
MIN_LABEL_WIDTH = 20


class _Choices:
    """Each choice's code beside its label, or the label under its code when the two do not fit
    side by side: a code is never broken, a label only wraps."""

    def __init__(self, choices: tuple[tuple[str, str], ...]) -> None:
        self.choices = choices

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        code_width = max(len(code) for code, _ in self.choices)
        grid = Table.grid(padding=(0, 2))
        if options.max_width - code_width - 2 >= MIN_LABEL_WIDTH:
            grid.add_column(no_wrap=True, style="bold")
            grid.add_column(overflow="fold")
            for code, label in self.choices:
                grid.add_row(Text(code), Text(label))
        else:
            grid.add_column(overflow="fold")
            for code, label in self.choices:
                grid.add_row(Text(code, style="bold"))
                grid.add_row(Padding(Text(label), (0, 0, 0, 2)))
        yield grid


def _answers(row: DictionaryRow) -> RenderableType:
    """The allowed answers under the question: each choice's code and label, or what a number
    may be."""
    if not row.choices or row.type == "yes_no":
        return Text(row.allowed, style="bold")
    many = "any of these, separated by ;" if row.type == "multi_choice" else "one of these"
    heading = Text(f"{many} (code, then label):", style="dim")
    return Group(heading, Padding(_Choices(row.choices), (0, 0, 0, 2)))


def print_table(bank: Questionnaire, rows: list[DictionaryRow], no_color: bool = False) -> None:
    console = Console(no_color=no_color or None, highlight=False, emoji=False)
    # bank text goes in as Text, never as a markup string: "[weeks]" would vanish as a tag
    title = Text(f"{bank.title} — question bank {bank.version}")
    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=True, padding=(0, 1))
    table.add_column("id", no_wrap=True)  # an id is typed as it is: never broken
    table.add_column("question, allowed answers (code and label), when it is asked")
    for row in rows:
        when = "always asked" if row.asked_when == "always" else f"asked when {row.asked_when}"
        cell = Group(Text(row.text), _answers(row), Text(when, style="dim"))
        table.add_row(Text(row.id), cell)
    console.print(table)


def redcap_choices(row: DictionaryRow) -> str:
    """The choices as REDCap's data dictionary writes them: `code, label | code, label`."""
    return " | ".join(f"{code}, {label}" for code, label in row.choices)


def print_csv(rows: list[DictionaryRow]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.as_dict()
        data["sources"] = ";".join(row.sources)
        data["required"] = "yes" if row.required else "no"
        data["choices"] = redcap_choices(row)
        writer.writerow([data[c] for c in COLUMNS])


def print_json(bank: Questionnaire, rows: list[DictionaryRow]) -> None:
    document = {
        "bank": {
            "id": bank.id,
            "title": bank.title,
            "version": bank.version,
            "content_hash": bank.content_hash,
        },
        "questions": [row.as_dict() for row in rows],
    }
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
