"""Build batch CSV text from synthetic answer sets, and read batch output back."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from spinetriage.bank.loader import load_questionnaire

BANK = load_questionnaire()
IDS = [q.id for q in BANK.questions]
HEADER = ["record_id", *IDS]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ";".join(sorted(value))
    return str(value)


def row(record_id: str, answers: Mapping[str, Any], header: list[str] = HEADER) -> list[str]:
    cells = {"record_id": record_id, **{k: cell(v) for k, v in answers.items()}}
    return [cells.get(name, "") for name in header]


def csv_text(rows: Iterable[list[str]], header: list[str] = HEADER, line_end: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows([header, *rows])
    return buffer.getvalue()


def answers_csv(
    answer_sets: Iterable[Mapping[str, Any]], header: list[str] = HEADER, line_end: str = "\r\n"
) -> str:
    return csv_text(
        (row(f"R{n}", a, header) for n, a in enumerate(answer_sets, 1)), header, line_end
    )


def read_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))
