"""What the commands do, as core functions that return data; cli/ parses and prints.

- `score_answer_file`: the answer file checked against the bank and scored, with the answers
  that were given but not used as warnings (`Problem`s the command line prints) and the file's
  record id;
- `check_bank`: a bank validated, and its rules searched: every answer set reaches a tier
  (BankError with an example when not), and the rules that can never hold, as warnings;
- `interview_bank`: the bank for the interview, once an output file that could not be written,
  or would destroy an input, is refused (before the person answers anything).

Like pipx's commands and pyxform's `convert()`, these never print and never know about typer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from .answers import RecordId, read_answer_file
from .answers.files import shown_name
from .bank import Questionnaire, load_questionnaire
from .errors import AnswerError, BankError, Problem
from .fhir import check_id_system
from .output_files import check_writable, refuse_overwriting
from .scoring import Result, check_answers, json_value, triage_answer_set
from .scoring.coverage import RuleSearch

NOT_USED = "was answered but would not be asked given the other answers; its answer was not used"


@dataclass(frozen=True, slots=True)
class ScoredFile:
    """An answer file's result, the bank it was scored with, and what the reader should know."""

    result: Result
    bank: Questionnaire
    #: answers that were not used (their questions would not be asked given the other answers)
    warnings: tuple[Problem, ...]
    #: the record the answers come from, when the file names it
    record_id: RecordId | None = None


def score_answer_file(
    path: Path,
    questions: Path | None = None,
    output: Path | None = None,
    id_system: str | None = None,
) -> ScoredFile:
    """Score one answer file; AnswerError (its problems located in `path`) when it is invalid.

    `output`, where the caller will write the result, is refused first if it is the answer file
    or the bank; `id_system` (an absolute URI, or OptionError) is the system of a record id that
    the file gives without one.
    """
    id_system = check_id_system(id_system)
    if output is not None:
        refuse_overwriting(output, path, questions)
    bank = load_questionnaire(questions)
    answer_file = read_answer_file(path, bank)
    name = shown_name(path)
    record_id = answer_file.record_id
    if record_id is not None and record_id.system is None:
        record_id = replace(record_id, system=id_system)
    try:
        answer_set = check_answers(bank, answer_file.answers)
        result = triage_answer_set(bank, answer_set)
    except AnswerError as error:
        raise error.in_file(name) from None
    warnings = tuple(
        Problem(file=name, message=f"question '{question_id}' {NOT_USED}", field=question_id)
        for question_id in answer_set.ignored
    )
    return ScoredFile(result, bank, warnings, record_id)


def interview_bank(questions: Path | None = None, output: Path | None = None) -> Questionnaire:
    """The bank to interview with; `output` is refused first if it cannot be written."""
    if output is not None:
        check_writable(output)
        refuse_overwriting(output, questions)
    return load_questionnaire(questions)


@dataclass(frozen=True, slots=True)
class CheckedBank:
    """A valid bank whose rules give every answer set a tier, and what the reader should know."""

    bank: Questionnaire
    #: rules that can never hold, tiers no rule reaches, what the search could not settle
    warnings: tuple[Problem, ...]


def check_bank(path: Path | None = None) -> CheckedBank:
    """`spinetriage check`: the bank read and validated, then its rules searched.

    A bank in which some valid answer set matches no rule is refused (BankError) with one such
    answer set as the example: a batch would otherwise stop on that row.
    """
    bank = load_questionnaire(path)
    shown = str(path) if path is not None else "questions.yaml"
    coverage = RuleSearch(bank).coverage()
    if coverage.uncovered is not None:
        example = json.dumps({k: json_value(v) for k, v in coverage.uncovered.items()})
        raise BankError(
            [
                Problem(
                    file=shown,
                    where="rules",
                    message="some valid answer sets match no rule, so they get no tier; for "
                    f"example this one (an answer file): {example}",
                )
            ]
        )
    warnings = [
        *(
            Problem(file=shown, where=f"rule '{rule_id}'", message="can never hold; remove it")
            for rule_id in coverage.dead_rules
        ),
        *(
            Problem(file=shown, where=f"tier '{tier_id}'", message="no rule can reach it")
            for tier_id in coverage.unreached_tiers
        ),
        *(
            Problem(
                file=shown,
                where="rules" if what == "coverage" else f"rule '{what}'",
                message="the search gave up before settling whether "
                + ("every answer set matches a rule" if what == "coverage" else "it can hold"),
            )
            for what in coverage.undecided
        ),
    ]
    return CheckedBank(bank, tuple(warnings))
