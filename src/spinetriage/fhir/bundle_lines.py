"""A result's Bundle as one NDJSON line, fast enough for batches: exactly the text
`json.dumps(result_bundle(...), ensure_ascii=False, separators=(",", ":"))` writes, byte for byte.

The json module writes a dict as its members joined by "," between braces, so the line is put
together from the json module's own text for the Bundle's parts, those that repeat rendered once
and remembered: each answered question's item (by question and answer), each score's
Observation (by score and value) and the RiskAssessment (by everything of the result it shows).
An Observation is rendered with a marker for its reference to the response, a RiskAssessment
with one for its basis, and the text is cut there: the row's own references go in the cuts.
Each kind keeps at most MEMO_LIMIT entries.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

from ..bank.model import Questionnaire
from ..bank.score_vocabulary import DERIVED_SCORES, ScoreSpec
from ..conditions.values import AnswerValue
from ..scoring.result import Reason, Result
from ..scoring.result_json import rememberable
from .bundle import (
    reason_text,
    response_group,
    response_item,
    response_without_items,
    risk_assessment,
    score_observation,
)
from .common import Resource, fhir_datetime
from .narrative import words

#: exactly `json.dumps(value, ensure_ascii=False, separators=(",", ":"))`, with one encoder
dumps: Callable[[Any], str] = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
#: entries remembered per kind of part
MEMO_LIMIT = 4096
#: random UUIDs made at a time
URN_BATCH = 256
#: what of a reason the RiskAssessment shows
_reason_shown = attrgetter("rule_id", "tier", "text", "red_flag", "evidence_note")
_risk_shown = attrgetter(
    "tier", "tier_title", "urgency", "action", "actions", "set_aside_tiers", "stopped_early"
)


class RandomUrns:
    """`urn:uuid:` URNs of random (version 4) UUIDs, as uuid.uuid4 makes them, read from
    os.urandom a batch at a time."""

    def __init__(self) -> None:
        self._made: list[str] = []

    def __call__(self) -> str:
        if not self._made:
            self._made = _random_urns(URN_BATCH)
        return self._made.pop()


#: the UUID variant's two bits (10) over a random hex digit's lowest two, as uuid.UUID sets them
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def _random_urns(count: int) -> list[str]:
    digits = os.urandom(16 * count).hex()
    found = []
    for start in range(0, 32 * count, 32):
        d = digits[start : start + 32]
        found.append(f"urn:uuid:{d[:8]}-{d[8:12]}-4{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:]}")
    return found


class BundleLines:
    """Results as FHIR Bundles, one line each (`line`), the parts that repeat rendered once.

    `authored`: when the results were made, the same for every line; `new_urn`: the fullUrls.
    """

    def __init__(
        self,
        bank: Questionnaire,
        authored: datetime,
        new_urn: Callable[[], str] | None = None,
    ) -> None:
        self._bank = bank
        self._when = fhir_datetime(authored)
        self._new_urn = RandomUrns() if new_urn is None else new_urn
        #: a reference no text of the bank holds, to cut rendered resources at
        self._marker = f"urn:uuid:{uuid.uuid4()}"
        self._sections = tuple(
            (dumps(response_group(bank, section))[:-1] + ',"item":[', section.question_ids)
            for section in bank.sections
        )
        self._timestamp = '"type":"collection","timestamp":' + encode_basestring(self._when)
        self._items: dict[tuple[str, AnswerValue], str] = {}
        self._observations: dict[tuple[str, type, object], tuple[str, str] | None] = {}
        self._risks: dict[tuple[object, ...], tuple[str, str, str, str] | None] = {}
        #: a reason whose words no text holds: the RiskAssessment is rendered with it, then cut
        rule_id, tier, text = (f"urn:uuid:{uuid.uuid4()}" for _ in range(3))
        self._stand_in = Reason(rule_id, tier, text, (), (), False)
        self._reason_parts: dict[tuple[object, ...], tuple[str, str]] = {}

    def line(self, result: Result, identifier: Resource | None = None, end: str = "") -> str:
        """The result's Bundle (`result_bundle`), then `end`.

        Made as one list of pieces joined once: a Bundle is tens of thousands of characters.
        """
        bank = self._bank
        if result.bank.content_hash != bank.content_hash:
            raise ValueError(
                f"the result was scored with another bank ({result.bank.content_hash})"
            )
        new_urn = self._new_urn
        reference = encode_basestring(new_urn())
        answers = result.answer_map
        head = dumps(response_without_items(bank, len(answers), self._when, identifier))
        pieces = ['{"resourceType":"Bundle",']
        if identifier is not None:
            pieces += ['"identifier":', dumps(identifier), ","]
        pieces += [self._timestamp, ',"entry":[{"fullUrl":', reference, ',"resource":', head]
        if self._groups(answers, pieces):
            # the last group's end, then the ends of the items, the response and its entry
            pieces[-1] = "]}]}}"
        else:
            pieces.append("}")  # the entry's end
        basis = [reference]
        scores = result.scores
        for name, score in DERIVED_SCORES.items():
            value = getattr(scores, name, None)
            if value is None:
                continue
            urn = encode_basestring(new_urn())
            basis.append(urn)
            observation = self._observation(score, value, reference)
            pieces += [',{"fullUrl":', urn, ',"resource":', observation, "}"]
        risk = self._risk(result, ",".join([f'{{"reference":{ref}}}' for ref in basis]))
        urn = encode_basestring(new_urn())
        pieces += [',{"fullUrl":', urn, ',"resource":', risk, "}]}", end]
        return "".join(pieces)

    def _groups(self, answers: dict[str, AnswerValue], pieces: list[str]) -> bool:
        """Add the response's groups of items, in the bank's order, to `pieces`: the head of
        the response is its last piece, which loses its closing brace. Whether any was added."""
        remembered = self._items
        added = False
        for start, question_ids in self._sections:
            present = [(qid, answers[qid]) for qid in question_ids if qid in answers]
            if not present:
                continue
            texts = list(map(remembered.get, present))
            try:
                items = ",".join(texts)  # type: ignore[arg-type]
            except TypeError:  # an answer not seen before: None in its place
                for index, pair in enumerate(present):
                    if texts[index] is None:
                        text = texts[index] = dumps(response_item(self._bank, *pair))
                        if rememberable(pair[1]) and len(remembered) < MEMO_LIMIT:
                            remembered[pair] = text
                items = ",".join(texts)  # type: ignore[arg-type]
            if not added:
                pieces[-1] = pieces[-1][:-1] + ',"item":['
                added = True
            pieces += [start, items, "]},"]
        return added

    def _observation(self, score: ScoreSpec, value: object, reference: str) -> str:
        """The Observation of a score's value, referring to the response."""
        key = (score.name, type(value), value)
        cut = self._observations.get(key)
        if cut is None:
            cut = self._cut(score_observation(score, value, self._marker, self._when))
            if rememberable(value) and len(self._observations) < MEMO_LIMIT:
                self._observations[key] = cut
        if cut is None:  # the marker is not where it can be cut at: rendered whole
            urn = json.loads(reference)
            return dumps(score_observation(score, value, urn, self._when))
        return cut[0] + reference + cut[1]

    def _risk(self, result: Result, refs: str) -> str:
        """The RiskAssessment of a result, with these references as its basis.

        Rendered once per headline (tier, actions, what was set aside, ...) with one stand-in
        reason, whose bullet in the narrative and note are then the result's reasons' own.
        """
        key = (*_risk_shown(result), result.disclaimer)
        cut = self._risks.get(key)
        if cut is None and result.reasons:  # a scored result always has a reason
            stand_in = replace(result, reasons=(self._stand_in,))
            cut = self._risk_cut(risk_assessment(stand_in, self._bank, [self._marker], self._when))
            if len(self._risks) < MEMO_LIMIT:
                self._risks[key] = cut
        if cut is None or not result.reasons:
            basis = [item["reference"] for item in json.loads(f"[{refs}]")]
            return dumps(risk_assessment(result, self._bank, basis, self._when))
        shown = list(map(_reason_shown, result.reasons))
        parts = list(map(self._reason_parts.get, shown))
        if None in parts:
            parts = [
                self._reason_part(r) if p is None else p
                for r, p in zip(result.reasons, parts, strict=True)
            ]
        bullets = "".join([bullet for bullet, _ in parts])  # type: ignore[misc]
        notes = ",".join([note for _, note in parts])  # type: ignore[misc]
        return "".join((cut[0], bullets, cut[1], refs, cut[2], notes, cut[3]))

    def _reason_part(self, reason: Reason) -> tuple[str, str]:
        """A reason's bullet in the narrative (as inside a JSON string) and its note."""
        text = reason_text(reason)
        part = (
            encode_basestring(f"<li>{words(text)}</li>")[1:-1],
            f'{{"text":{encode_basestring(text)}}}',
        )
        if len(self._reason_parts) < MEMO_LIMIT:
            self._reason_parts[_reason_shown(reason)] = part
        return part

    def _risk_cut(self, resource: Resource) -> tuple[str, str, str, str] | None:
        """The stand-in's RiskAssessment cut at its bullet, its basis and its note, or None when
        they are not there once each, in that order."""
        text = dumps(resource)
        said = reason_text(self._stand_in)
        markers = (
            f"<li>{said}</li>",
            f'{{"reference":{encode_basestring(self._marker)}}}',
            f'{{"text":{encode_basestring(said)}}}',
        )
        if any(text.count(marker) != 1 for marker in markers):
            return None
        first, _, rest = text.partition(markers[0])
        second, _, rest = rest.partition(markers[1])
        third, found, last = rest.partition(markers[2])
        return (first, second, third, last) if found else None

    def _cut(self, resource: Resource) -> tuple[str, str] | None:
        """The resource's text before and after the marker, or None when the marker is not
        there exactly once."""
        text = dumps(resource)
        marker = encode_basestring(self._marker)
        if text.count(marker) != 1:
            return None
        before, _, after = text.partition(marker)
        return before, after
