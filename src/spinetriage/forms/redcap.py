"""The bank as a REDCap data dictionary: the CSV REDCap's Data Dictionary upload reads.

One instrument (named after the bank) holds every question, in bank order, each section opening
with its title as REDCap's "Section Header". `record_id` comes first, as REDCap requires; a
hidden field holding the bank's version comes last. A question's type maps as
`QUESTION_FIELDS` says; its choices are `code, label | code, label`; its help is the field note;
its `when` is branching logic (logic.py), as REDCap writes it: `[leg_pain] = 'one_side'`,
`[treatments_tried(injections)] = '1'`, yes/no as '1' and '0'. An exclusive choice ("none")
gets REDCap's @NONEOFTHEABOVE action tag. A bank REDCap cannot hold is refused whole, every
problem named.
"""

from __future__ import annotations

import csv
import io
import re

from ..bank.model import Question, Questionnaire
from ..conditions.tree import describe
from ..conditions.values import QuestionType
from ..errors import Problem
from .fields import (
    RECORD_ID,
    VERSION_FIELD,
    field_note,
    question_problem,
    quoted_version,
    refuse,
    reserved_name_problems,
    section_heading,
)
from .logic import Inexpressible, Syntax, Text, number_text, write_condition

#: the data dictionary's columns, exactly as REDCap names them
COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
#: a question type -> REDCap's field type and text validation
QUESTION_FIELDS = {
    QuestionType.YES_NO: ("yesno", ""),
    QuestionType.SINGLE_CHOICE: ("radio", ""),
    QuestionType.MULTI_CHOICE: ("checkbox", ""),
    QuestionType.INTEGER: ("text", "integer"),
    QuestionType.NUMBER: ("text", "number"),
}
REDCAP_LOGIC = Syntax(
    field=lambda question_id: f"[{question_id}]",
    not_equal="<>",
    yes_no=("'1'", "'0'"),
    ticked=lambda question_id, code, ticked: f"[{question_id}({code})] = '{int(ticked)}'",
)
#: what separates choices in the choices cell
CHOICE_SEPARATOR = " | "


def instrument_name(bank: Questionnaire) -> str:
    """The bank's id as a REDCap instrument name: lower-case letters, digits and _."""
    name = re.sub(r"[^a-z0-9]+", "_", bank.id.lower()).strip("_")
    return name if name[:1].isalpha() else f"form_{name}"


def branching_logic(bank: Questionnaire, question: Question) -> str:
    """The question's `when` as REDCap branching logic ("" when always asked)."""
    if question.when is None:
        return ""
    logic = write_condition(bank, question.when, REDCAP_LOGIC)
    if logic is False:
        raise Inexpressible("it never holds, and REDCap branching logic cannot say never")
    return logic.text if isinstance(logic, Text) else ""


def data_dictionary(bank: Questionnaire) -> list[dict[str, str]]:
    """The dictionary's rows (column name -> cell); ExportError names every problem."""
    form = instrument_name(bank)
    problems = reserved_name_problems(bank, (RECORD_ID, VERSION_FIELD), "REDCap")
    rows = [_row(RECORD_ID, form, "text", "Record ID")]
    headers = {s.question_ids[0]: s for s in bank.sections if s.question_ids}
    for question in bank.questions:
        row = _question_row(bank, question, form, problems)
        section = headers.get(question.id)
        if section is not None:
            row["Section Header"] = section_heading(section)
        rows.append(row)
    default = f"@HIDDEN @READONLY @DEFAULT={quoted_version(bank, problems)}"
    rows.append(_row(VERSION_FIELD, form, "text", "spinetriage question bank version", default))
    refuse(problems)
    return rows


def data_dictionary_csv(bank: Questionnaire) -> str:
    """The dictionary as CSV text, the header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, restval="")
    writer.writeheader()
    writer.writerows(data_dictionary(bank))
    return buffer.getvalue()


def _row(name: str, form: str, kind: str, label: str, annotation: str = "") -> dict[str, str]:
    return {
        "Variable / Field Name": name,
        "Form Name": form,
        "Field Type": kind,
        "Field Label": label,
        "Field Annotation": annotation,
    }


def _question_row(
    bank: Questionnaire, question: Question, form: str, problems: list[Problem]
) -> dict[str, str]:
    kind, validation = QUESTION_FIELDS[question.type]
    exclusive = [c.code for c in question.choices if c.exclusive]
    row = _row(
        question.id,
        form,
        kind,
        question.text,
        f"@NONEOFTHEABOVE='{','.join(exclusive)}'" if exclusive else "",
    )
    for choice in question.choices:
        if "|" in choice.label:
            problems.append(
                question_problem(
                    question,
                    f"the label of choice '{choice.code}' holds '|', which REDCap reads as the "
                    "end of a choice; reword it",
                )
            )
    row["Choices, Calculations, OR Slider Labels"] = CHOICE_SEPARATOR.join(
        f"{c.code}, {c.label}" for c in question.choices
    )
    row["Field Note"] = field_note(question)
    row["Text Validation Type OR Show Slider Number"] = validation
    if validation:
        row["Text Validation Min"] = (
            "" if question.minimum is None else number_text(question.minimum)
        )
        row["Text Validation Max"] = (
            "" if question.maximum is None else number_text(question.maximum)
        )
    try:
        row["Branching Logic (Show field only if...)"] = branching_logic(bank, question)
    except Inexpressible as exc:
        problems.append(
            question_problem(
                question,
                f"its `when` ({describe(question.when) if question.when else ''}) cannot be "
                f"written as REDCap branching logic: {exc}",
            )
        )
    row["Required Field?"] = "y" if question.required else ""
    return row
