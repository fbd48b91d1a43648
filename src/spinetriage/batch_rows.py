"""One batch CSV row checked and scored: the lean per-row path.

The checks are those of `answers.validate_answers` (the same parsing, the same rule for what is
asked, missing or ignored), done with what the header fixes worked out once: which cell answers
which question, and each question's parsed cell values remembered (cells repeat a great deal).
A bad row is not scored; its problems name the line, the column and what is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .answers import NO, YES, AnswerSet, InvalidValue, parse_value
from .batch_input import NUL_MARK, Record
from .batch_layout import Checkbox, Layout, QuestionColumns
from .conditions import AnswerValue, Predicate, describe
from .dictionary import allowed_values
from .model import Questionnaire
from .result import Result
from .scores import scale_questions
from .scoring import Decision, decide, triage_answer_set

#: parsed values remembered per question; past this many distinct cells, new ones are not kept
CACHE_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """A scored row (`decision` set) or a refused one (`problems` set)."""

    line: int
    record_id: str
    problems: tuple[RowProblem, ...] = ()
    decision: Decision | None = None
    #: answered but not asked given the other answers: not used
    ignored: tuple[str, ...] = ()
    #: the full result, only when the output format needs it
    result: Result | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused:
    """A cell that does not fit its question, with what is allowed."""

    __slots__ = ("column", "message")

    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message


_BLANK = object()
_UNSEEN = object()
CellValue = AnswerValue | _Refused | object


class _Plan:
    """One question with its column, its compiled `when` and its remembered cell values."""

    __slots__ = ("asked_if", "cache", "checkboxes", "columns", "id", "index", "missing", "required")

    def __init__(self, columns: QuestionColumns) -> None:
        question = columns.question
        self.columns = columns
        self.id = question.id
        self.asked_if: Predicate | None = question.asked_if
        self.required = question.required
        self.index = -1 if columns.index is None else columns.index
        self.checkboxes: tuple[Checkbox, ...] = columns.checkboxes
        self.cache: dict[str, CellValue] = {}
        when = f" when {describe(question.when)}" if question.when is not None else ""
        self.missing = (
            columns.column,
            f"{columns.label}: missing answer (required{when}; "
            f"allowed: {allowed_values(question)})",
        )

    def read(self, raw: str) -> CellValue:
        """The cell as the question's type; remembered for the next row with the same cell."""
        value: CellValue
        if not raw or raw.isspace():
            value = _BLANK
        else:
            try:
                value = parse_value(self.columns.question, raw)
            except InvalidValue as exc:
                value = _Refused(self.columns.column, f"{self.columns.label}: {exc}")
        if len(self.cache) < CACHE_LIMIT:
            self.cache[raw] = value
        return value


_TICK_ALLOWED = "1 (ticked) or 0 (not ticked), or blank"


class RowScorer:
    """Checks and scores rows laid out as `layout` says."""

    def __init__(self, bank: Questionnaire, layout: Layout, full_result: bool = False) -> None:
        self.bank = bank
        self.layout = layout
        self.full_result = full_result
        self._plans = tuple(_Plan(c) for c in layout.questions)
        self._scales = scale_questions(bank)
        self._ticks: dict[str, bool | _Refused | None] = {}

    def score(self, record: Record) -> RowOutcome:
        cells = record.cells
        id_index = self.layout.id_index
        record_id = cells[id_index] if id_index is not None and id_index < len(cells) else ""
        if len(cells) != self.layout.width or record.has_nul:
            return RowOutcome(record.line, record_id, self._shape_problems(record))
        answers: dict[str, AnswerValue] = {}
        ignored: list[str] = []
        problems: list[tuple[str, str]] = []
        for plan in self._plans:
            if plan.index >= 0:
                raw = cells[plan.index]
                value = plan.cache.get(raw, _UNSEEN)
                if value is _UNSEEN:
                    value = plan.read(raw)
            elif plan.checkboxes:
                value = self._checkboxes(plan, cells)
            else:
                value = _BLANK
            asked = plan.asked_if is None or plan.asked_if(answers)
            if value is _BLANK:
                if asked and plan.required:
                    problems.append(plan.missing)
            elif not asked:
                ignored.append(plan.id)
            elif type(value) is _Refused:
                problems.append((value.column, value.message))
            else:
                answers[plan.id] = value  # type: ignore[assignment]
        if problems:
            return RowOutcome(record.line, record_id, self._problems(record.line, problems))
        decision = decide(self.bank, answers, self._scales)
        result = (
            triage_answer_set(self.bank, AnswerSet(answers, tuple(ignored)), decision)
            if self.full_result
            else None
        )
        return RowOutcome(record.line, record_id, (), decision, tuple(ignored), result)

    def _checkboxes(self, plan: _Plan, cells: list[str]) -> CellValue:
        """Ticked checkbox columns as one `a;b` cell; none ticked is unanswered."""
        ticked: list[str] = []
        for box in plan.checkboxes:
            tick = self._tick(cells[box.index])
            if type(tick) is _Refused:
                return _Refused(box.column, f"column '{box.column}': {tick.message}")
            if tick:
                ticked.append(box.code)
        if not ticked:
            return _BLANK
        raw = ";".join(ticked)
        value = plan.cache.get(raw, _UNSEEN)
        return plan.read(raw) if value is _UNSEEN else value

    def _tick(self, raw: str) -> bool | _Refused | None:
        tick = self._ticks.get(raw, _UNSEEN)
        if tick is _UNSEEN:
            word = raw.strip().lower()
            tick = (
                None
                if not word
                else True
                if word in YES
                else False
                if word in NO
                else _Refused("", f"{raw!r} is not a tick; allowed: {_TICK_ALLOWED}")
            )
            if len(self._ticks) < CACHE_LIMIT:
                self._ticks[raw] = tick
        return tick  # type: ignore[return-value]

    def _problems(self, line: int, problems: list[tuple[str, str]]) -> tuple[RowProblem, ...]:
        return tuple(RowProblem(line, column, message) for column, message in problems)

    def _shape_problems(self, record: Record) -> tuple[RowProblem, ...]:
        columns = self.layout.columns
        count, width = len(record.cells), len(columns)
        if record.has_nul:
            return tuple(
                RowProblem(
                    record.line,
                    columns[i] if i < width else "",
                    f"column '{columns[i] if i < width else i + 1}': contains a NUL byte; "
                    "allowed: text without NUL bytes (is this a text file?)",
                )
                for i, cell in enumerate(record.cells)
                if NUL_MARK in cell
            )
        spans = (
            f'; the row runs from line {record.line} to {record.last_line}: is a quote (") '
            "left open?"
            if record.last_line > record.line
            else ""
        )
        if count < width:
            where = f"first missing column: '{columns[count]}'"
            column = columns[count]
        else:
            where = f"{count - width} extra after column '{columns[-1]}'"
            column = ""
        return (
            RowProblem(
                record.line,
                column,
                f"{count} cells, but the header has {width} columns ({where}); "
                f"allowed: one cell per header column{spans}",
            ),
        )
