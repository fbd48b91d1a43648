"""One batch CSV row checked and scored: the lean per-row path.

The checks are those of `validate_answers` (the same parsing, the same rule for what is
asked, missing or ignored), done with what the header fixes worked out once: which cell answers
which question, and each question's parsed cell values remembered (cells repeat a great deal).
A bad row is not scored; its problems name the line, the column and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from ..answers.validation import AnswerSet
from ..answers.values import NO, YES, InvalidValue, parse_value, shown_value
from ..bank.dictionary import allowed_values
from ..bank.model import Questionnaire, Rule
from ..conditions.tree import Condition, Predicate, describe
from ..conditions.values import AnswerValue, QuestionType
from ..errors import AnswerError, Problem
from ..forms.exports import ExportFormat
from ..scoring.decision import Decision, decision_from, triage_answer_set
from ..scoring.matching import red_flags_in, rule_matcher
from ..scoring.result import Result
from ..scoring.scores import Scores
from .layout import Checkbox, Layout, QuestionColumns
from .reader import NUL_MARK, Record
from .row_kernel import KernelQuestion, compile_row_kernel

#: what a NUL byte in the id cell is shown as in the output
REPLACEMENT_CHARACTER = "\ufffd"
#: parsed values remembered per question; past this many distinct cells, new ones are not kept
CACHE_LIMIT = 4096


@dataclass(slots=True)
class RowOutcome:
    """A scored row (`decision` set) or a refused one (`problems` set)."""

    line: int
    record_id: str
    #: each with its line, the column (`field`) and what is allowed
    problems: tuple[Problem, ...] = ()
    decision: Decision | None = None
    #: answered but not asked given the other answers: not used
    ignored: tuple[str, ...] = ()
    #: the full result, only when the output format needs it
    result: Result | None = None
    #: a refused row's red-flag rules that hold on its valid answers: reported, never silent
    red_flags: tuple[Rule, ...] = ()
    #: the version of the form the row was collected with, when it is not the bank's
    form_version: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


class _Refused:
    """A cell that does not fit its question: its column, as messages name it, what is allowed."""

    __slots__ = ("column", "message", "where")

    def __init__(self, column: str, where: str, message: str) -> None:
        self.column = column
        self.where = where
        self.message = message


_BLANK = object()
_UNSEEN = object()
CellValue = AnswerValue | _Refused | object


class _Plan:
    """One question with its column, its compiled `when` and its remembered cell values."""

    __slots__ = (
        "asked_if",
        "cache",
        "checkboxes",
        "choices_cell",
        "columns",
        "id",
        "index",
        "missing",
        "required",
        "seen",
        "valid",
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
        #: every cell seen, parsed: a value, _BLANK or _Refused
        self.cache: dict[str, CellValue] = {}
        #: only the cells that parsed to a value, and those with blanks as None: the kernel's
        #: lookups (row_kernel.py)
        self.valid: dict[str, AnswerValue] = {}
        self.seen: dict[str, AnswerValue | None] = {}
        when = f" when {describe(question.when)}" if question.when is not None else ""
        self.missing = _Refused(
            columns.column,
            columns.label,
            f"missing answer (required{when}; allowed: {allowed_values(question)})",
        )

    def read(self, raw: str) -> CellValue:
        """The cell as the question's type; remembered for the next row with the same cell."""
        value: CellValue
        if not raw or raw.isspace():
            value = _BLANK
        else:
            try:
                cell = raw if self.choices_cell is None else self.choices_cell(raw)
                value = parse_value(self.columns.question, cell)
            except InvalidValue as exc:
                value = _Refused(self.columns.column, self.columns.label, str(exc))
        if len(self.cache) < CACHE_LIMIT:
            self.cache[raw] = value
            if value is _BLANK:
                self.seen[raw] = None
            elif type(value) is not _Refused:
                self.valid[raw] = self.seen[raw] = value  # type: ignore[assignment]
        return value


_TICK_ALLOWED = "1 (ticked) or 0 (not ticked), or blank"
_Step = tuple[_Plan, str, int, dict[str, CellValue], Predicate | None, bool]


