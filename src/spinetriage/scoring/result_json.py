"""A result as one line of JSON, fast enough for batches: exactly the text
`json.dumps(result_to_dict(result), ensure_ascii=False)` writes, byte for byte.

The json module writes a dict as its members (`"key": value`) joined by ", " between braces, and
a list likewise between brackets; so the line is put together from parts, each the json module's
own text for a part of `result_to_dict`. The parts that repeat from one result to the next (the
bank, the headline tier, each reason, the options, the sources, each answer) are rendered once
and remembered: by value, or by identity for the objects `result_parts` shares between results
(each kept alive beside its text, so that its id cannot pass to another object). Each kind keeps
at most MEMO_LIMIT entries.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from .._version import __version__
from .remembered import Remembered
from .result import (
    RESULT_FORMAT,
    RESULT_FORMAT_VERSION,
    Reason,
    Result,
    json_value,
    option_to_dict,
    reason_to_dict,
    recovery_to_dict,
    result_to_dict,
    source_to_dict,
)
from .scores import Scores

#: exactly `json.dumps(value, ensure_ascii=False)`, without making an encoder on every call
dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False).encode
#: entries remembered per kind of part
MEMO_LIMIT = 4096

_bank_key = attrgetter("id", "version", "content_hash")
_headline_key = attrgetter("tier", "tier_title", "urgency", "urgency_rank", "action", "actions")
#: Scores.as_dict gives its fields, in order
_SCORE_FIELDS = Scores._fields
_score_values = attrgetter(*_SCORE_FIELDS)


def scalar(value: object) -> str:
    """One value's JSON as the json module writes it, the common kinds without its machinery."""
    if type(value) is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float and value - value == 0:  # finite: not inf or nan, written apart
        return float.__repr__(value)
    return dumps(value)


def members(mapping: dict[str, object]) -> str:
    """A dict's members as JSON, without the braces: to put beside others in one object."""
    return dumps(mapping)[1:-1]


class Kept:
    """Texts made from objects, remembered by the objects' identity.

    Each object is kept beside its text, so while its entry lasts no other object can have its
    id: an id found is that object's. When full it forgets everything: the objects that recur
    (those `result_parts` shares) are soon back, the others gone.
    """

    def __init__(self, render: Callable[[Any], str]) -> None:
        self._render = render
        self._kept: list[object] = []
        self._texts: dict[int, str] = {}

    def __call__(self, item: object) -> str:
        text = self._texts.get(id(item))
        return self._add(item) if text is None else text

    def joined(self, items: tuple[object, ...]) -> str:
        """The items' texts joined by ", " (a JSON list's insides)."""
        texts = list(map(self._texts.get, map(id, items)))
        try:
            return ", ".join(texts)  # type: ignore[arg-type]
        except TypeError:  # an item not seen before: None in its place
            pairs = zip(items, texts, strict=True)
            return ", ".join([self._add(item) if text is None else text for item, text in pairs])

    def _add(self, item: object) -> str:
        text = self._render(item)
        if len(self._texts) >= MEMO_LIMIT:
            self._kept.clear()
            self._texts.clear()
        self._kept.append(item)
        self._texts[id(item)] = text
        return text


def _headline(key: tuple[str, str, str, int, str, tuple[str, ...]]) -> str:
    tier, title, urgency, rank, action, actions = key
    return members(
        {
            "tier": tier,
            "tier_title": title,
            "urgency": urgency,
            "urgency_rank": rank,
            "action": action,
            "more_actions": list(actions),
        }
    )


_reason_head_key = attrgetter("rule_id", "tier", "text", "red_flag")
_reason_tail_key = attrgetter("sources", "action", "evidence_note")
_REASON_SPLIT = '"answers": {}'


def _reason_head(key: tuple[str, str, str, bool]) -> str:
    """`reason_to_dict`'s JSON up to the evidence's first member (evidence left empty)."""
    rule_id, tier, text, red_flag = key
    shape = Reason(rule_id, tier, text, (), (), red_flag)
    head, _, _ = dumps(reason_to_dict(shape)).partition(_REASON_SPLIT)
    return head + '"answers": {'


def _reason_tail(key: tuple[tuple[str, ...], str | None, str | None]) -> str:
    """`reason_to_dict`'s JSON after the evidence's last member."""
    sources, action, note = key
    shape = Reason("", "", "", (), sources, False, action, note)
    _, _, tail = dumps(reason_to_dict(shape)).partition(_REASON_SPLIT)
    return "}" + tail


def _bank(key: tuple[str, str, str]) -> str:
    bank_id, version, content_hash = key
    return dumps({"id": bank_id, "version": version, "content_hash": content_hash})


