"""The derived scores rules may test (`{score: NAME, ...}`), with their kind and allowed values."""

from __future__ import annotations

from ..conditions.parser import Subject
from ..conditions.values import QuestionType

DISABILITY_BANDS = ("minimal", "moderate", "severe", "crippling", "bed_bound")
DURATION_BANDS = ("acute", "subacute", "chronic")
RISK_LEVELS = ("low", "medium", "high")

SCORE_SUBJECTS: dict[str, Subject] = {
    "disability_percent": Subject(QuestionType.NUMBER),
    "disability_band": Subject(QuestionType.SINGLE_CHOICE, DISABILITY_BANDS),
    "duration_band": Subject(QuestionType.SINGLE_CHOICE, DURATION_BANDS),
    "psychosocial_total": Subject(QuestionType.INTEGER),
    "psychosocial_distress": Subject(QuestionType.INTEGER),
    "psychosocial_risk": Subject(QuestionType.SINGLE_CHOICE, RISK_LEVELS),
    "failed_treatment_count": Subject(QuestionType.INTEGER),
}
