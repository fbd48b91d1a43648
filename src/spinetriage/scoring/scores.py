"""Derived scores reported with every result, and the values rules may test with `score:`.

Methods (facts, not item wording; see shared/clinical-reference.md):
- disability, Oswestry method: items 0-5; percent = sum / (5 × items answered) × 100;
  bands 0-20 minimal, 21-40 moderate, 41-60 severe, 61-80 crippling, 81-100 bed-bound.
- duration, ACP 2017: acute under 4 weeks, subacute 4 to 12, chronic over 12.
- psychosocial risk, STarT Back method: 9 items, total 0-9, distress subscale 0-5; total 0-3
  low; distress 4 or more high; otherwise medium.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from typing import NamedTuple, cast

from ..bank.model import Question, Questionnaire, ScoreScale
from ..bank.score_vocabulary import DERIVED_SCORES, DISABILITY_BANDS, DURATION_BANDS, RISK_LEVELS
from ..conditions.values import Answers, AnswerValue, QuestionType

DISABILITY_BAND_TOPS = (20, 40, 60, 80, 100)
#: the scales in the order `ScaleQuestions.sums` gives their (points, count) pairs
SUMMED = ("disability", "psychosocial_distress", "psychosocial", "treatment_response")


class Scores(NamedTuple):
    """The values of the scores in bank.score_vocabulary.SCORES, field for row, in its order.

    A named tuple rather than a frozen dataclass: a batch makes one per row, and a tuple is
    built in C (a fifth of the time)."""

    pain_now: int | None
    pain_worst: int | None
    disability_percent: float | None
    disability_band: str | None
    duration_weeks: int | None
    duration_band: str | None
    psychosocial_total: int | None
    psychosocial_distress: int | None
    psychosocial_risk: str | None
    failed_treatment_count: int

    def as_dict(self) -> dict[str, object]:
        return self._asdict()

    def rule_values(self) -> dict[str, AnswerValue]:
        """The scores rules may test, without the unknown ones (unknown = unanswered)."""
        values = zip(DERIVED_SCORES, _rule_scores(self), strict=True)
        return {name: value for name, value in values if value is not None}


_rule_scores = attrgetter(*DERIVED_SCORES)

#: each question's id and points by answer (yes/no: yes = 1, no = 0)
ScaleItems = tuple[tuple[str, dict[AnswerValue, int]], ...]
Getter = Callable[[str], AnswerValue | None]


@dataclass(frozen=True, slots=True)
class ScaleQuestions:
    """The questions feeding each score, worked out once per bank, not once per answer set."""

    disability: ScaleItems
    psychosocial: ScaleItems
    psychosocial_distress: ScaleItems
    treatment_response: ScaleItems

    def summed(self) -> tuple[ScaleItems, ...]:
        """The scales `sums` adds up, in its order (SUMMED)."""
        return tuple(getattr(self, name) for name in SUMMED)

    def sums(self, answers: tuple[tuple[AnswerValue | None, ...], ...]) -> tuple[int, ...]:
        """Each scale's total points and how many of its questions gave points, flat, from the
        answers to each scale's questions (`summed`; None: unanswered), added up in C."""
        totals: list[int] = []
        for scale, scale_answers in zip(self.summed(), answers, strict=True):
            tables = [points for _, points in scale]
            totals += (
                sum(map(_points_or_0, tables, scale_answers, _ZEROS)),
                sum(map(_gives_points, tables, scale_answers)),
            )
        return tuple(totals)


_ZEROS = repeat(0)
#: (points by answer, answer, 0) -> the answer's points, or 0
_points_or_0 = cast(Callable[[dict[AnswerValue, int], AnswerValue | None, int], int], dict.get)
#: (points by answer, answer) -> whether the answer gives points (True counts 1)
_gives_points = cast(
    Callable[[dict[AnswerValue, int], AnswerValue | None], bool], dict.__contains__
)


def _points_by_answer(question: Question) -> dict[AnswerValue, int]:
    if question.type is QuestionType.YES_NO:
        return {True: 1, False: 0}
    return {c.code: c.points for c in question.choices if c.points is not None}


def scale_questions(bank: Questionnaire) -> ScaleQuestions:
    items = {
        scale.value: tuple((q.id, _points_by_answer(q)) for q in bank.questions if q.scale is scale)
        for scale in ScoreScale
    }
    return ScaleQuestions(**items)


