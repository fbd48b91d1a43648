"""spinetriage: a lower back (lumbar spine) triage questionnaire. It informs; it does not diagnose.

Python API::

    import spinetriage
    bank = spinetriage.load_questionnaire()
    result = spinetriage.triage({"rf_bladder_bowel": "no", ...}, bank)
    result.tier, result.reasons
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .bank import Questionnaire, load_questionnaire
    from .batch.frame import triage_frame
    from .errors import AnswerError, BankError, InvalidArgument, SpinetriageError
    from .scoring import Result, result_to_dict, triage

__all__ = [
    "AnswerError",
    "BankError",
    "InvalidArgument",
    "Questionnaire",
    "Result",
    "SpinetriageError",
    "__version__",
    "load_questionnaire",
    "result_to_dict",
    "triage",
    "triage_frame",
]


def lazy_attribute(package: str, exports: dict[str, str], name: str) -> Any:
    """A package's `__getattr__` (PEP 562): `name` imported from its module on first use.

    `exports` maps each lazily exported name to its module, relative to `package`. Packages use
    it for what would import PyYAML or the whole core, so `spinetriage --help` and scoring pay
    only for what they use.
    """
    if name not in exports:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    return getattr(import_module(f".{exports[name]}", package), name)


# Imported on first use so `spinetriage --help` does not pay for YAML and the scoring core.
_LAZY = {
    "AnswerError": "errors",
    "BankError": "errors",
    "InvalidArgument": "errors",
    "SpinetriageError": "errors",
    "load_questionnaire": "bank",
    "Questionnaire": "bank",
    "Result": "scoring",
    "result_to_dict": "scoring",
    "triage": "scoring",
    # needs pandas (the `dask` extra), imported only when called
    "triage_frame": "batch.frame",
}


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
