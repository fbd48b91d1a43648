"""The conditional questions of a batch layout compiled to one Python function: the fast path.

`RowScorer` puts the answers to the always-asked questions in place first (one dict lookup per
cell, in C); this function then takes the other questions in bank order, as `validate_answers`
would, for rows whose every cell it has seen before and found valid. It returns False the
moment a row needs more care (a cell not seen before, an invalid or a required blank cell,
something written in a question that is not asked): the row then goes down the exact path,
which names every problem. So the function only ever says "these answers, exactly" or "ask the
exact path", and the property tests hold it to the exact path's answers.

Straight-line code, from fixed templates: no text of the bank is part of the source. Question
ids, predicates, the remembered cells and the sentinels are passed in as named constants
(`_0`, `_1`, ...), as in conditions/compiler.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from ..conditions.tree import Predicate

#: a `when` remembered per answer of the one question it reads: past this many, not kept
MEMO_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class ProgramQuestion:
    id: str
    #: its column, or -1 (checkbox columns, or not in the header)
    index: int
    #: the cells seen that parsed to a valid answer, and their answers (filled as rows come)
    valid: dict[str, Any]
    required: bool
    #: the reader of its checkbox columns (cells -> value, blank or refused), if it has them
    checkboxes: Callable[[list[str]], object] | None


@dataclass(frozen=True, slots=True)
class ProgramGroup:
    """A run of questions with one `when` (None: always asked)."""

    asked_if: Predicate | None
    #: when the `when` reads one always-asked question: that question, and a dict to remember
    #: the `when`'s truth per answer
    subject: str
    memo: dict[Any, bool] | None
    questions: tuple[ProgramQuestion, ...]


RowProgram = Callable[[list[str], dict[str, Any]], bool]


def compile_row_program(groups: list[ProgramGroup], blank: object, refused: type) -> RowProgram:
    """`program(cells, answers)`: add the answers of the questions in `groups`, or return False.

    `blank` and `refused` are what a checkbox reader returns for no tick and for a bad cell.
    """
    source = _Source({"_blank": blank, "_refused": refused, "MEMO_LIMIT": MEMO_LIMIT})
    lines = ["get = answers.get"]
    for group in groups:
        questions = [line for q in group.questions for line in source.question(q)]
        if group.asked_if is None:
            lines += questions
            continue
        test = source.constant(group.asked_if)
        if group.memo is not None:
            memo, subject = source.constant(group.memo), source.constant(group.subject)
            lines += [
                f"key = get({subject})",
                f"asked = {memo}.get(key)",
                "if asked is None:",
                f"    asked = {test}(answers)",
                f"    if len({memo}) < MEMO_LIMIT: {memo}[key] = asked",
            ]
        else:
            lines.append(f"asked = {test}(answers)")
        lines += ["if asked:", *(f"    {line}" for line in questions or ["pass"])]
        written = " or ".join(source.written(q) for q in group.questions if source.written(q))
        if written:
            # not asked, yet something is written in its cells: the exact path sees what
            lines += [f"elif {written}:", "    return False"]
    return source.function([*lines, "return True"])


class _Source:
    def __init__(self, constants: dict[str, object]) -> None:
        self.constants = dict(constants)

    def constant(self, value: object) -> str:
        name = f"_{len(self.constants)}"
        self.constants[name] = value
        return name

    def question(self, question: ProgramQuestion) -> list[str]:
        """Lines that put the question's answer in place, or return False."""
        key = self.constant(question.id)
        if question.checkboxes is not None:
            read = self.constant(question.checkboxes)
            return [
                f"v = {read}(cells)",
                "if v is _blank:",
                "    return False" if question.required else "    pass",
                "elif v.__class__ is _refused:",
                "    return False",
                "else:",
                f"    answers[{key}] = v",
            ]
        if question.index < 0:  # not in the header: always blank
            return ["return False"] if question.required else []
        valid = self.constant(question.valid)
        lines = [
            f"raw = cells[{question.index}]",
            f"v = {valid}.get(raw)",
            "if v is not None:",
            f"    answers[{key}] = v",
        ]
        if question.required:
            return [*lines, "else:", "    return False"]
        # an optional question left blank is unanswered; anything else not known: the exact path
        return [*lines, "elif raw and not raw.isspace():", "    return False"]

    def written(self, question: ProgramQuestion) -> str:
        """A test of whether anything is written in the question's cells ("" if it has none):
        for checkbox columns, a tick (the 0s of a form's unticked boxes are not an answer)."""
        if question.checkboxes is not None:
            return f"({self.constant(question.checkboxes)}(cells) is not _blank)"
        return f"cells[{question.index}]" if question.index >= 0 else ""

    def function(self, body: list[str]) -> RowProgram:
        text = "\n".join(["def program(cells, answers):", *(f"    {line}" for line in body)])
        namespace = dict(self.constants)
        exec(compile(text, "<spinetriage row program>", "exec"), namespace)
        return cast(RowProgram, namespace["program"])
