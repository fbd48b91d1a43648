"""What is worked out once per bank and kept while the bank is in use (its rule matcher, its
result parts): a bank is frozen, so what is made from it never goes stale."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from ..bank.model import Questionnaire

T = TypeVar("T")

#: banks whose parts are kept (a run uses one; tests load a few)
BANKS_KEPT = 8


def per_bank(make: Callable[[Questionnaire], T]) -> Callable[[Questionnaire], T]:
    """`make(bank)` made on the bank's first use and kept for the last BANKS_KEPT banks."""
    kept: dict[int, tuple[Questionnaire, T]] = {}

    @wraps(make)
    def made_for(bank: Questionnaire) -> T:
        found = kept.get(id(bank))
        if found is not None and found[0] is bank:  # the same bank, not one at a reused id
            return found[1]
        made = make(bank)
        if len(kept) >= BANKS_KEPT:
            kept.pop(next(iter(kept)))
        kept[id(bank)] = (bank, made)
        return made

    return made_for
