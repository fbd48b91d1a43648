"""Batch output: one writer per format, in a small table, plus the errors file.

CSV files end lines with CRLF (RFC 4180), so that a carriage return inside a cell is quoted.

Every input row gives exactly one output row, in input order, scored or not. To add a format,
write a class with `write(outcome)` and add a member to `BatchFormat`, the one table of formats
(the command line's `--format` takes its names). This module imports only the standard library
when loaded, so the command line can list the formats without importing the scoring core.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from operator import attrgetter, getitem
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..bank.model import Questionnaire, Rule
    from .rows import RowOutcome

#: what a spreadsheet may take as the start of a formula (OWASP CSV injection): = + - @ and
#: their full-width forms (an East Asian input method types ＝, which some spreadsheets read
#: as =), also after spaces of any kind or invisible characters (importers that trim spaces
#: would see the formula); a cell starting with a tab, a line end or a NUL is neutralised too
_FORMULA = re.compile(
    "[\\s\x00\u200b-\u200d\u2060\ufeff]*[=+\\-@\uff1d\uff0b\uff0d\uff20]|[\t\r\n\x00]"
)
#: rule combinations whose cells are remembered
MEMO_LIMIT = 4096
PROBLEM_SEPARATOR = " | "


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula: prefixed with ' when it could be one."""
    return "'" + cell if _FORMULA.match(cell) else cell


def _csv_cell(text: str) -> str:
    """One cell as the csv module writes it in a row of several (quoted only when it must be)."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return _csv_line([text])[:-2]
    return text


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _cell_text(value: object) -> str:
    return "" if value is None else str(value)


class RowWriter(Protocol):
    def write(self, outcome: RowOutcome) -> None: ...


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every writer may need besides the row: the bank, the id column's name and the system
    of its ids (FHIR identifiers)."""

    bank: Questionnaire
    id_column: str
    id_system: str | None = None


class CsvRows:
    """One line per row: status, tier, urgency, red flags, rule ids and key scores."""

    def __init__(self, stream: IO[str], context: BatchContext) -> None:
        from ..bank.score_vocabulary import SCORE_NAMES
        from ..scoring.remembered import Remembered

        bank = context.bank
        #: the scores in column order (numbers and the bands of the vocabulary: never formulas)
        self._scores_of = attrgetter(*SCORE_NAMES)
        # each score column's values as text, remembered (a column's values share one type, so
        # 1 and 1.0 never meet in one of them)
        self._score_texts = [Remembered(_cell_text, MEMO_LIMIT) for _ in SCORE_NAMES]
        self._stream = stream
        self._writer = csv.writer(stream)
        # A scored row's line is put together from parts rendered as the csv module renders
        # them: its last cells, the bank's version and hash, are the same on every row and are
        # rendered once with the line end; see `write` for the rest.
        self._bank = (neutralise(bank.version), neutralise(bank.content_hash))
        self._ok_end = _csv_line(["", *self._bank])
        rank = {tier.id: rank for rank, tier in enumerate(bank.tiers)}
        # every rule's place when the bank's rules are ranked most urgent tier first (a stable
        # sort, so bank order within a tier): a row's rules in that order are their places sorted
        ranked = sorted(bank.rules, key=lambda rule: rank[rule.tier])
        self._place = {id(rule): place for place, rule in enumerate(ranked)}
        self._ranked_ids = [rule.id for rule in ranked]
        self._middles: dict[tuple[object, ...], str] = {}
        self._urgency = {tier.id: neutralise(tier.urgency) for tier in bank.tiers}
        self._blank = ("",) * (4 + len(SCORE_NAMES) + 1 + len(self._bank))
        stream.write(
            _csv_line(
                [
                    "line",
                    neutralise(context.id_column),
                    "status",
                    "error",
                    "tier",
                    "urgency",
                    "red_flags",
                    "reasons",
                    *SCORE_NAMES,
                    "ignored",
                    "bank_version",
                    "bank_hash",
                ]
            )
        )

    def write(self, outcome: RowOutcome) -> None:
        decision = outcome.decision
        record_id = outcome.record_id
        if not record_id[:1].isalnum():  # most ids start with a letter or digit: safe as they are
            record_id = neutralise(record_id)
        if decision is None:
            error = neutralise(PROBLEM_SEPARATOR.join(str(p) for p in outcome.problems))
            # not scored, but a red flag among its valid answers is still reported
            flags = ";".join(rule.id for rule in outcome.red_flags)
            cells = (outcome.line, record_id, "error", error, "", "", flags, *self._blank[3:])
            self._writer.writerow(cells)
            return
        # few combinations of a tier and rules occur: the cells from the status to the reasons
        # are rendered once each (the reasons run to hundreds of characters)
        key = (decision.tier, *map(id, decision.rules))
        middle = self._middles.get(key)
        if middle is None:
            middle = self._middle_of(decision.tier, decision.rules)
            if len(self._middles) < MEMO_LIMIT:
                self._middles[key] = middle
        # the scores are numbers and the vocabulary's bands, which need no quotes (a test checks)
        scores = ",".join(map(getitem, self._score_texts, self._scores_of(decision.scores)))
        ignored = ";".join(outcome.ignored)  # question ids: plain
        self._stream.write(f"{outcome.line},{_csv_cell(record_id)},{middle},{scores},{ignored}")
        self._stream.write(self._ok_end)

    def _middle_of(self, tier: str, rules: tuple[Rule, ...]) -> str:
        """`ok`, no error, the tier, its urgency, the red flags and the reasons, as CSV text."""
        red_flags, reasons = self._rule_cells_of(rules)
        cells = (tier, self._urgency[tier], red_flags, reasons)
        return "ok,," + ",".join(map(_csv_cell, cells))

    def _rule_cells_of(self, rules: tuple[Rule, ...]) -> tuple[str, str]:
        """The red flags in bank order, and every rule most urgent tier first (as in Result)."""
        places = sorted(map(self._place.__getitem__, map(id, rules)))
        red_flags = ";".join(rule.id for rule in rules if rule.red_flag)
        return red_flags, ";".join(map(self._ranked_ids.__getitem__, places))


