"""Answers in words a person reads: choice labels rather than codes, `Yes` rather than `True`.

Used by every rendering that shows answers (the review screen, the summary, Markdown), so an
answer reads the same everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from ..bank.model import Question, Questionnaire
from ..bank.score_vocabulary import DERIVED_SCORES
from ..conditions.values import AnswerValue
from ..scoring.recovery import RecoveryTimeline
from ..scoring.result import SourceView
from ..scoring.scores import Scores

#: a word of a citation that names a file (`shared/seeds/000.txt`, `reference.md`, `./notes`):
#: the reader has no such file, so such a citation is never shown ("2011;378/9802" is no file)
_FILE_NAME = re.compile(
    r"^(~?/|\.\.?/|[A-Za-z]:\\)|\\|\.(md|txt|pdf|ya?ml|json|csv|docx?|html?|rst)$", re.IGNORECASE
)
_WEB_ADDRESS = re.compile(r"^https?://", re.IGNORECASE)


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


#: the duration bands in words (scoring.scores sets them: ACP 2017)
DURATION_WORDS = {"acute": "under 4 weeks", "subacute": "4 to 12 weeks", "chronic": "over 12 weeks"}


def score_lines(scores: Scores) -> list[tuple[str, str]]:
    """The derived scores as (name, value) lines in plain words, for every rendering; the
    method behind each in brackets, for the clinician."""
    s = scores
    percent = None if s.disability_percent is None else number_text(s.disability_percent)
    band = f", {s.disability_band.replace('_', '-')}" if s.disability_band else ""
    duration = (
        f" ({s.duration_band}: {DURATION_WORDS.get(s.duration_band, '')})"
        if s.duration_band
        else ""
    )
    risk = (
        "not known"
        if s.psychosocial_risk is None
        else f"{s.psychosocial_risk} (score {s.psychosocial_total} of 9, worry and low mood "
        f"{s.psychosocial_distress or 0} of 5; STarT Back method)"
    )
    return [
        (
            "Pain",
            f"{_known(s.pain_now, '/10')} now · {_known(s.pain_worst, '/10')} at worst "
            "in the past week",
        ),
        ("Effect on daily life", f"{_known(percent, '%')}{band} (Oswestry disability method)"),
        ("How long", f"{_known(s.duration_weeks, ' weeks')}{duration}"),
        ("Risk of long-lasting pain", risk),
        ("Treatments tried", f"{s.failed_treatment_count} did not help enough"),
    ]


def source_keys(keys: Iterable[str]) -> str:
    """Sources named in the text, as the list of sources at the end names them: `[001], [nice]`."""
    return ", ".join(f"[{key}]" for key in keys)


def recovery_line(recovery: RecoveryTimeline) -> str:
    """Where the person is in the recovery after an operation, as one sentence or three."""
    stage = recovery.stage[:1].upper() + recovery.stage[1:]
    text = f"{recovery.procedure.capitalize()}, {recovery.weeks_since} weeks ago. {stage}."
    if recovery.next_xray_week is not None:
        text += f" Next planned X-ray: at about week {recovery.next_xray_week}."
    return f"{text} [{recovery.source}]"


def made_at_text(moment: datetime) -> str:
    """When a result was made, as a person reads it: `2026-01-31 at 09:30 (UTC+00:00)`."""
    offset = moment.strftime("%z")
    zone = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{moment:%Y-%m-%d} at {moment:%H:%M}{zone}"


def readable_citation(citation: str) -> str | None:
    """The citation if a reader can use it; None when it points at a file they do not have."""
    words = [w.strip(",;:()[]'\"") for w in citation.split()]
    if not words or any(_FILE_NAME.search(w) and not _WEB_ADDRESS.match(w) for w in words):
        return None
    return citation.strip()


def source_text(source: SourceView) -> str:
    """A source as the reader sees it: its title (which names a guideline by name and number),
    then its citation when that is something they can use."""
    citation = readable_citation(source.citation)
    return source.title if citation is None else f"{source.title}; {citation}"
