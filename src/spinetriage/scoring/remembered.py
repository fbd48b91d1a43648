"""`Remembered`: a dict that works out a missing value once, and keeps up to a limit of them."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Remembered(dict[K, V], Generic[K, V]):
    """`remembered[key]`: `make(key)`, worked out the first time and kept (up to `limit` keys;
    past that, worked out every time, so memory stays bounded)."""

    def __init__(self, make: Callable[[K], V], limit: int = 4096) -> None:
        super().__init__()
        self._make = make
        self._limit = limit

    def __missing__(self, key: K) -> V:
        value = self._make(key)
        if len(self) < self._limit:
            self[key] = value
        return value