def disability_band(percent: float) -> str:
    if percent > DISABILITY_BAND_TOPS[-1]:
        raise ValueError(f"disability percent {percent} is over 100")
    return DISABILITY_BANDS[bisect_left(DISABILITY_BAND_TOPS, percent)]


def duration_band(weeks: int) -> str:
    acute, subacute, chronic = DURATION_BANDS
    return acute if weeks < 4 else subacute if weeks <= 12 else chronic


def psychosocial_risk(total: int, distress: int) -> str:
    low, medium, high = RISK_LEVELS
    return low if total <= 3 else high if distress >= 4 else medium


def _whole(value: AnswerValue | None) -> int | None:
    # exact types: a validated answer is never a subclass, and a yes/no (bool) is not a number
    if type(value) is int:
        return value
    return int(value) if type(value) is float else None


#: the pain answers the worst pain of the past week is the highest of
WORST_PAIN_FROM = ("pain_worst", "pain_worst_recheck", "pain_now")


def compute_scores(
    bank: Questionnaire, answers: Answers, scales: ScaleQuestions | None = None
) -> Scores:
    """The derived scores; pass `scales` (from `scale_questions`) when scoring many answer sets."""
    scales = scale_questions(bank) if scales is None else scales
    get = answers.get
    by_scale = tuple(
        tuple(get(question_id) for question_id, _ in scale) for scale in scales.summed()
    )
    return scores_from(
        scales.sums(by_scale),
        get("pain_now"),
        tuple(map(get, WORST_PAIN_FROM)),
        get("symptom_weeks"),
    )


def scores_from(
    sums: tuple[int, ...],
    pain_now: AnswerValue | None,
    pains: tuple[AnswerValue | None, ...],
    weeks_answer: AnswerValue | None,
) -> Scores:
    """The scores from the scale sums (`ScaleQuestions.sums`), the answer to `pain_now`, the
    answers to WORST_PAIN_FROM and the answer to `symptom_weeks` (None: unanswered)."""
    (
        disability,
        disability_items,
        distress_points,
        distress_items,
        other_points,
        other_items,
        failed,
        _,
    ) = sums
    return scores_of_parts(
        pain_of(pain_now, pains),
        disability_of(disability, disability_items),
        duration_of(weeks_answer),
        psychosocial_of(distress_points, distress_items, other_points, other_items),
        failed,
    )


def scores_of_parts(
    pain: tuple[int | None, int | None],
    disability: tuple[float | None, str | None],
    duration: tuple[int | None, str | None],
    psychosocial: tuple[int | None, int | None, str | None],
    failed: int,
) -> Scores:
    """The scores from the results of the part functions below, and the failed treatments."""
    total, distress, risk = psychosocial
    return Scores(*pain, *disability, *duration, total, distress, risk, failed)


# The parts of `scores_from`, each from the few values it needs (the batch's chunk kernel
# remembers each part by those values).


def pain_of(
    pain_now: AnswerValue | None, pains: tuple[AnswerValue | None, ...]
) -> tuple[int | None, int | None]:
    """Pain now, and the worst pain of the past week: the highest of the pain answers, since
    pain now is part of that week and a worst pain given below it was asked again
    (`pain_worst_recheck`)."""
    known = [value for value in map(_whole, pains) if value is not None]
    return _whole(pain_now), max(known) if known else None


def disability_of(points: int, items: int) -> tuple[float | None, str | None]:
    """The Oswestry percent and band, from the points of the items answered."""
    percent = round(points / (5 * items) * 100, 1) if items else None
    return percent, disability_band(percent) if percent is not None else None


def duration_of(weeks_answer: AnswerValue | None) -> tuple[int | None, str | None]:
    weeks = _whole(weeks_answer)
    return weeks, duration_band(weeks) if weeks is not None else None


def psychosocial_of(
    distress_points: int, distress_items: int, other_points: int, other_items: int
) -> tuple[int | None, int | None, str | None]:
    """The STarT Back total, distress subscale and risk, from the points of the items answered."""
    total = other_points + distress_points if other_items + distress_items else None
    distress = distress_points if distress_items else None
    return total, distress, psychosocial_risk(total, distress or 0) if total is not None else None
