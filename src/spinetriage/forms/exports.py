"""How each tool lays out its CSV export: the one table `batch` reads exports with.

Each `ExportFormat` below says how its export is recognised (a column only that tool writes), its
id column, the columns holding the form version a row was collected with, how a column names a
question, and how a multiple-choice cell lists codes:

- spinetriage template (anything not recognised): `record_id`; `q`; `a;b`, or `q___a` 1/0;
- REDCap "CSV (raw data)" (`redcap_*`, `*_complete`; `Complete?` with labels): `record_id`;
  `q`; `q___a` 1/0;
- ODK Central CSV (`meta-instanceID`, `SubmissionDate`): `meta-instanceID`; `FormVersion`;
  `group-q`; `a b`;
- KoboToolbox CSV with "XML values and headers" (`_uuid`, `_submission_time`): `_uuid`;
  `group/q` or `q`; `a b`, and a `group/q/a` 1/0 column per choice beside it.

Every export may carry `spinetriage_version`, the field our forms add. Each export's `metadata`
columns (the tool's own: submission times, review states, ...) are known and not used, without
a warning. A column named by a group path (`red_flags-rf_fever`) answers the question its last
part names; `q/a` is the tick of choice `a` of `q`. Question ids and codes hold neither `-` nor
`/`, so a path never hides another question. Names match in any case.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..bank.model import Question
from ..conditions.values import QuestionType
from .fields import RECORD_ID, VERSION_FIELD

#: what REDCap's and our own checkbox columns put between the question id and the code
CHECKBOX_SEPARATOR = "___"
#: metadata questions an XLSForm may add (ODK and KoboToolbox export them as columns)
XLSFORM_METADATA = (
    *("start", "end", "today", "deviceid", "username", "phonenumber", "audit"),
    *("simserial", "subscriberid", "instancename"),
)


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """One tool's CSV export, as `batch` reads it."""

    #: as messages name it
    name: str
    #: column name patterns (fnmatch, any case): a column matching one marks the export
    recognised_by: tuple[str, ...]
    #: the id column carried to the output, unless --id-column names another
    id_column: str
    #: column name patterns of what the tool adds itself: known, not used, no warning
    metadata: tuple[str, ...] = ()
    #: columns holding the version of the form a row was collected with
    version_columns: tuple[str, ...] = (VERSION_FIELD,)
    #: characters joining group names and the question id in a column name ("": none)
    path_separators: str = ""
    #: between the codes of a multiple-choice cell (" ": any white space)
    choice_separator: str = ";"
    #: the tool may add a 1/0 column per choice beside a multiple choice's own column; those
    #: repeat it and are not used (elsewhere, both forms for one question are refused)
    ticks_beside_choices: bool = False
    #: what to check when no column names a question
    hint: str = ""

    def recognises(self, header: list[str]) -> bool:
        return any(_matches(column, self.recognised_by) for column in header)

    def is_metadata(self, column: str) -> bool:
        return _matches(column, self.metadata)

    def is_version(self, column: str) -> bool:
        return column.lower() in (name.lower() for name in self.version_columns)

    def question_column(self, column: str, questions: Mapping[str, Question]) -> str:
        """The column's name as our template spells it: `q`, `q___code`, or itself.

        `questions` maps lower-case question ids to questions.
        """
        if not self.path_separators:
            return column
        parts = re.split(f"[{re.escape(self.path_separators)}]", column)
        question = questions.get(parts[-2].lower()) if len(parts) >= 2 else None
        code = parts[-1].lower()
        if question and question.type is QuestionType.MULTI_CHOICE and code in question.codes:
            return f"{question.id}{CHECKBOX_SEPARATOR}{code}"
        return parts[-1] if parts[-1].lower() in questions else column

    def choices_cell(self, raw: str) -> str:
        """A multiple-choice cell as our template writes it: codes separated by `;`."""
        if self.choice_separator == ";":
            return raw
        return ";".join(raw.split(None if self.choice_separator == " " else self.choice_separator))


def _matches(column: str, patterns: tuple[str, ...]) -> bool:
    name = column.lower()
    return any(fnmatchcase(name, pattern.lower()) for pattern in patterns)


TEMPLATE = ExportFormat(name="spinetriage template", recognised_by=(), id_column=RECORD_ID)
REDCAP = ExportFormat(
    name="REDCap",
    # "Complete?" heads the form status column of an export with labels: refused, with the hint
    recognised_by=("redcap_*", "*_complete", "complete[?]"),
    id_column=RECORD_ID,
    metadata=("redcap_*", "*_complete", "*_timestamp"),
    hint='export "CSV (raw data)", not labels',
)
ODK_CENTRAL = ExportFormat(
    name="ODK Central",
    recognised_by=("meta-instanceID", "SubmissionDate"),
    id_column="meta-instanceID",
    metadata=(
        *("SubmissionDate", "meta-*", "KEY", "SubmitterID", "SubmitterName"),
        *("AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID"),
        *("Edits", "FormVersion", *XLSFORM_METADATA),
    ),
    version_columns=("FormVersion", VERSION_FIELD),
    path_separators="-/",
    choice_separator=" ",
    ticks_beside_choices=True,
)
KOBOTOOLBOX = ExportFormat(
    name="KoboToolbox",
    recognised_by=("_uuid", "_submission_time"),
    id_column="_uuid",
    metadata=(
        *("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status"),
        *("_submitted_by", "__version__", "_tags", "_index", "meta/*", "formhub/*"),
        *XLSFORM_METADATA,
    ),
    path_separators="/",
    choice_separator=" ",
    ticks_beside_choices=True,
    hint='export with "XML values and headers", not labels',
)
#: the exports `batch` recognises, tried in this order; TEMPLATE when none is
EXPORT_FORMATS = (ODK_CENTRAL, KOBOTOOLBOX, REDCAP)


def recognise(header: list[str]) -> ExportFormat:
    """The export a header comes from."""
    return next((f for f in EXPORT_FORMATS if f.recognises(header)), TEMPLATE)
