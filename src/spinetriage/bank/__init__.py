"""The question bank: questions.yaml read, checked and turned into a frozen `Questionnaire`.

`yaml_reading` reads YAML safely into nodes that keep their line numbers; `node_reader` makes
typed reads from them that record a `Problem` (file, line, where, message) instead of raising;
`loader` reads the bank in passes (`sources`, `question_reader`, `rule_reader`) into the model
(`model`) and reports every problem at once. `score_vocabulary` is the one table of the scores;
`dictionary` is the data dictionary. The loader, and PyYAML with it, is imported on first use,
so code that only needs the model (scoring, rendering) never pays for it.
"""

from __future__ import annotations

from pathlib import Path

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


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and validate a bank (default: the packaged one); BankError lists every problem.

    The loader, and PyYAML with it, is imported here when first needed.
    """
    from .loader import load_questionnaire as load

    return load(path)


def default_bank_path() -> Path:
    """The bank shipped inside the package; in a source checkout, the top-level questions.yaml."""
    from .loader import default_bank_path as packaged

    return packaged()
