"""A refused batch row as a FHIR OperationOutcome: its problems, where they are, and its record.

Each problem is an issue whose `diagnostics` is the problem as every other output words it (with
the line and the column) and whose `expression` is a FHIRPath to the item of the response the
row would have given: `QuestionnaireResponse.item.where(linkId='symptoms')
.item.where(linkId='pain_now')`. A red flag among the row's valid answers is a warning issue, so
it is never silent. The row's record id, when it has one, is an extension: an OperationOutcome
has no identifier of its own, and a reader matches rows to records by it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..answers.files import RecordId
from ..bank.model import Questionnaire, Rule
from ..conditions.tree import leaves
from ..errors import Problem
from .common import Resource, group_link_id
from .identity import record_extension
from .narrative import bullets, heading, narrative, paragraph

NOT_SCORED_RED_FLAG = "not scored, but the valid answers hold a red flag"


class RefusedRows:
    """OperationOutcomes for the refused rows of one bank's batch run."""

    def __init__(self, bank: Questionnaire) -> None:
        self._bank = bank
        #: each question's item in a response, as a FHIRPath
        self._paths = {
            qid: f"QuestionnaireResponse.item.where(linkId='{group_link_id(bank, section)}')"
            f".item.where(linkId='{qid}')"
            for section in bank.sections
            for qid in section.question_ids
        }

    def outcome(
        self,
        line: int,
        record_id: RecordId | None,
        problems: Sequence[tuple[Problem, str | None]],
        red_flags: Sequence[Rule],
    ) -> Resource:
        """The OperationOutcome of the row at `line`: its problems, each with the question it is
        about (None: no question, such as a row with too few cells), and its red flags."""
        issues = [self._issue("error", "invalid", str(p), [qid]) for p, qid in problems]
        for rule in red_flags:
            subjects = [leaf.subject for leaf in leaves(rule.when)]
            text = f"{NOT_SCORED_RED_FLAG} ({rule.id}, {rule.tier}): {rule.reason}"
            issues.append(self._issue("warning", "informational", text, subjects))
        record = f" (record {record_id.value})" if record_id is not None else ""
        resource: Resource = {
            "resourceType": "OperationOutcome",
            "id": f"line-{line}",
            "text": narrative(
                paragraph(f"Line {line}{record} was not scored:"),
                bullets(str(p) for p, _ in problems),
                heading("Not scored, but its valid answers hold a red flag:") if red_flags else "",
                bullets(f"{rule.reason} (rule {rule.id}; tier {rule.tier})" for rule in red_flags),
            ),
        }
        if record_id is not None:
            resource["extension"] = [record_extension(record_id)]
        resource["issue"] = issues
        return resource

    def _issue(
        self, severity: str, code: str, diagnostics: str, subjects: Sequence[str | None]
    ) -> Resource:
        issue: Resource = {"severity": severity, "code": code, "diagnostics": diagnostics}
        paths = list(dict.fromkeys(self._paths[s] for s in subjects if s in self._paths))
        if paths:
            issue["expression"] = paths
        return issue
