"""What every form format shares: the fields it adds beside the questions, a question's note,
and the problems that stop an export.

Each format adds a field holding the bank's version, so that every record says which version of
the form collected it (`batch` compares it with the bank it scores with): REDCap keeps no form
version in its exports, and KoboToolbox exports its own deployment id rather than the form's
version.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..bank.model import Question, Questionnaire, Section
from ..errors import ExportError, Problem

#: the field holding the bank's version in every export, and the column `batch` reads it from
VERSION_FIELD = "spinetriage_version"
#: the id column of our own template and of a REDCap export
RECORD_ID = "record_id"


def question_problem(question: Question, message: str) -> Problem:
    """A problem with one question, at its line in the bank."""
    return Problem(
        line=question.line, where=f"question '{question.id}'", message=message, field=question.id
    )


def reserved_name_problems(
    bank: Questionnaire, reserved: Iterable[str], form: str
) -> list[Problem]:
    """Questions named as a field the form adds itself: the form cannot hold both."""
    taken = set(reserved)
    return [
        question_problem(
            question,
            f"{form} uses the name '{question.id}' for a field of its own; rename the question",
        )
        for question in bank.questions
        if question.id in taken
    ]


def refuse(problems: list[Problem]) -> None:
    """Every problem found at once, as `check` reports a bank's."""
    if problems:
        raise ExportError(sorted(problems, key=lambda p: p.line or 0))


def section_heading(section: Section) -> str:
    """A section's title, and its intro after it: forms show them where the section begins."""
    return f"{section.title}: {section.intro}" if section.intro else section.title


def field_note(question: Question) -> str:
    """The help under a question, and the unit a number is in."""
    unit = f"In {question.unit}." if question.unit else ""
    return " ".join(part for part in (question.help or "", unit) if part)


def quoted_version(bank: Questionnaire, problems: list[Problem]) -> str:
    """The bank's version as a quoted literal: in single quotes, or double when it holds a
    single one (both tools read both); a version with both is a problem."""
    for quote in ("'", '"'):
        if quote not in bank.version:
            return f"{quote}{bank.version}{quote}"
    problems.append(
        Problem(where="bank", message="the version holds both kinds of quote; use neither")
    )
    return "''"
