"""Batch CSV rows checked and scored, a chunk at a time.

The checks are those of `validate_answers` (the same parsing, the same rule for what is
asked, missing or ignored), done with what the header fixes worked out once: which cell answers
which question, and each question's parsed cell values remembered (cells repeat a great deal).
Rows whose every cell has been seen are scored together by the chunk kernel (chunk_kernel.py);
the others, one by one, by the exact path here. A bad row is not scored; its problems name the
line, the column and what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from operator import getitem

from ..answers.validation import AnswerSet
from ..answers.values import shown_value
from ..bank.model import Questionnaire, Rule
from ..conditions.tree import Condition, Predicate
from ..conditions.values import AnswerValue
from ..errors import AnswerError, Problem
from ..scoring.decision import Decision, decision_from, triage_answer_set
from ..scoring.matching import red_flags_in, rule_matcher
from ..scoring.result import Result
from ..scoring.scores import Scores
from .cells import BLANK, UNSEEN, CellValue, Checkboxes, QuestionPlan, RefusedCell
from .chunk_kernel import ChunkKernel, ChunkQuestion, Codes
from .layout import Layout
from .reader import NUL_MARK, Record

#: what a NUL byte in the id cell is shown as in the output
REPLACEMENT_CHARACTER = "\ufffd"
#: rows scored at once by the chunk kernel, and in the first chunk (the cells are not yet coded)
CHUNK_ROWS = 1024
FIRST_CHUNK_ROWS = 16


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


#: a row of the bank's form version (or none named): `_form_version`'s answer
_BANK_VERSION: tuple[str, RefusedCell | None] = ("", None)
_Step = tuple[QuestionPlan, str, int, dict[str, CellValue], Predicate | None, bool]


class RowScorer:
    """Checks and scores rows laid out as `layout` says.

    Two paths give the same answers. The fast path scores a chunk of rows at once (`score_all`,
    chunk_kernel.py) where every cell has been seen before and found valid. Any other row goes
    down the exact path (`score`), which walks every question in bank order with
    `validate_answers`'s rules, names every problem, and codes the cells it parses for the
    chunk kernel.
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
        self._checkboxes = Checkboxes()
        # questions with the same `when` share one predicate, so that a run of them (a
        # treatment's follow-ups) tests it once: their `when` can only read answers given before
        # the first of them, which later questions cannot change
        shared: dict[Condition, Predicate | None] = {}
        plans = [
            QuestionPlan(c, shared.setdefault(c.question.when, c.question.asked_if), layout.export)
            if c.question.when is not None
            else QuestionPlan(c, None, layout.export)
            for c in layout.questions
        ]
        self._order = tuple(plan.id for plan in plans)
        self._steps = tuple(_step(plan) for plan in plans)
        self._kernel = ChunkKernel(
            [_chunk_question(plan) for plan in plans],
            bank,
            self._matcher,
            layout.width,
            self._checkboxes.codes,
        )
        self._values = [plan.codes.values for plan in plans]
        #: rows per chunk: small at first, while the exact path codes the cells seen
        self._chunk_rows = FIRST_CHUNK_ROWS

    def score_all(
        self, records: Iterable[Record], more_ready: Callable[[], bool] | None = None
    ) -> Iterator[RowOutcome]:
        """Each record's outcome, in order, scored a chunk at a time.

        `more_ready()`: whether the next record can be read without waiting (standard input); a
        chunk ends where it says no, so a row piped in comes out without waiting for the next.
        """
        records = iter(records)
        while True:
            if more_ready is None:
                chunk = list(islice(records, self._chunk_rows))
            else:
                chunk = list(islice(records, 1))
                while chunk and len(chunk) < self._chunk_rows and more_ready():
                    following = next(records, None)
                    if following is None:
                        break
                    chunk.append(following)
            if not chunk:
                return
            yield from self._score_chunk(chunk)
            self._chunk_rows = min(2 * self._chunk_rows, CHUNK_ROWS)

    def _score_chunk(self, records: list[Record]) -> list[RowOutcome]:
        """Each record's outcome: the chunk kernel's decision for the rows it scores, the exact
        path's outcome for the others (another width, a NUL, a cell not seen, a problem)."""
        width, id_index = self.layout.width, self.layout.id_index
        fitting = [r.cells for r in records if len(r.cells) == width and not r.has_nul]
        decisions = iter(self._kernel.run(fitting))
        versions = bool(self.layout.version_indexes)
        codes = self._kernel.codes
        outcomes = []
        position = -1
        for record in records:
            cells = record.cells
            if len(cells) != width or record.has_nul:
                outcomes.append(self.score(record))
                continue
            decision = next(decisions)
            position += 1
            form_version, refused = self._form_version(cells) if versions else _BANK_VERSION
            if decision is None or refused is not None:
                outcomes.append(self.score(record))
                continue
            record_id = cells[id_index] if id_index is not None else ""
            result = None
            if self.full_result:
                answers = AnswerSet(self._answers_at(codes, position), ())
                result = triage_answer_set(self.bank, answers, decision)
            outcomes.append(
                RowOutcome(record.line, record_id, (), decision, (), result, (), form_version)
            )
        return outcomes

    def score(self, record: Record) -> RowOutcome:
        """The row's outcome by the exact path: its decision (and result), or every problem
        found in it."""
        cells = record.cells
        id_index = self.layout.id_index
        record_id = cells[id_index] if id_index is not None and id_index < len(cells) else ""
        if len(cells) != self.layout.width or record.has_nul:
            shown_id = record_id.replace(NUL_MARK, REPLACEMENT_CHARACTER)
            return RowOutcome(record.line, shown_id, self._shape_problems(record))
        form_version, version_refused = self._form_version(cells)
        # the exact path: every question in bank order, every problem named
        answers: dict[str, AnswerValue] = {}
        ignored: list[str] = []
        problems: list[RefusedCell] = []
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

    def _answers_at(self, codes: list[Codes], position: int) -> dict[str, AnswerValue]:
        """The answers of a chunk's row from its codes (chunk_kernel.py), by question id."""
        values = map(getitem, self._values, [column[position] for column in codes])
        answered = zip(self._order, values, strict=True)
        return {qid: value for qid, value in answered if value is not None}

    def _form_version(self, cells: list[str]) -> tuple[str, RefusedCell | None]:
        """The form version the row names, when it is not the bank's; refused under --strict."""
        for index in self.layout.version_indexes:
            version = cells[index].strip()
            if version and version != self.bank.version:
                if not self.strict_version:
                    return version, None
                column = self.layout.columns[index]
                return version, RefusedCell(
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
        problems: list[RefusedCell],
        last_test: Predicate | None = None,
        last_asked: bool = True,
    ) -> None:
        """Questions in bank order, as `validate_answers` takes them.

        `last_test` and `last_asked`: a `when` already tested for these answers, and its truth.
        """
        for plan, question_id, index, cache, asked_if, required in steps:
            if index >= 0:
                raw = cells[index]
                value = cache.get(raw, UNSEEN)
                if value is UNSEEN:
                    value = plan.read(raw)
            elif plan.checkboxes:
                value = self._checkboxes.read(plan, cells)
            else:
                value = BLANK
            if asked_if is None:
                asked = True
            elif asked_if is last_test:
                asked = last_asked
            else:
                asked = last_asked = asked_if(answers)
                last_test = asked_if
            if value is BLANK:
                if asked and required:
                    problems.append(plan.missing)
            elif not asked:
                ignored.append(question_id)
            elif type(value) is RefusedCell:
                problems.append(value)
            else:
                answers[question_id] = value  # type: ignore[assignment]

    def _problems(self, line: int, problems: list[RefusedCell]) -> tuple[Problem, ...]:
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


def _step(plan: QuestionPlan) -> _Step:
    return (plan, plan.id, plan.index, plan.cache, plan.asked_if, plan.required)


def _chunk_question(plan: QuestionPlan) -> ChunkQuestion:
    boxes = tuple(box.index for box in plan.checkboxes) if plan.index < 0 else ()
    return ChunkQuestion(plan.columns.question, plan.index, boxes, plan.codes)
