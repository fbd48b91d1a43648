"""The condition language: one small tree over answers, for branching and for scoring rules.

A self-contained mini-language: `values` says what conditions compare (a question's type and
typed answers), `tree` holds the condition tree with the reference evaluator (`evaluate`,
`evidence`, `describe`), `compiler` turns conditions into fast Python functions that agree with
it, and `parser` reads conditions from the bank's YAML nodes, checking every name, code and
value. The parser is not re-exported here: the bank's loader imports it from `parser`, so that
evaluating conditions never imports PyYAML.
"""

from __future__ import annotations

from .compiler import compile_condition, compile_selection
from .tree import (
    All,
    Any_,
    Condition,
    Leaf,
    Not,
    Op,
    Predicate,
    Ref,
    describe,
    evaluate,
    evidence,
    leaf_holds,
    leaves,
    truth,
)
from .values import Answers, AnswerValue, QuestionType

__all__ = [
    "All",
    "AnswerValue",
    "Answers",
    "Any_",
    "Condition",
    "Leaf",
    "Not",
    "Op",
    "Predicate",
    "QuestionType",
    "Ref",
    "compile_condition",
    "compile_selection",
    "describe",
    "evaluate",
    "evidence",
    "leaf_holds",
    "leaves",
    "truth",
]
