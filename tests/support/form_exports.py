"""Synthetic CSV exports of REDCap, ODK Central and KoboToolbox, made from the dictionary and the
form spinetriage exports (never hand-typed), holding the template's example answers: made up,
no real person's. Each follows what its tool writes, as the tool's own code and docs say:

- REDCap "CSV (raw data)": the dictionary's fields in order, a checkbox as `field___code` 1/0,
  yes/no as 1/0, REDCap's event and repeat columns, and `<form>_complete`;
- ODK Central: the XForm's instance leaves as columns, group paths joined with `-`, a multiple
  choice space-separated, its metadata columns around them;
- KoboToolbox (formpack): every cell quoted, `;` between cells, group paths joined with `/` (or
  no groups), a multiple choice as one space-separated column and/or a 1/0 column per choice
  (`group/q/code`), its own columns at the end.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence

import openpyxl

from spinetriage.answers.validation import validate_answers
from spinetriage.bank.model import Questionnaire
from spinetriage.batch.template import usable_examples
from spinetriage.conditions.values import AnswerValue

#: (record id, typed answers to the questions asked)
Example = tuple[str, Mapping[str, AnswerValue]]
XFORMS = "{http://www.w3.org/2002/xforms}"
ODK_CENTRAL_AFTER = (
    *("KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"),
    *("Status", "ReviewState", "DeviceID", "Edits", "FormVersion"),
)
KOBO_AFTER = (
    *("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status"),
    *("_submitted_by", "__version__", "_tags", "_index"),
)


def examples(bank: Questionnaire) -> list[Example]:
    """The template's example rows, as typed answers."""
    return [(rid, validate_answers(bank, raw).answers) for rid, raw in usable_examples(bank)]


def _number(value: AnswerValue) -> str:
    assert isinstance(value, (int, float))
    return str(int(value)) if float(value).is_integer() else str(value)


