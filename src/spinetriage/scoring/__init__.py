"""Scoring: from validated answers to one explained, sourced, frozen `Result`.

`scores` computes the derived scores (Oswestry disability, duration, STarT Back psychosocial
risk, failed treatments); `matching` is the one rule matcher (compiled once per bank) that
scoring, the interview's alerts and refused answer sets share; `decision` takes the headline
tier, then dresses the decision as a `Result` (`result`; the parts that repeat remembered in
`result_parts`), with the recovery timeline after surgery (`recovery`). `result_json` writes a
result as the JSON of `result_to_dict`, fast enough for batches. Nothing here reads YAML: the
bank comes in loaded.
"""

from __future__ import annotations

from .decision import (
    Decision,
    check_answers,
    decide,
    red_flags_among,
    triage,
    triage_answer_set,
    triage_stopped_early,
    with_red_flags,
)
from .matching import RuleMatcher, certain_rules, red_flags_in, rule_matcher
from .recovery import RecoveryTimeline, recovery_timeline
from .result import (
    RESULT_FORMAT,
    RESULT_FORMAT_VERSION,
    STOPPED_EARLY,
    BankStamp,
    OptionView,
    Reason,
    Result,
    SourceView,
    json_value,
    result_to_dict,
)
from .scores import ScaleQuestions, Scores, compute_scores, scale_questions

__all__ = [
    "RESULT_FORMAT",
    "RESULT_FORMAT_VERSION",
    "STOPPED_EARLY",
    "BankStamp",
    "Decision",
    "OptionView",
    "Reason",
    "RecoveryTimeline",
    "Result",
    "RuleMatcher",
    "ScaleQuestions",
    "Scores",
    "SourceView",
    "certain_rules",
    "check_answers",
    "compute_scores",
    "decide",
    "json_value",
    "recovery_timeline",
    "red_flags_among",
    "red_flags_in",
    "result_to_dict",
    "rule_matcher",
    "scale_questions",
    "triage",
    "triage_answer_set",
    "triage_stopped_early",
    "with_red_flags",
]
