"""Batch triage of a CSV file: rows in, one result row out per row, in order, memory flat.

`reader` streams the CSV (decoding, the header, records with their lines); `layout` reads the
header against the bank (which column answers which question); `rows` checks and scores one
row; `writers` renders rows as CSV, JSON lines or FHIR NDJSON, and the errors file; `run` ties
them together and returns a `BatchSummary`; `template` writes the header batch input expects,
with synthetic examples. Everything is imported on first use, so the command line can name the
formats without importing the scoring core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import lazy_attribute

if TYPE_CHECKING:
    from .layout import DEFAULT_ID_COLUMN, Layout, read_layout
    from .reader import CsvSource, Record
    from .rows import RowOutcome, RowScorer
    from .run import BatchOptions, BatchSummary, Progress, run_batch
    from .template import template_rows, usable_examples, write_template
    from .writers import BatchFormat, ErrorRows, neutralise

__all__ = [
    "DEFAULT_ID_COLUMN",
    "BatchFormat",
    "BatchOptions",
    "BatchSummary",
    "CsvSource",
    "ErrorRows",
    "Layout",
    "Progress",
    "Record",
    "RowOutcome",
    "RowScorer",
    "neutralise",
    "read_layout",
    "run_batch",
    "template_rows",
    "usable_examples",
    "write_template",
]

_LAZY = {
    "DEFAULT_ID_COLUMN": "layout",
    "Layout": "layout",
    "read_layout": "layout",
    "CsvSource": "reader",
    "Record": "reader",
    "RowOutcome": "rows",
    "RowScorer": "rows",
    "BatchOptions": "run",
    "BatchSummary": "run",
    "Progress": "run",
    "run_batch": "run",
    "template_rows": "template",
    "usable_examples": "template",
    "write_template": "template",
    "BatchFormat": "writers",
    "ErrorRows": "writers",
    "neutralise": "writers",
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
