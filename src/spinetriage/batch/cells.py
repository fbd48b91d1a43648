"""One cell of a batch row read as its question's answer, remembered for the rows that follow.

The exact path of rows.py reads cells here; each cell it reads is also coded for the chunk
kernel (chunk_kernel.py), which looks rows up by those codes.
"""

from __future__ import annotations

from ..answers.values import NO, YES, InvalidValue, parse_value, shown_value
from ..bank.dictionary import allowed_values
from ..conditions.tree import Predicate, describe
from ..conditions.values import AnswerValue, QuestionType
from ..forms.exports import ExportFormat
from .chunk_kernel import TICK_BLANK, TICK_OFF, TICK_ON, CellCodes
from .layout import Checkbox, QuestionColumns

#: parsed values remembered per question; past this many distinct cells, new ones are not kept
CACHE_LIMIT = 4096
TICK_ALLOWED = "1 (ticked) or 0 (not ticked), or blank"


class RefusedCell:
    """A cell that does not fit its question: its column, as messages name it, what is allowed."""

    __slots__ = ("column", "message", "where")

    def __init__(self, column: str, where: str, message: str) -> None:
        self.column = column
        self.where = where
        self.message = message


BLANK = object()
UNSEEN = object()
CellValue = AnswerValue | RefusedCell | object


class QuestionPlan:
    """One question with its column, its compiled `when` and its remembered cell values."""

    __slots__ = (
        "asked_if",
        "cache",
        "checkboxes",
        "choices_cell",
        "codes",
        "columns",
        "id",
        "index",
        "missing",
        "required",
    )

    def __init__(
        self, columns: QuestionColumns, asked_if: Predicate | None, export: ExportFormat
    ) -> None:
        question = columns.question
        self.columns = columns
        #: a multiple-choice cell as our template writes it (ODK and KoboToolbox use spaces)
        self.choices_cell = (
            export.choices_cell if question.type is QuestionType.MULTI_CHOICE else None
        )
        self.id = question.id
        self.asked_if = asked_if
        self.required = question.required
        self.index = -1 if columns.index is None else columns.index
        self.checkboxes: tuple[Checkbox, ...] = columns.checkboxes
        #: every cell seen, parsed: a value, BLANK or RefusedCell
        self.cache: dict[str, CellValue] = {}
        #: the cells that parsed to a value (and blanks, unless the question is required and
        #: always asked) with their codes: the chunk kernel's lookups (chunk_kernel.py)
        self.codes = CellCodes(blank_ok=question.when is not None or not question.required)
        when = f" when {describe(question.when)}" if question.when is not None else ""
        self.missing = RefusedCell(
            columns.column,
            columns.label,
            f"missing answer (required{when}; allowed: {allowed_values(question)})",
        )

    def read(self, raw: str) -> CellValue:
        """The cell as the question's type; remembered for the next row with the same cell."""
        value: CellValue
        if not raw or raw.isspace():
            value = BLANK
        else:
            try:
                cell = raw if self.choices_cell is None else self.choices_cell(raw)
                value = parse_value(self.columns.question, cell)
            except InvalidValue as exc:
                value = RefusedCell(self.columns.column, self.columns.label, str(exc))
        if len(self.cache) < CACHE_LIMIT:
            self.cache[raw] = value
            if type(value) is not RefusedCell:
                self.codes.add(raw, None if value is BLANK else value)  # type: ignore[arg-type]
        return value


class Checkboxes:
    """REDCap checkbox columns read as their question's answer; each tick cell remembered."""

    def __init__(self) -> None:
        self._ticks: dict[str, bool | RefusedCell | None] = {}
        #: a tick cell -> its tick code, for the chunk kernel
        self.codes: dict[str, int] = {}

    def read(self, plan: QuestionPlan, cells: list[str]) -> CellValue:
        """Ticked checkbox columns as one `a;b` cell; none ticked is unanswered."""
        ticked: list[str] = []
        for box in plan.checkboxes:
            tick = self._tick(cells[box.index])
            if type(tick) is RefusedCell:
                return RefusedCell(box.column, f"column '{box.column}'", tick.message)
            if tick:
                ticked.append(box.code)
        value: CellValue = BLANK
        if ticked:
            raw = ";".join(ticked)
            value = plan.cache.get(raw, UNSEEN)
            value = plan.read(raw) if value is UNSEEN else value
        if type(value) is not RefusedCell and len(plan.codes.by_cell) < CACHE_LIMIT:
            # the chunk kernel looks the question up by its tick codes
            ticks = tuple(map(self.codes.get, (cells[box.index] for box in plan.checkboxes)))
            if None not in ticks:
                plan.codes.add(ticks, None if value is BLANK else value)  # type: ignore[arg-type]
        return value

    def _tick(self, raw: str) -> bool | RefusedCell | None:
        tick = self._ticks.get(raw, UNSEEN)
        if tick is UNSEEN:
            word = raw.strip().lower()
            tick = (
                None
                if not word
                else True
                if word in YES
                else False
                if word in NO
                else RefusedCell(
                    "", "", f"{shown_value(raw)} is not a tick; allowed: {TICK_ALLOWED}"
                )
            )
            if len(self._ticks) < CACHE_LIMIT:
                self._ticks[raw] = tick
                if type(tick) is not RefusedCell:
                    self.codes[raw] = TICK_BLANK if tick is None else TICK_ON if tick else TICK_OFF
        return tick  # type: ignore[return-value]
