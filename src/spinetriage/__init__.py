"""spinetriage: a lower back (lumbar spine) triage questionnaire. It informs; it does not diagnose.

Python API::

    import spinetriage
    bank = spinetriage.load_questionnaire()
    result = spinetriage.triage({"rf_bladder_bowel": "no", ...}, bank)
    result.tier, result.reasons
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .errors import AnswerError, BankError, SpinetriageError
    from .loader import load_questionnaire
    from .model import Questionnaire
    from .result import Result, result_to_dict
    from .scoring import triage

__all__ = [
    "AnswerError",
    "BankError",
    "Questionnaire",
    "Result",
    "SpinetriageError",
    "__version__",
    "load_questionnaire",
    "result_to_dict",
    "triage",
]

# Imported on first use so `spinetriage --help` does not pay for YAML and the scoring core.
_LAZY = {
    "AnswerError": "errors",
    "BankError": "errors",
    "SpinetriageError": "errors",
    "load_questionnaire": "loader",
    "Questionnaire": "model",
    "Result": "result",
    "result_to_dict": "result",
    "triage": "scoring",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'spinetriage' has no attribute {name!r}")
