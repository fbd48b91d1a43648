"""A batch CSV header read against the bank: which column answers which question.

A multiple-choice question is answered either by one column named after it (codes separated by
`;`) or by REDCap-style checkbox columns `ID___CODE` holding 1 (ticked) or 0 (not ticked). Column
names match question ids case-insensitively. A header that cannot work for any row (no question
column at all, a column twice, an always-required question without a column) is an
`InputFileError` (exit 2): one message then, rather than the same error on every row.

An export of REDCap, ODK Central or KoboToolbox is recognised by its header and read as the
table in forms/exports.py says: its column names (group paths), its id column, the columns
holding the form's version, and its own metadata columns (known, not used, no warning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..answers.values import shown_value
from ..bank.dictionary import allowed_values
from ..bank.model import Question, Questionnaire
from ..conditions.values import QuestionType
from ..errors import InputFileError
from ..forms.exports import CHECKBOX_SEPARATOR, TEMPLATE, ExportFormat, recognise

DEFAULT_ID_COLUMN = TEMPLATE.id_column
#: columns that are not question ids, named in the message about a missing column
SHOWN_UNKNOWN = 5


@dataclass(frozen=True, slots=True)
class Checkbox:
    code: str
    index: int
    column: str


@dataclass(frozen=True, slots=True)
class QuestionColumns:
    """Where one question's answer is: a column index, checkbox columns, or nowhere."""

    question: Question
    index: int | None = None
    checkboxes: tuple[Checkbox, ...] = ()

    @property
    def column(self) -> str:
        """The column's name for the errors file."""
        if self.checkboxes:
            return f"{self.question.id}{CHECKBOX_SEPARATOR}*"
        return self.question.id

    @property
    def label(self) -> str:
        """The column as messages name it."""
        if self.checkboxes:
            return f"columns '{self.column}'"
        if self.index is None:
            return f"column '{self.column}' (not in the header)"
        return f"column '{self.column}'"


@dataclass(frozen=True, slots=True)
class Layout:
    columns: tuple[str, ...]
    id_index: int | None
    id_column: str
    #: every question of the bank, in bank order
    questions: tuple[QuestionColumns, ...]
    #: columns that are neither a question, a checkbox nor the id column: not used
    unknown: tuple[str, ...]
    #: the export the header comes from (our own template when no tool's)
    export: ExportFormat = TEMPLATE
    #: columns holding the version of the form each row was collected with
    version_indexes: tuple[int, ...] = ()

    @property
    def width(self) -> int:
        return len(self.columns)


def read_layout(
    bank: Questionnaire, header: list[str], source: str, id_column: str | None = None
) -> Layout:
    where = f"{source}: header"
    export = recognise(header)
    wanted_id = (id_column or export.id_column).strip()
    by_id = {q.id.lower(): q for q in bank.questions}
    if wanted_id.lower() in by_id:
        raise InputFileError(f"--id-column '{wanted_id}' is a question id; name another column")
    single: dict[str, int] = {}
    boxes: dict[str, list[Checkbox]] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    versions: list[int] = []
    id_index: int | None = None
    for index, name in enumerate(header):
        # an export's group path (`red_flags-rf_fever`) names the column as our template does
        key = export.question_column(name, by_id).lower()
        if key in seen:
            raise InputFileError(
                f"{where}: column '{name}' appears twice (columns {seen[key] + 1} and "
                f"{index + 1}); keep one"
            )
        seen[key] = index
        if name.lower() == wanted_id.lower():
            id_index = index
        elif key in by_id:
            single[by_id[key].id] = index
        elif CHECKBOX_SEPARATOR in key and key.split(CHECKBOX_SEPARATOR, 1)[0] in by_id:
            question = by_id[key.split(CHECKBOX_SEPARATOR, 1)[0]]
            boxes.setdefault(question.id, []).append(_checkbox(question, key, name, index, where))
        elif export.is_version(name):
            versions.append(index)
        elif not export.is_metadata(name):
            unknown.append(name or f"(unnamed column {index + 1})")
    if id_column is not None and id_index is None:
        raise InputFileError(f"{where}: no column '{id_column}' for --id-column")
    if not single and not boxes:
        shown = ", ".join(f"'{c}'" for c in header[:4]) + (", ..." if len(header) > 4 else "")
        hint = f" (a {export.name} export? {export.hint})" if export.hint else ""
        raise InputFileError(
            f"{where}: no column is a question id (the first line reads {shown}){hint}; "
            "the first line must name the questions (`spinetriage template` writes it)"
        )
    both = sorted(single.keys() & boxes.keys())
    if both and export.ticks_beside_choices:
        boxes = {qid: found for qid, found in boxes.items() if qid not in single}
    elif both:
        raise InputFileError(
            f"{where}: question '{both[0]}' has both a column '{both[0]}' and checkbox columns "
            f"'{both[0]}{CHECKBOX_SEPARATOR}CODE'; keep one form"
        )
    layout = Layout(
        columns=tuple(header),
        id_index=id_index,
        id_column=header[id_index] if id_index is not None else wanted_id,
        questions=tuple(
            QuestionColumns(q, single.get(q.id), tuple(boxes.get(q.id, ()))) for q in bank.questions
        ),
        unknown=tuple(unknown),
        export=export,
        version_indexes=tuple(versions),
    )
    _require_always_asked(layout, where)
    return layout


