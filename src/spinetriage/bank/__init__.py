"""The question bank: questions.yaml read, checked and turned into a frozen `Questionnaire`.

`yaml_reading` reads YAML safely into nodes that keep their line numbers; `node_reader` makes
typed reads from them that record a `Problem` (file, line, where, message) instead of raising;
`loader`, `question_reader` and `rule_reader` build the `Questionnaire` (`model`) and report
every problem at once; `score_vocabulary` is the one table of the derived scores rules may
test; `dictionary` is the data dictionary. The loader, and with it PyYAML, is imported on first
use, so code that only needs the model (scoring, rendering) never pays for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import lazy_attribute
from ..conditions.values import QuestionType
from .dictionary import DictionaryRow, allowed_values, data_dictionary
from .model import (
    Choice,
    Question,
    Questionnaire,
    Rule,
    ScoreScale,
    Section,
    Source,
    Tier,
    TierOption,
)
from .score_vocabulary import DERIVED_SCORES, SCORE_NAMES, SCORES, ScoreSpec

if TYPE_CHECKING:
    from .loader import default_bank_path, load_questionnaire

__all__ = [
    "DERIVED_SCORES",
    "SCORES",
    "SCORE_NAMES",
    "Choice",
    "DictionaryRow",
    "Question",
    "QuestionType",
    "Questionnaire",
    "Rule",
    "ScoreScale",
    "ScoreSpec",
    "Section",
    "Source",
    "Tier",
    "TierOption",
    "allowed_values",
    "data_dictionary",
    "default_bank_path",
    "load_questionnaire",
]

_LAZY = {"default_bank_path": "loader", "load_questionnaire": "loader"}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
