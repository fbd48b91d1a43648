"""When a result was made: the one clock every result is stamped by (`Result.made_at`).

The system's local time, to the second, with its offset from UTC. The environment variable
SPINETRIAGE_NOW (an ISO 8601 date and time with an offset, such as 2026-01-31T09:30:00+00:00)
fixes it, for output that must be identical on every run: tests, golden files, demonstrations.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from .errors import SettingError

CLOCK_VARIABLE = "SPINETRIAGE_NOW"

#: the last moment made, and what it was made from (the second, or SPINETRIAGE_NOW's text): a
#: batch stamps thousands of results a second, and finding the local offset takes a while
_last: tuple[int | str, datetime] = (-1, datetime.min)


def now() -> datetime:
    """The time to stamp a result with: SPINETRIAGE_NOW if set, else the system clock."""
    global _last
    made_from: int | str = os.environ.get(CLOCK_VARIABLE) or int(time.time())
    if made_from == _last[0] and type(made_from) is type(_last[0]):
        return _last[1]
    if isinstance(made_from, str):
        moment = fixed_time(made_from)
    else:  # the local time of this second, with its offset from UTC
        moment = datetime.fromtimestamp(made_from).astimezone()
    _last = (made_from, moment)
    return moment


def fixed_time(text: str) -> datetime:
    """SPINETRIAGE_NOW read as a date and time; SettingError (exit 2) when it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        shown = text.encode("unicode_escape").decode("ascii")[:60]
        raise SettingError(
            f"{CLOCK_VARIABLE}: '{shown}' is not a date and time with its offset from UTC "
            "(for example 2026-01-31T09:30:00+00:00)"
        )
    return moment.replace(microsecond=0)