def _checkbox(question: Question, key: str, name: str, index: int, where: str) -> Checkbox:
    """`key` is the column's name as our template spells it: `id___code`, any case."""
    code = key.split(CHECKBOX_SEPARATOR, 1)[1].strip().lower()
    if question.type is not QuestionType.MULTI_CHOICE:
        raise InputFileError(
            f"{where}: column '{name}': checkbox columns are only for multiple-choice questions; "
            f"name the column '{question.id}' (allowed: {allowed_values(question)})"
        )
    for known in question.codes:
        if known.lower() == code:
            return Checkbox(known, index, name)
    raise InputFileError(
        f"{where}: column '{name}': '{code}' is not a choice of '{question.id}'; "
        f"allowed: {', '.join(question.id + CHECKBOX_SEPARATOR + c for c in question.codes)}"
    )


def _require_always_asked(layout: Layout, where: str) -> None:
    missing = [
        c.question.id
        for c in layout.questions
        if c.question.required
        and c.question.asked_if is None
        and c.index is None
        and not c.checkboxes
    ]
    if missing:
        count = len(missing)
        # a column meant for one of them may hold a hidden character (NUL, zero-width space):
        # show the columns that were not recognised, escaped at the edge
        odd = ", ".join(f"'{name}'" for name in layout.unknown[:SHOWN_UNKNOWN])
        more = ", ..." if len(layout.unknown) > SHOWN_UNKNOWN else ""
        raise InputFileError(
            f"{where}: no column for {count} required question{'s' if count != 1 else ''}: "
            f"{', '.join(missing)} (`spinetriage template` writes the full header)"
            + (f"; not question ids: {odd}{more}" if odd else "")
        )


def check_unknown_columns(
    layout: Layout, source: str, strict: bool, switch: str, warn: Callable[[str], None]
) -> None:
    """Columns that are not question ids: refused when `strict` (InputFileError), else `warn`ed
    as not used. `switch` names the strict setting as the caller takes it (`--strict`)."""
    if not layout.unknown:
        return
    count = len(layout.unknown)
    names = ", ".join(f"'{name}'" for name in layout.unknown)
    what = f"{count} column{'s are' if count != 1 else ' is'} not a question id"
    if strict:
        raise InputFileError(f"{source}: header: {what}: {names} ({switch} refuses them)")
    warn(f"{source}: {what} and not used: {names} ({switch} refuses them)")


def other_version_text(
    source: str, line: int, version: str, bank: Questionnaire, strict: bool, switch: str
) -> str:
    """Said once per version: rows of another version of the form may not fit this bank."""
    what = "refused" if strict else f"scored with this bank ({switch} refuses them)"
    return (
        f"{source}: line {line}: the form version is {shown_value(version)}, not the bank's "
        f"{shown_value(bank.version)}: rows of that version are {what}"
    )
