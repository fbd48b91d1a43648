"""The bank as an XLSForm: the spreadsheet form definition ODK and KoboToolbox read.

Three sheets, as the XLSForm standard names them: `survey` (a group per section, labelled with
its title and intro, holding its questions in bank order; then a hidden `calculate` field
holding the bank's version), `choices` (a list per question, and one `yes_no` list for every
yes/no question) and `settings` (title, form id, and the bank's version as the form's version).
A question's `when` is its `relevant` XPath (logic.py); numbers get a `constraint` to their
range, a multiple choice one that keeps an exclusive choice ("none") alone; help is the hint;
`required` as the bank says. A name the form needs twice (a section named like a question) gets
a suffix: `pain_group`.

`xlsform(bank)` returns the sheets as rows; `xlsform_bytes(bank)` writes the workbook with
openpyxl, imported there, so that nothing else pays for it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from ..bank.dictionary import allowed_values
from ..bank.model import Question, Questionnaire
from ..conditions.values import QuestionType
from ..errors import Problem
from .fields import (
    VERSION_FIELD,
    field_note,
    question_problem,
    quoted_version,
    refuse,
    reserved_name_problems,
    section_heading,
)
from .logic import Syntax, Text, number_text, write_condition

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
)
CHOICES_COLUMNS = ("list_name", "name", "label")
SETTINGS_COLUMNS = ("form_title", "form_id", "version")
#: a question type -> its XLSForm type (a choice type is followed by its list's name)
QUESTION_TYPES = {
    QuestionType.YES_NO: "select_one",
    QuestionType.SINGLE_CHOICE: "select_one",
    QuestionType.MULTI_CHOICE: "select_multiple",
    QuestionType.INTEGER: "integer",
    QuestionType.NUMBER: "decimal",
}
YES_NO_LIST = "yes_no"
YES_NO_CHOICES = (("yes", "Yes"), ("no", "No"))
XPATH = Syntax(
    field=lambda question_id: f"${{{question_id}}}",
    not_equal="!=",
    yes_no=("'yes'", "'no'"),
    ticked=lambda question_id, code, ticked: (
        f"selected(${{{question_id}}}, '{code}')"
        if ticked
        else f"not(selected(${{{question_id}}}, '{code}'))"
    ),
)
#: names the form itself uses: no group, list or question may take them
RESERVED = (VERSION_FIELD, "meta")

Row = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class XlsForm:
    """The three sheets, each a header row and then its rows."""

    survey: list[Row]
    choices: list[Row]
    settings: list[Row]

    def sheets(self) -> dict[str, list[Row]]:
        return {"survey": self.survey, "choices": self.choices, "settings": self.settings}


def relevant(bank: Questionnaire, question: Question) -> str:
    """The question's `when` as XLSForm's `relevant` XPath ("" when always asked)."""
    if question.when is None:
        return ""
    logic = write_condition(bank, question.when, XPATH)
    if isinstance(logic, Text):
        return logic.text
    return "" if logic else "false()"


def xlsform(bank: Questionnaire) -> XlsForm:
    """The sheets; ExportError names every problem."""
    problems = reserved_name_problems(bank, RESERVED, "an XLSForm")
    taken = {q.id for q in bank.questions} | set(RESERVED)
    lists = _list_names(bank)
    survey: list[Row] = [SURVEY_COLUMNS]
    for section in bank.sections:
        # the intro joins the title: a note row would be one more column in every export
        heading = section_heading(section)
        survey.append(_survey_row("begin_group", _unused(section.id, taken), heading))
        for question_id in section.question_ids:
            question = bank.question(question_id)
            survey.append(_question_row(bank, question, lists.get(question.id, ""), problems))
        survey.append(_survey_row("end_group"))
    version = quoted_version(bank, problems)
    survey.append(_survey_row("calculate", VERSION_FIELD, calculation=version))
    refuse(problems)
    return XlsForm(
        survey=survey,
        choices=[CHOICES_COLUMNS, *_choices(bank, lists)],
        settings=[SETTINGS_COLUMNS, (bank.title, bank.id, bank.version)],
    )


def xlsform_bytes(bank: Questionnaire) -> bytes:
    """The XLSForm as an .xlsx workbook."""
    form = xlsform(bank)  # refuse before importing openpyxl
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    for name, rows in form.sheets().items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _survey_row(kind: str, name: str = "", label: str = "", **cells: str) -> Row:
    values = {"type": kind, "name": name, "label": label, **cells}
    return tuple(values.get(column, "") for column in SURVEY_COLUMNS)


def _question_row(
    bank: Questionnaire, question: Question, list_name: str, problems: list[Problem]
) -> Row:
    texts = (question.text, question.help or "", *(c.label for c in question.choices))
    if any("${" in text for text in texts):
        problems.append(
            question_problem(
                question,
                "its text, help or a choice holds '${', which XLSForm reads as a reference",
            )
        )
    kind = QUESTION_TYPES[question.type]
    return _survey_row(
        f"{kind} {list_name}" if list_name else kind,
        question.id,
        question.text,
        hint=field_note(question),
        required="yes" if question.required else "",
        relevant=relevant(bank, question),
        **_constraint(question),
    )


def _constraint(question: Question) -> dict[str, str]:
    """What the answer must satisfy, and the message shown when it does not."""
    if question.type.is_numeric:
        bounds = [
            f". {operator} {number_text(bound)}"
            for operator, bound in ((">=", question.minimum), ("<=", question.maximum))
            if bound is not None
        ]
        if bounds:
            return {
                "constraint": " and ".join(bounds),
                "constraint_message": f"Allowed: {allowed_values(question)}",
            }
    exclusive = [c for c in question.choices if c.exclusive]
    if question.type is QuestionType.MULTI_CHOICE and exclusive:
        return {
            "constraint": " and ".join(
                f"not(selected(., '{c.code}') and count-selected(.) > 1)" for c in exclusive
            ),
            "constraint_message": " ".join(
                f"'{c.label}' cannot be combined with other choices." for c in exclusive
            ),
        }
    return {}


def _list_names(bank: Questionnaire) -> dict[str, str]:
    """question id -> the name of its choice list: its own id, or the shared yes/no list."""
    with_choices = {q.id for q in bank.questions if q.choices}
    yes_no = _unused(YES_NO_LIST, with_choices, "_list")
    return {
        q.id: yes_no if q.type is QuestionType.YES_NO else q.id
        for q in bank.questions
        if q.type is QuestionType.YES_NO or q.choices
    }


def _choices(bank: Questionnaire, lists: dict[str, str]) -> list[Row]:
    rows: list[Row] = []
    yes_no_written = False
    for question in bank.questions:
        if question.type is QuestionType.YES_NO:
            if not yes_no_written:
                rows.extend((lists[question.id], code, label) for code, label in YES_NO_CHOICES)
                yes_no_written = True
        elif question.choices:
            rows.extend((lists[question.id], c.code, c.label) for c in question.choices)
    return rows


def _unused(name: str, taken: set[str], suffix: str = "_group") -> str:
    """`name`, or `name_group`, `name_group2`, ... when taken; the name returned is then taken."""
    candidate, number = name, 1
    while candidate in taken:
        candidate = f"{name}{suffix}" if number == 1 else f"{name}{suffix}{number}"
        number += 1
    taken.add(candidate)
    return candidate
