"""A batch layout compiled to one Python function from a row's cells to its matching rules.

`kernel(cells)` does, for a row whose every cell it has seen before, what the exact path of
rows.py does (the checks of `validate_answers`, then `compute_scores`, then the bank's rule
selection), with every answer held in a local variable instead of a dict:

1. every cell with a column of its own is looked up, at once and in C (`map`), among the cells
   seen before: its answer, or None for a blank. A cell not seen before (or refused, or a blank
   in a required always-asked question) raises KeyError: the caller takes the exact path;
2. checkbox columns are read into their question's answer;
3. each conditional question's `when` is tested on those locals: a required one asked and
   blank, or one not asked yet written in, returns None (the exact path names the problem, or
   lists the answer as ignored);
4. the scale sums and `scores_from`, then the rule selection of conditions/compiler.py.

It returns the answers in layout order (None: unanswered), the scores, the rules that hold in
bank order and their tier ranks as bits, or None. Testing every `when` on the final answers
is sound because a `when` only reads questions asked before it (the parser refuses any other),
and an answer is final once no check has sent the row to the exact path.

Straight-line code from fixed templates: no text of the bank is part of the source. Question
ids, predicates, remembered cells and sentinels are named constants (`_0`, `_1`, ...). The
property tests hold the kernel to the exact path's answers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import getitem, itemgetter
from typing import Any, cast

from ..bank.model import Question, Rule
from ..conditions.compiler import ConditionSource
from ..conditions.values import AnswerValue, QuestionType
from ..scoring.matching import RuleMatcher
from ..scoring.scores import WORST_PAIN_FROM, ScaleQuestions, scores_from

#: answers (layout order), scores, the rules that hold and their tier ranks as bits
Kernel = Callable[[list[str]], tuple[tuple[Any, ...], Any, list[Rule], int] | None]


@dataclass(frozen=True, slots=True)
class KernelQuestion:
    question: Question
    #: its column, or -1 (checkbox columns, or not in the header)
    index: int
    #: the cells seen and what they are (an answer, or None for blank), filled as rows come;
    #: for a required always-asked question only the answers, so that a blank raises KeyError
    seen: dict[str, Any]
    #: the reader of its checkbox columns (cells -> value, blank or refused), if it has them
    checkboxes: Callable[[list[str]], object] | None


def compile_row_kernel(
    questions: Sequence[KernelQuestion],
    matcher: RuleMatcher,
    rules: Sequence[Rule],
    blank: object,
    refused: type,
) -> Kernel:
    """`kernel(cells)` for the layout's questions (every question of the bank, in bank order).

    `blank` and `refused` are what a checkbox reader returns for no tick and for a bad cell.
    """
    names = {q.question.id: f"v{n}" for n, q in enumerate(questions)}
    source = ConditionSource(share_definitions=True, separate_scores=True, names=names)
    constant = source.constant
    looked_up = [q for q in questions if q.index >= 0]
    lines = []
    if looked_up:
        targets = "".join(f"{names[q.question.id]}, " for q in looked_up)
        seen = constant(tuple(q.seen for q in looked_up))
        pick = constant(_picker(tuple(q.index for q in looked_up)))
        lines.append(f"{targets}= map({constant(getitem)}, {seen}, {pick}(cells))")
    blank_name, refused_name = constant(blank), constant(refused)
    for q in questions:
        name = names[q.question.id]
        # always asked and required: a blank is the exact path's to name (with a column of its
        # own, a blank is not in the lookup and raises KeyError)
        must_answer = q.question.when is None and q.question.required
        if q.checkboxes is not None and q.index < 0:
            lines += [
                f"{name} = {constant(q.checkboxes)}(cells)",
                f"if {name} is {blank_name}:",
                "    return None" if must_answer else f"    {name} = None",
                f"elif {name}.__class__ is {refused_name}:",
                "    return None",
            ]
        elif q.index < 0:
            lines.append("return None" if must_answer else f"{name} = None")
    lines += _asked_checks(questions, names, source)
    by_id = {q.question.id: q.question for q in questions}
    sums = _sums(matcher.scales, by_id, names, constant)

    def read(question_id: str) -> str:  # a bank without this question: always unanswered
        return names.get(question_id, "None")

    pains = "".join(f"{read(question_id)}, " for question_id in WORST_PAIN_FROM)
    lines += [
        f"scores = {constant(scores_from)}({sums}, {read('pain_now')}, ({pains}), "
        f"{read('symptom_weeks')})",
        *source.selection_lines(
            [(rule, rule.when) for rule in rules], lambda rule: matcher.tier_rank[rule.tier]
        ),
        f"return ({''.join(f'{names[q.question.id]}, ' for q in questions)}), scores, found, kinds",
    ]
    kernel = source.function("kernel", lines, arguments="cells")
    return cast(Kernel, kernel)


def _asked_checks(
    questions: Sequence[KernelQuestion], names: dict[str, str], source: ConditionSource
) -> list[str]:
    """For each run of conditional questions with one `when`: asked, a required one must be
    answered; not asked, none may be written in (the exact path says which, and why)."""
    lines: list[str] = []
    runs: list[list[KernelQuestion]] = []
    for q in questions:
        when = q.question.when
        if when is None:
            continue
        if runs and runs[-1][0].question.when == when:
            runs[-1].append(q)
        else:
            runs.append([q])
    for run in runs:
        required = [names[q.question.id] for q in run if q.question.required]
        # a question with no column and no checkboxes is always blank
        written = [names[q.question.id] for q in run if q.index >= 0 or q.checkboxes is not None]
        test = source.inline_expression(cast(Any, run[0].question.when))
        if required:
            lines += [f"if {test}:", f"    if {' or '.join(f'{v} is None' for v in required)}:"]
            lines.append("        return None")
            if written:
                lines.append(f"elif {' or '.join(f'{v} is not None' for v in written)}:")
                lines.append("    return None")
        elif written:
            lines.append(f"if not {test} and ({' or '.join(f'{v} is not None' for v in written)}):")
            lines.append("    return None")
    return lines


def _sums(
    scales: ScaleQuestions,
    questions: dict[str, Question],
    names: dict[str, str],
    constant: Callable[[object], str],
) -> str:
    """The expression of `ScaleQuestions.sums` on the locals: each scale's points and how many
    of its questions gave points, one table lookup per question (a choice without points, or
    no answer, gives 0 points and counts 0)."""

    def term(question_id: str, table: dict[AnswerValue, int]) -> str:
        question = questions[question_id]
        if question.type is QuestionType.YES_NO or question.type is QuestionType.SINGLE_CHOICE:
            # every answer it can have is in the table: a subscript, not a call
            answers: tuple[AnswerValue, ...] = (
                (True, False) if question.type is QuestionType.YES_NO else question.codes
            )
            whole: dict[AnswerValue | None, int] = {None: 0}
            whole.update((answer, table.get(answer, 0)) for answer in answers)
            return f"{constant(whole)}[{names[question_id]}]"
        return f"{constant(table)}.get({names[question_id]}, 0)"

    parts = []
    for scale in scales.summed():
        parts.append(" + ".join(term(qid, points) for qid, points in scale) or "0")
        counted = [(qid, dict.fromkeys(points, 1)) for qid, points in scale]
        parts.append(" + ".join(term(qid, ones) for qid, ones in counted) or "0")
    return f"({', '.join(parts)},)"


def _picker(indexes: tuple[int, ...]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at these indexes, as a tuple (itemgetter alone returns a bare cell for one)."""
    if len(indexes) == 1:
        only = indexes[0]
        return lambda cells: (cells[only],)
    return itemgetter(*indexes)
