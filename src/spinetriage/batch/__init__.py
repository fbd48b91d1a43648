"""Batch triage of a CSV file: rows in, one result row out per row, in order, memory flat.

`reader` streams the CSV (decoding, the header, records with their lines); `layout` reads the
header against the bank (which column answers which question); `rows` checks and scores one
row; `writers` renders rows as CSV, JSON lines or FHIR NDJSON, and the errors file; `run` ties
them together (in worker processes with `parallel`; `sink` counts) and returns a
`BatchSummary`; `template` writes the header batch input expects, with synthetic examples;
`frame` scores a pandas DataFrame the same way (for Dask and PySpark; pandas only when called).
Everything is imported on first use, so the command line can name the
formats without importing the scoring core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import lazy_attribute

if TYPE_CHECKING:
    from .frame import triage_frame, with_file_lines
    from .layout import DEFAULT_ID_COLUMN, Layout, read_layout
    from .reader import CsvSource, Record
    from .rows import RowOutcome, RowScorer
    from .run import BatchOptions, Progress, run_batch
    from .sink import BatchSummary
    from .template import BASELINE, template_rows, usable_examples, write_template
    from .writers import BatchFormat, ErrorRows, neutralise

__all__ = [
    "BASELINE",
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
    "triage_frame",
    "usable_examples",
    "with_file_lines",
    "write_template",
]

#: where each name comes from; every one is imported on first use
_MODULES = {
    "frame": ("triage_frame", "with_file_lines"),
    "layout": ("DEFAULT_ID_COLUMN", "Layout", "read_layout"),
    "reader": ("CsvSource", "Record"),
    "rows": ("RowOutcome", "RowScorer"),
    "run": ("BatchOptions", "Progress", "run_batch"),
    "sink": ("BatchSummary",),
    "template": ("BASELINE", "template_rows", "usable_examples", "write_template"),
    "writers": ("BatchFormat", "ErrorRows", "neutralise"),
}


def __getattr__(name: str) -> Any:
    exports = {export: module for module, names in _MODULES.items() for export in names}
    return lazy_attribute(__name__, exports, name)
