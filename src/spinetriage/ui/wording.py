"""Answers in words a person reads: choice labels rather than codes, `Yes` rather than `True`.

Used by every rendering that shows answers (the review screen, the summary, Markdown), so an
answer reads the same everywhere.
"""

from __future__ import annotations

from ..bank.model import Question, Questionnaire
from ..bank.score_vocabulary import DERIVED_SCORES
from ..conditions.values import AnswerValue
from ..scoring.recovery import RecoveryTimeline
from ..scoring.scores import Scores


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def answer_label(question: Question, value: AnswerValue | None) -> str:
    """One answer as the person would say it: `Yes`, a choice's label, `12 weeks`."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, frozenset):
        # in the order the choices are listed, not alphabetical order of codes
        return "; ".join(c.label for c in question.choices if c.code in value) or "none"
    if isinstance(value, str):
        choice = question.choice(value)
        return choice.label if choice is not None else value
    unit = f" {question.unit}" if question.unit else ""
    return f"{number_text(value)}{unit}"


def subject_label(bank: Questionnaire, subject: str) -> str:
    """What a rule looked at: a question's text, or a derived score's name."""
    question = bank.by_id.get(subject)
    if question is not None:
        return question.text
    score = DERIVED_SCORES.get(subject)
    return score.label if score is not None else subject.replace("_", " ")


def evidence_label(bank: Questionnaire, subject: str, value: AnswerValue | None) -> str:
    """The value behind a rule: a choice label for a question, the value itself for a score."""
    question = bank.by_id.get(subject)
    if question is not None:
        return answer_label(question, value)
    if value is None:
        return "not known"
    if isinstance(value, str):
        return value.replace("_", " ")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


def _known(value: object, suffix: str = "") -> str:
    return "not known" if value is None else f"{value}{suffix}"


def score_lines(scores: Scores) -> list[tuple[str, str]]:
    """The derived scores as (name, value) lines, compact, for every rendering."""
    s = scores
    percent = None if s.disability_percent is None else number_text(s.disability_percent)
    band = f", {s.disability_band.replace('_', '-')}" if s.disability_band else ""
    duration = f", {s.duration_band}" if s.duration_band else ""
    risk = (
        "not known"
        if s.psychosocial_risk is None
        else f"{s.psychosocial_risk} (score {s.psychosocial_total} of 9, "
        f"distress {s.psychosocial_distress or 0} of 5; STarT Back method)"
    )
    return [
        (
            "Pain",
            f"{_known(s.pain_now, '/10')} now · {_known(s.pain_worst, '/10')} at worst "
            "in the past week",
        ),
        ("Disability", f"{_known(percent, '%')}{band} (Oswestry method)"),
        ("Duration", f"{_known(s.duration_weeks, ' weeks')}{duration}"),
        ("Psychosocial risk", risk),
        ("Treatments tried", f"{s.failed_treatment_count} did not help enough"),
    ]


def recovery_line(recovery: RecoveryTimeline) -> str:
    """Where the person is in the recovery after an operation, as one sentence or three."""
    stage = recovery.stage[:1].upper() + recovery.stage[1:]
    text = f"{recovery.procedure.capitalize()}, {recovery.weeks_since} weeks ago. {stage}."
    if recovery.next_xray_week is not None:
        text += f" Next planned X-ray: at about week {recovery.next_xray_week}."
    return f"{text} [{recovery.source}]"
