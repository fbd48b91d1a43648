"""Where a person is on the expected recovery timeline after lumbar surgery.

Timelines from seeds 002 and 004 and the clinical reference: after decompression, home in 1 to 3
days and usual activity in 4 to 6 weeks; after fusion, recovery over months with X-rays
immediately and at about 3, 6 and 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conditions.values import Answers

FUSION_XRAY_WEEKS = (0, 13, 26, 52)
DECOMPRESSIONS = ("laminectomy", "discectomy", "foraminotomy", "decompression_unsure")


@dataclass(frozen=True, slots=True)
class RecoveryTimeline:
    procedure: str
    weeks_since: int
    stage: str
    #: week of the next planned X-ray after fusion (None when none is due)
    next_xray_week: int | None
    source: str


def _decompression_stage(weeks: int) -> str:
    if weeks < 1:
        return "first days: a hospital stay of 1 to 3 days, gentle walking from the start"
    if weeks < 6:
        return (
            "early recovery: walk daily, no heavy lifting; usual activity usually returns at "
            "4 to 6 weeks"
        )
    if weeks < 12:
        return "usual activity is expected by now; heavy lifting after about 12 weeks"
    return "full recovery continues over several months"


def _fusion_stage(weeks: int) -> str:
    if weeks < 1:
        return "first days: a hospital stay of a few days, walking soon after surgery"
    if weeks < 6:
        return "early recovery: walk daily; no heavy lifting, bending or twisting"
    if weeks < 26:
        return "bone is bridging the fused level: physical therapy and core strengthening"
    return "the fusion is solidifying; delayed fusion usually shows at 6 to 12 months"


def recovery_timeline(answers: Answers) -> RecoveryTimeline | None:
    """The timeline for an operation within the past year, or None."""
    procedure = answers.get("surgery_procedure")
    weeks = answers.get("weeks_since_surgery")
    if answers.get("had_spine_surgery") is not True or not isinstance(weeks, int) or weeks > 52:
        return None
    if procedure == "fusion":
        next_xray = next((w for w in FUSION_XRAY_WEEKS if w > weeks), None)
        return RecoveryTimeline("fusion", weeks, _fusion_stage(weeks), next_xray, "002")
    if procedure in DECOMPRESSIONS:
        name = "decompression" if procedure == "decompression_unsure" else str(procedure)
        return RecoveryTimeline(name, weeks, _decompression_stage(weeks), None, "004")
    return RecoveryTimeline(
        "operation",
        weeks,
        "ask your surgical team for your expected recovery timeline",
        None,
        "004",
    )