class JsonLines:
    """One JSON object per line: the full versioned result, or the row's errors.

    A scored row's line is `result_to_dict` after the row's line, id and status, as
    `json.dumps(..., ensure_ascii=False)` writes it; `ResultJson` puts it together from parts it
    renders once (a full result is thousands of characters, most of them the same every time).
    """

    def __init__(self, stream: IO[str], context: BatchContext) -> None:
        from json.encoder import encode_basestring

        from ..scoring.result_json import ResultJson, dumps

        self._stream = stream
        self._result = ResultJson()
        self._dumps = dumps
        self._string = encode_basestring

    def write(self, outcome: RowOutcome) -> None:
        dumps = self._dumps
        if outcome.result is None:
            error = {
                "line": outcome.line,
                "id": outcome.record_id,
                "status": "error",
                "errors": [
                    {"line": p.line, "column": p.field, "message": str(p)} for p in outcome.problems
                ],
                "red_flags": [
                    {"rule_id": r.id, "tier": r.tier, "text": r.reason} for r in outcome.red_flags
                ],
            }
            self._stream.write(dumps(error) + "\n")
            return
        lead = f'"line": {outcome.line}, "id": {self._string(outcome.record_id)}, "status": "ok", '
        self._stream.write(self._result.line(outcome.result, lead, end="\n"))


class FhirLines:
    """FHIR NDJSON: a Bundle (response, scores, RiskAssessment) per scored row, and an
    OperationOutcome naming the problems of a refused row, so rows in = rows out here too. Both
    name the row's record id, so a reader can match lines to records without counting."""

    def __init__(self, stream: IO[str], context: BatchContext) -> None:
        from ..answers.files import RecordId
        from ..clock import now
        from ..fhir import RefusedRows, identifier
        from ..fhir.bundle_lines import BundleLines, dumps
        from ..forms.exports import CHECKBOX_SEPARATOR

        self._stream = stream
        self._id_system = context.id_system
        self._record_id = RecordId
        self._identifier = identifier
        self._dumps = dumps
        self._refused = RefusedRows(context.bank)
        # a problem's column (a question id, `id___*` or `id___code` for checkboxes, or a header
        # name in any case) to the question it is about, for the outcome's FHIRPath
        self._question_of = {q.id.lower(): q.id for q in context.bank.questions}
        self._separator = CHECKBOX_SEPARATOR
        # one authored time for the run: every row of an export was scored at the same moment
        # (the one clock: SPINETRIAGE_NOW fixes it, so a run can be repeated byte for byte)
        self._bundles = BundleLines(context.bank, now())

    def write(self, outcome: RowOutcome) -> None:
        record_id = (
            self._record_id(outcome.record_id, self._id_system)
            if outcome.record_id.strip()
            else None
        )
        if outcome.result is None:
            problems = [
                (problem, self._question_of.get(problem.field.split(self._separator)[0].lower()))
                for problem in outcome.problems
            ]
            resource = self._refused.outcome(outcome.line, record_id, problems, outcome.red_flags)
            self._stream.write(self._dumps(resource) + "\n")
            return
        found = self._identifier(record_id) if record_id is not None else None
        # the Bundle of `result_bundle`, as json.dumps writes it, put together from parts
        self._stream.write(self._bundles.line(outcome.result, found, end="\n"))


Opener = Callable[[IO[str], BatchContext], RowWriter]


class BatchFormat(str, Enum):
    """The batch output formats; the member's name is the format's name (`--format NAME`)."""

    _value_: str
    #: what --help says of the format
    note: str
    #: whether rows need the whole `Result` (slower) rather than the decision alone
    full_result: bool
    #: the writer of the rows on a stream
    open: Opener
    #: where a refused row's problems are, as the closing line names it
    problems_at: str

    def __new__(
        cls, name: str, note: str, full_result: bool, open: Opener, problems_at: str
    ) -> BatchFormat:
        member = str.__new__(cls, name)
        member._value_ = name
        member.note = note
        member.full_result = full_result
        member.open = open
        member.problems_at = problems_at
        return member

    csv = "csv", "one row per input row", False, CsvRows, "the error column says"
    jsonl = "jsonl", "full results", True, JsonLines, "each one's errors say"
    fhir = "fhir", "NDJSON Bundles", True, FhirLines, "each one's OperationOutcome says"


class ErrorRows:
    """The errors file: one CSV line per problem, for fixing the input."""

    def __init__(self, stream: IO[str], id_column: str) -> None:
        self._writer = csv.writer(stream)
        self._writer.writerow(("line", neutralise(id_column), "column", "message"))

    def write(self, outcome: RowOutcome) -> None:
        record_id = neutralise(outcome.record_id)
        for problem in outcome.problems:
            self._writer.writerow(
                (problem.line, record_id, neutralise(problem.field), neutralise(str(problem)))
            )