class RowScorer:
    """Checks and scores rows laid out as `layout` says.

    Two paths give the same answers. The fast path is the layout's kernel (row_kernel.py): one
    generated function from the cells to the matching rules, for rows whose every cell has been
    seen before and found valid. Any other row goes down the exact path, which walks every
    question in bank order with `validate_answers`'s rules, names every problem, and remembers
    the cells it parses for the kernel.
    """

    def __init__(
        self,
        bank: Questionnaire,
        layout: Layout,
        full_result: bool = False,
        strict_version: bool = False,
    ) -> None:
        self.bank = bank
        self.layout = layout
        self.full_result = full_result
        #: refuse a row collected with another version of the form (--strict)
        self.strict_version = strict_version
        self._matcher = rule_matcher(bank)
        self._ticks: dict[str, bool | _Refused | None] = {}
        # questions with the same `when` share one predicate, so that a run of them (a
        # treatment's follow-ups) tests it once: their `when` can only read answers given before
        # the first of them, which later questions cannot change
        shared: dict[Condition, Predicate | None] = {}
        plans = [
            _Plan(c, shared.setdefault(c.question.when, c.question.asked_if), layout.export)
            if c.question.when is not None
            else _Plan(c, None, layout.export)
            for c in layout.questions
        ]
        self._order = tuple(plan.id for plan in plans)
        self._steps = tuple(_step(plan) for plan in plans)
        self._kernel = compile_row_kernel(
            [_kernel_question(plan, partial(self._checkboxes, plan)) for plan in plans],
            self._matcher,
            bank.rules,
            _BLANK,
            _Refused,
        )

    def score(self, record: Record) -> RowOutcome:
        """The row's outcome: its decision (and result), or every problem found in it."""
        cells = record.cells
        id_index = self.layout.id_index
        record_id = cells[id_index] if id_index is not None and id_index < len(cells) else ""
        if len(cells) != self.layout.width or record.has_nul:
            shown_id = record_id.replace(NUL_MARK, REPLACEMENT_CHARACTER)
            return RowOutcome(record.line, shown_id, self._shape_problems(record))
        form_version, version_refused = self._form_version(cells)
        if version_refused is None:
            try:
                kernel_made = self._kernel(cells)
            except KeyError:  # a cell not seen before (or refused, or a required blank)
                kernel_made = None
            if kernel_made is not None:
                values, scores, found, ranks = kernel_made
                return self._decided(
                    record,
                    record_id,
                    form_version,
                    (),
                    (scores, tuple(found), self._matcher.tiers_of(ranks)),
                    partial(self._answers_of, values),
                )
        # the exact path: every question in bank order, every problem named
        answers: dict[str, AnswerValue] = {}
        ignored: list[str] = []
        problems: list[_Refused] = []
        self._walk(self._steps, cells, answers, ignored, problems)
        if version_refused is not None:
            problems.insert(0, version_refused)
        if problems:
            flags = red_flags_in(self.bank, answers)
            problem_list = self._problems(record.line, problems)
            return RowOutcome(
                record.line, record_id, problem_list, red_flags=flags, form_version=form_version
            )
        return self._decided(
            record,
            record_id,
            form_version,
            tuple(ignored),
            self._matcher.match_tiers(self.bank, answers),
            lambda: {qid: answers[qid] for qid in self._order if qid in answers},
        )

    def _decided(
        self,
        record: Record,
        record_id: str,
        form_version: str,
        ignored: tuple[str, ...],
        matched: tuple[Scores, tuple[Rule, ...], tuple[str, ...]],
        answers: Callable[[], dict[str, AnswerValue]],
    ) -> RowOutcome:
        """The outcome of a row whose answers are valid: `matched` (scores, the rules that hold
        and their tiers); `answers()`: its answers in bank order, built only when wanted."""
        try:
            decision = decision_from(self.bank, self._matcher, *matched, answers)
        except AnswerError as error:  # no rule matches: this row is an error, the run goes on
            problems_found = tuple(replace(p, line=record.line) for p in error.problems)
            return RowOutcome(record.line, record_id, problems_found, form_version=form_version)
        result = None
        if self.full_result:
            result = triage_answer_set(self.bank, AnswerSet(answers(), ignored), decision)
        return RowOutcome(
            record.line, record_id, (), decision, ignored, result, form_version=form_version
        )

    def _answers_of(self, values: tuple[AnswerValue | None, ...]) -> dict[str, AnswerValue]:
        """The kernel's answers (layout order, None: unanswered) by question id."""
        return {
            qid: value for qid, value in zip(self._order, values, strict=True) if value is not None
        }

    def _form_version(self, cells: list[str]) -> tuple[str, _Refused | None]:
        """The form version the row names, when it is not the bank's; refused under --strict."""
        for index in self.layout.version_indexes:
            version = cells[index].strip()
            if version and version != self.bank.version:
                if not self.strict_version:
                    return version, None
                column = self.layout.columns[index]
                return version, _Refused(
                    column,
                    f"column '{column}'",
                    f"form version {shown_value(version)} is not the bank's version "
                    f"{shown_value(self.bank.version)}; allowed: {shown_value(self.bank.version)} "
                    "(--strict refuses rows of other versions)",
                )
        return "", None

    def _walk(
        self,
        steps: tuple[_Step, ...],
        cells: list[str],
        answers: dict[str, AnswerValue],
        ignored: list[str],
        problems: list[_Refused],
        last_test: Predicate | None = None,
        last_asked: bool = True,
    ) -> None:
        """Questions in bank order, as `validate_answers` takes them.

        `last_test` and `last_asked`: a `when` already tested for these answers, and its truth.
        """
        for plan, question_id, index, cache, asked_if, required in steps:
            if index >= 0:
                raw = cells[index]
                value = cache.get(raw, _UNSEEN)
                if value is _UNSEEN:
                    value = plan.read(raw)
            elif plan.checkboxes:
                value = self._checkboxes(plan, cells)
            else:
                value = _BLANK
            if asked_if is None:
                asked = True
            elif asked_if is last_test:
                asked = last_asked
            else:
                asked = last_asked = asked_if(answers)
                last_test = asked_if
            if value is _BLANK:
                if asked and required:
                    problems.append(plan.missing)
            elif not asked:
                ignored.append(question_id)
            elif type(value) is _Refused:
                problems.append(value)
            else:
                answers[question_id] = value  # type: ignore[assignment]

    def _checkboxes(self, plan: _Plan, cells: list[str]) -> CellValue:
        """Ticked checkbox columns as one `a;b` cell; none ticked is unanswered."""
        ticked: list[str] = []
        for box in plan.checkboxes:
            tick = self._tick(cells[box.index])
            if type(tick) is _Refused:
                return _Refused(box.column, f"column '{box.column}'", tick.message)
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
                else _Refused("", "", f"{shown_value(raw)} is not a tick; allowed: {_TICK_ALLOWED}")
            )
            if len(self._ticks) < CACHE_LIMIT:
                self._ticks[raw] = tick
        return tick  # type: ignore[return-value]

    def _problems(self, line: int, problems: list[_Refused]) -> tuple[Problem, ...]:
        return tuple(
            Problem(line=line, where=p.where, message=p.message, field=p.column) for p in problems
        )

    def _shape_problems(self, record: Record) -> tuple[Problem, ...]:
        columns = self.layout.columns
        count, width = len(record.cells), len(columns)
        if record.has_nul:
            return tuple(
                Problem(
                    line=record.line,
                    where=f"column '{columns[i] if i < width else i + 1}'",
                    message="contains a NUL byte; "
                    "allowed: text without NUL bytes (is this a text file?)",
                    field=columns[i] if i < width else "",
                )
                for i, cell in enumerate(record.cells)
                if NUL_MARK in cell
            )
        spans = (
            f'; the row runs from line {record.line} to line {record.last_line}: is a quote (") '
            "left open?"
            if record.last_line > record.line
            else ""
        )
        if record.unreadable:
            return (Problem(line=record.line, message=record.unreadable + spans),)
        if count < width:
            where = f"first missing column: '{columns[count]}'"
            column = columns[count]
        else:
            where = f"{count - width} extra after column '{columns[-1]}'"
            column = ""
        return (
            Problem(
                line=record.line,
                message=f"{count} cells, but the header has {width} columns ({where}); "
                f"allowed: one cell per header column{spans}",
                field=column,
            ),
        )


def _step(plan: _Plan) -> _Step:
    return (plan, plan.id, plan.index, plan.cache, plan.asked_if, plan.required)


def _kernel_question(plan: _Plan, checkboxes: Callable[[list[str]], CellValue]) -> KernelQuestion:
    question = plan.columns.question
    # a blank in a required always-asked question is not in its lookup: the exact path names it
    must_answer = question.when is None and question.required
    return KernelQuestion(
        question,
        plan.index,
        plan.valid if must_answer else plan.seen,
        checkboxes if plan.index < 0 and plan.checkboxes else None,
    )
