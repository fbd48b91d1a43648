"""Render the data dictionary as a rich table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..bank.dictionary import DictionaryRow
from ..bank.model import Questionnaire

COLUMNS = ("id", "section", "type", "allowed", "asked_when", "required", "text", "sources")


def print_table(bank: Questionnaire, rows: list[DictionaryRow], no_color: bool = False) -> None:
    console = Console(no_color=no_color, highlight=False)
    # bank text goes in as Text, never as a markup string: "[weeks]" would vanish as a tag
    table = Table(title=Text(f"{bank.title} — question bank {bank.version}"), show_lines=False)
    for name in ("id", "section", "type", "allowed values", "asked when"):
        table.add_column(name, overflow="fold")
    for row in rows:
        cells = (row.id, row.section, row.type, row.allowed, row.asked_when)
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)


def print_csv(rows: list[DictionaryRow]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.as_dict()
        data["sources"] = ";".join(row.sources)
        data["required"] = "yes" if row.required else "no"
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