class ResultJson:
    """Results as JSON lines (`line`), each part rendered once and then remembered."""

    def __init__(self) -> None:
        self._start = members(
            {
                "format": RESULT_FORMAT,
                "format_version": RESULT_FORMAT_VERSION,
                "generator": f"spinetriage {__version__}",
            }
        )
        self._made_at: dict[tuple[datetime, timedelta | None], str] = {}
        self._bank = Remembered(_bank)
        self._headline = Remembered(_headline)
        self._reason = Kept(self._reason_text)
        self._reason_head = Remembered(_reason_head)
        self._reason_tail = Remembered(_reason_tail)
        self._texts: Remembered[Any, str] = Remembered(lambda texts: dumps(list(texts)))
        self._tiers: Remembered[Any, str] = Remembered(
            lambda key: members({"matched_tiers": list(key[0]), "set_aside_tiers": list(key[1])})
        )
        self._notes: Remembered[Any, str] = Remembered(
            lambda key: members(
                {"risks": list(key[0]), "watch_for": list(key[1]), "evidence_notes": list(key[2])}
            )
        )
        self._options = Kept(lambda options: dumps([option_to_dict(o) for o in options]))
        self._source = Kept(lambda source: dumps(source_to_dict(source)))
        self._end: Remembered[Any, str] = Remembered(
            lambda key: members({"disclaimer": key[0], "stopped_early": key[1]})
        )
        self._scores: dict[tuple[str, object], str] = {}
        #: an answer's member, by (question id, value), when `rememberable`
        self._answers: dict[tuple[str, object], str] = {}

    def line(self, result: Result, lead: str = "", end: str = "") -> str:
        """The result's JSON object (`result_to_dict`) as one line, then `end`.

        `lead`: members of the object's own to put first, each followed by ", ".
        """
        if type(result) is not Result:
            result_to_dict(result)  # says what is wrong
        reasons = self._reason
        recovery = result.recovery
        return "".join(
            (
                "{",
                lead,
                self._start,
                ', "made_at": ',
                self._made(result.made_at),
                ', "bank": ',
                self._bank[_bank_key(result.bank)],
                ', "result": {',
                self._headline[_headline_key(result)],
                ', "red_flags": [',
                reasons.joined(result.red_flags),
                '], "reasons": [',
                reasons.joined(result.reasons),
                "], ",
                self._tiers[result.matched_tiers, result.set_aside_tiers],
                ', "options": ',
                self._options(result.options),
                ", ",
                self._notes[result.risks, result.watch_for, result.evidence_notes],
                ', "scores": ',
                _scores(result.scores, self._scores),
                ', "recovery": ',
                "null" if recovery is None else dumps(recovery_to_dict(recovery)),
                ', "sources": [',
                self._source.joined(result.sources),
                "], ",
                self._end[result.disclaimer, result.stopped_early],
                '}, "answers": {',
                self._answer_members(result.answers),
                '}, "ignored_answers": ',
                self._texts[result.ignored_answers],
                "}",
                end,
            )
        )

    def _made(self, moment: datetime) -> str:
        # equal moments with the same offset from UTC have the same local time: the same text
        key = (moment, moment.utcoffset())
        text = self._made_at.get(key)
        if text is None:
            text = encode_basestring(moment.isoformat())
            if len(self._made_at) >= MEMO_LIMIT:
                self._made_at.clear()  # a run's results are made second after second
            self._made_at[key] = text
        return text

    def _reason_text(self, reason: Reason) -> str:
        """`reason_to_dict(reason)` as JSON: the rule's part, the evidence, what follows."""
        return "".join(
            (
                self._reason_head[_reason_head_key(reason)],
                self._answer_members(reason.evidence),
                self._reason_tail[_reason_tail_key(reason)],
            )
        )

    def _answer_members(self, answers: tuple[tuple[str, object], ...]) -> str:
        """The members of `{k: json_value(v) for k, v in answers}` (answers or evidence)."""
        texts = list(map(self._answers.get, answers))
        try:
            return ", ".join(texts)  # type: ignore[arg-type]
        except TypeError:  # an answer not seen before: None in its place
            pass
        for index, (pair, text) in enumerate(zip(answers, texts, strict=True)):
            if text is None:
                question_id, value = pair
                text = f"{encode_basestring(question_id)}: {dumps(json_value(value))}"  # type: ignore[arg-type]
                if rememberable(value) and len(self._answers) < MEMO_LIMIT:
                    self._answers[pair] = text
                texts[index] = text
        return ", ".join(texts)  # type: ignore[arg-type]


def rememberable(value: object) -> bool:
    """Whether a value's text can be remembered by the value: all but 0.0 and -0.0, which are
    equal but written apart (the batch's answers are validated against one bank, so each
    question's values are of one kind: never True in one row and 1 in another)."""
    return type(value) is not float or value != 0


_SCORE_LEADS = tuple(
    ("{" if i == 0 else ", ") + encode_basestring(name) + ": "
    for i, name in enumerate(_SCORE_FIELDS)
)


def _scores(scores: Scores, remembered: dict[tuple[str, object], str]) -> str:
    """`scores.as_dict()` as JSON; `remembered`: a score's lead and value to their text (each
    score's values are of one kind)."""
    texts = list(map(remembered.get, zip(_SCORE_LEADS, _score_values(scores), strict=True)))
    try:
        return "".join(texts) + "}"  # type: ignore[arg-type]
    except TypeError:  # a value not seen before: None in its place
        pass
    for index, (lead, value) in enumerate(zip(_SCORE_LEADS, _score_values(scores), strict=True)):
        text = texts[index] = lead + scalar(value)
        if rememberable(value) and len(remembered) < MEMO_LIMIT:
            remembered[lead, value] = text
    return "".join(texts) + "}"  # type: ignore[arg-type]