def _csv(rows: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


# -- REDCap ---------------------------------------------------------------------------------------


def redcap_raw_export(dictionary_csv: str, answer_sets: Sequence[Example]) -> str:
    """REDCap's "CSV (raw data)" export of records entered in the dictionary's instrument."""
    fields = list(csv.DictReader(io.StringIO(dictionary_csv)))
    form = fields[0]["Form Name"]
    header = [fields[0]["Variable / Field Name"]]
    header += ["redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance"]
    codes: dict[str, list[str]] = {}
    for field in fields[1:]:
        name, kind = field["Variable / Field Name"], field["Field Type"]
        if kind == "checkbox":
            choices = field["Choices, Calculations, OR Slider Labels"].split("|")
            codes[name] = [choice.split(",", 1)[0].strip() for choice in choices]
            header += [f"{name}___{code}" for code in codes[name]]
        else:
            header.append(name)
    header.append(f"{form}_complete")
    kinds = {f["Variable / Field Name"]: f["Field Type"] for f in fields}
    defaults = {
        f["Variable / Field Name"]: match.group(1)
        for f in fields
        if (match := re.search(r"@DEFAULT='([^']*)'", f["Field Annotation"]))
    }
    rows = [header]
    for record_id, answers in answer_sets:
        cells = {header[0]: record_id, "redcap_event_name": "intake_arm_1", f"{form}_complete": "2"}
        cells.update(defaults)
        for name, kind in kinds.items():
            value = answers.get(name)
            if kind == "checkbox":
                for code in codes[name]:
                    ticked = isinstance(value, frozenset) and code in value
                    cells[f"{name}___{code}"] = "1" if ticked else "0"
            elif value is not None:
                cells[name] = (
                    ("1" if value else "0")
                    if kind == "yesno"
                    else value
                    if isinstance(value, str)
                    else _number(value)
                )
        rows.append([cells.get(column, "") for column in header])
    return _csv(rows)


# -- ODK Central ----------------------------------------------------------------------------------


def odk_central_export(
    xform: str, answer_sets: Sequence[Example], form_version: str | None = None
) -> str:
    """ODK Central's CSV download of submissions to the XForm (`form_version`: as if collected
    with that version of the form)."""
    root = ET.fromstring(xform)
    model = root.find(f".//{XFORMS}model")
    assert model is not None
    data = model.find(f"{XFORMS}instance")
    assert data is not None
    top = data[0]
    version = form_version or top.attrib["version"]
    calculated = {
        bind.attrib["nodeset"]: bind.attrib["calculate"].strip("'")
        for bind in model.iter(f"{XFORMS}bind")
        if "calculate" in bind.attrib
    }
    leaves: list[tuple[str, str]] = []  # (column, instance path)

    def walk(node: ET.Element, path: list[str]) -> None:
        for child in node:
            name = child.tag.removeprefix(XFORMS)
            if len(child):
                walk(child, [*path, name])
            else:
                leaves.append(
                    (
                        "-".join([*path, name]),
                        "/" + "/".join([top.tag.removeprefix(XFORMS), *path, name]),
                    )
                )

    walk(top, [])
    header = ["SubmissionDate", *(column for column, _ in leaves), *ODK_CENTRAL_AFTER]
    rows = [header]
    for record_id, answers in answer_sets:
        cells = {
            "SubmissionDate": "2025-01-01T09:00:00.000Z",
            "KEY": f"uuid:{record_id}",
            "SubmitterID": "5",
            "SubmitterName": "intake-tablet",
            "AttachmentsPresent": "0",
            "AttachmentsExpected": "0",
            "ReviewState": "",
            "Edits": "0",
            "FormVersion": version,
        }
        for column, path in leaves:
            name = column.rsplit("-", 1)[-1]
            if path in calculated:
                cells[column] = form_version or calculated[path]
            elif name == "instanceID":
                cells[column] = f"uuid:{record_id}"
            else:
                cells[column] = _xform_value(answers.get(name))
        rows.append([cells.get(column, "") for column in header])
    return _csv(rows)


def _xform_value(value: AnswerValue | None) -> str:
    """An answer as an XForm instance holds it (the form's yes_no list is `yes`, `no`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return " ".join(sorted(value))
    return value if isinstance(value, str) else _number(value)


# -- KoboToolbox ----------------------------------------------------------------------------------


def kobotoolbox_export(
    xlsx: bytes,
    answer_sets: Sequence[Example],
    groups_in_headers: bool = True,
    multiple_select: str = "both",
    labels: bool = False,
) -> str:
    """KoboToolbox's CSV export (formpack) of submissions to the XLSForm: "XML values and
    headers" unless `labels`; select_multiple as "both", "summary" or "details"."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True)
    survey = _sheet_rows(workbook["survey"])
    lists: dict[str, list[str]] = {}
    for row in _sheet_rows(workbook["choices"]):
        lists.setdefault(row["list_name"], []).append(row["name"])
    groups: list[str] = []
    columns: list[tuple[str, str, str]] = []  # (header, question name, code of a 1/0 column)
    calculated: dict[str, str] = {}
    for row in survey:
        kind, name = row["type"], row["name"]
        if kind == "begin_group":
            groups.append(name)
            continue
        if kind == "end_group":
            groups.pop()
            continue
        shown = row["label"] if labels and row["label"] else name
        header = "/".join([*groups, shown]) if groups_in_headers else shown
        if kind == "calculate":
            calculated[name] = row["calculation"].strip("'")
        if kind.startswith("select_multiple"):
            if multiple_select in ("both", "summary"):
                columns.append((header, name, ""))
            if multiple_select in ("both", "details"):
                columns += [(f"{header}/{code}", name, code) for code in lists[kind.split()[1]]]
        else:
            columns.append((header, name, ""))
    header_row = [column for column, _, _ in columns] + list(KOBO_AFTER)
    rows = [header_row]
    for number, (record_id, answers) in enumerate(answer_sets, 1):
        cells = [
            calculated[name] if name in calculated else _kobo_cell(answers.get(name), code)
            for _, name, code in columns
        ]
        cells += [
            str(number),
            record_id,
            "2025-01-01T09:00:00",
            "",
            "",
            "submitted_via_web",
            "",
            "vKobo123",
            "",
            str(number),
        ]
        rows.append(cells)
    return "".join(";".join(f'"{cell}"' for cell in row) + "\r\n" for row in rows)


def _kobo_cell(value: AnswerValue | None, code: str) -> str:
    if not code:
        return _xform_value(value)
    if value is None:
        return ""  # formpack leaves a 1/0 column blank when the question has no answer
    return "1" if isinstance(value, frozenset) and code in value else "0"


def _sheet_rows(sheet: object) -> list[dict[str, str]]:
    values = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]  # type: ignore[attr-defined]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]
