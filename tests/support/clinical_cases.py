"""The clinical vignettes of tests/data/vignettes.yaml, as complete answer sets for the tests.

All synthetic. Each vignette is written in clinical words first (age, story, findings), with the
tiers a careful clinician would accept and the guideline or seed behind it, then mapped to
answers as differences from the file's own baseline person. CLINICAL_CASES is shared by the
scoring tests, the command-line tests, batch, the interview state machine and the FHIR round
trip: each case is `pytest.param(raw_answers, accepted_tiers, id=...)`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

import spinetriage
from spinetriage.answers import asked_questions, parse_value
from spinetriage.conditions import AnswerValue

VIGNETTES = Path(__file__).resolve().parents[1] / "data" / "vignettes.yaml"
_DATA = yaml.safe_load(VIGNETTES.read_text(encoding="utf-8"))
_BANK = spinetriage.load_questionnaire()


def vignette_answers(changes: dict[str, Any]) -> dict[str, Any]:
    """The vignettes' baseline with a case's answers; baseline answers to questions the case's
    answers no longer ask are dropped (a case's own answers are always kept)."""
    merged = {**_DATA["baseline"], **changes}
    typed: dict[str, AnswerValue] = {}
    for question in _BANK.questions:
        if question.id in merged:
            typed[question.id] = parse_value(question, merged[question.id])
    asked = {q.id for q in asked_questions(_BANK, typed)}
    return {k: v for k, v in merged.items() if k in asked or k in changes}


#: every vignette's raw answers, keyed by id, with its story and accepted tiers
VIGNETTE_CASES: dict[str, dict[str, Any]] = {case["id"]: case for case in _DATA["cases"]}

CLINICAL_CASES = [
    pytest.param(vignette_answers(case["answers"]), tuple(case["accept"]), id=case["id"])
    for case in _DATA["cases"]
]

#: a calm recovery eight weeks after an L5-S1 fusion (tier postop)
RECENT_FUSION: dict[str, Any] = {
    "had_spine_surgery": "yes",
    "weeks_since_surgery": 8,
    "postop_warning_signs": "none",
    "surgery_procedure": "fusion",
    "fusion_level": "l5_s1",
    "postop_walking": "daily",
    "postop_xrays": "on_schedule",
    "pain_now": 3,
}
