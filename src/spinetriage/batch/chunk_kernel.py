"""Many batch rows scored at once: the rows' answers as byte strings, conditions as bit sets.

The fast path of rows.py. For a chunk of rows whose every cell has been seen before (the exact
path parsed it and gave it a code), each question's column becomes one `bytes`, a code per row:
0 for unanswered, 1 and up for the distinct answers seen, UNSEEN for a cell never seen (or
refused, or a blank the question may not have), whose row takes the exact path. (A question
with more distinct answers than a byte holds has two bytes a code, in an `array("H")`.) Then:

- a leaf of a condition is a `bytes.translate` of its question's codes through the leaf's truth
  table (worked out once per code with the reference `leaf_holds`), read as an int that holds one
  byte, 0 or 1, per row; `all`, `any` and `not` are `&`, `|` and `^` on those ints: a chunk's
  conditions cost a few hundred big-int operations, not a few hundred per row;
- the checks of `validate_answers`: a row where a required question is asked and blank, or a
  question not asked is written in, takes the exact path (which names the problem, or lists the
  answer as ignored);
- the scale sums are byte lanes added as ints (a row's sum stays within its byte: checked when
  the kernel is built); each row's scores come from its sums and pain and duration answers,
  remembered by those (`scores_from`, as the exact path does);
- the rules, then the preferences that may set a tier aside: one bit set each, packed eight
  to a byte lane; a row's lane bytes name its combination of rules, whose rules, tiers and
  tiers set aside (`set_aside`, as `decision_from` does) are worked out once.

Only C loops touch each cell (`map` over dict lookups, `translate`, `zip`); the Python work is per
chunk, or per distinct combination. Nothing here is generated source. The property tests hold the
kernel to the exact path.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, cycle, repeat
from operator import attrgetter, getitem, itemgetter
from typing import Any, TypeAlias, cast

from ..bank.model import Question, Questionnaire, Rule, Tier
from ..conditions.tree import All, Any_, Condition, Leaf, Not, Ref, leaf_holds
from ..conditions.values import AnswerValue
from ..scoring.decision import Decision, set_aside
from ..scoring.matching import RuleMatcher
from ..scoring.remembered import Remembered
from ..scoring.scores import (
    WORST_PAIN_FROM,
    Scores,
    disability_of,
    duration_of,
    pain_of,
    psychosocial_of,
    scores_of_parts,
)

#: the code of a cell not seen (or refused, or a blank its question may not have), in a byte;
#: a question with more distinct answers than a byte holds has its codes in two (`array("H")`)
UNSEEN = 255
WIDE_UNSEEN = 0xFFFF
#: distinct answers coded per question (code 0 is unanswered); past it, new answers are not coded
MAX_CODES = WIDE_UNSEEN - 1
#: what a checkbox cell is, as the kernel reads it
TICK_BLANK, TICK_OFF, TICK_ON = 0, 1, 2
#: score and rule combinations remembered
MEMO_LIMIT = 1 << 13
_BYTE = 256
_WIDE = 1 << 16


class CellCodes:
    """One question's cells and their codes: `by_cell` (a cell, or the tuple of its checkbox
    cells) -> code; `values[code]`: the answer (None for code 0, unanswered)."""

    __slots__ = ("_by_value", "blank_ok", "by_cell", "values")

    def __init__(self, blank_ok: bool) -> None:
        #: a blank is an answer the kernel may take (not for a required always-asked question:
        #: the exact path names it)
        self.blank_ok = blank_ok
        self.by_cell: dict[object, int] = {}
        self.values: list[AnswerValue | None] = [None]
        # by type too: 1, 1.0 and True are equal keys but different answers (and floats by
        # their text: 0.0 and -0.0 are equal but written apart)
        self._by_value: dict[tuple[type, object], int] = {}

    def add(self, cell: object, value: AnswerValue | None) -> None:
        """Code a cell the exact path parsed to `value` (None: blank)."""
        if value is None:
            if self.blank_ok:
                self.by_cell[cell] = 0
            return
        key = (float, repr(value)) if type(value) is float else (type(value), value)
        code = self._by_value.get(key)
        if code is None:
            if len(self.values) > MAX_CODES:
                return
            code = self._by_value[key] = len(self.values)
            self.values.append(value)
        self.by_cell[cell] = code


@dataclass(frozen=True, slots=True)
class ChunkQuestion:
    question: Question
    #: its column, or -1
    index: int
    #: the columns of its checkboxes (when it has no column of its own), else empty
    boxes: tuple[int, ...]
    codes: CellCodes


class ChunkKernel:
    """`run(rows)`: for rows of cells (every row as wide as the header), each row's `Decision`,
    or None for a row the exact path must take; `codes` then holds each question's codes.

    `ticks`: a checkbox cell -> its tick code (TICK_BLANK, TICK_OFF, TICK_ON), for the columns
    of `boxes`; a checkbox question's cells are the tuple of its tick codes.
    """

    def __init__(
        self,
        questions: Sequence[ChunkQuestion],
        bank: Questionnaire,
        matcher: RuleMatcher,
        width: int,
        ticks: dict[str, int],
    ) -> None:
        self.questions = tuple(questions)
        self._bank = bank
        self._by_id = {q.question.id: q for q in self.questions}
        self._rules = tuple(bank.rules)
        self._may_set_aside = tuple(tier for tier in bank.tiers if tier.set_aside_when is not None)
        self._preferences = [cast(Condition, tier.set_aside_when) for tier in self._may_set_aside]
        self._matcher = matcher
        # each column's lookup, for one pass over a chunk's cells in reading order (other
        # columns look up nothing: UNSEEN, never read)
        self._width = width
        self._lookups: list[dict[Any, int]] = [{} for _ in range(width)]
        for q in self.questions:
            if q.index >= 0:
                self._lookups[q.index] = q.codes.by_cell
            for index in q.boxes:
                self._lookups[index] = ticks
        # runs of conditional questions with one `when` (a treatment's follow-ups) test it once
        self._asked_runs: list[tuple[Condition, list[ChunkQuestion]]] = []
        for q in self.questions:
            when = q.question.when
            if when is None:
                continue
            if self._asked_runs and self._asked_runs[-1][0] == when:
                self._asked_runs[-1][1].append(q)
            else:
                self._asked_runs.append((when, [q]))
        self._scales = [
            [(self._by_id[question_id], points) for question_id, points in scale]
            for scale in matcher.scales.summed()
        ]
        # a lane is one byte per row: the kernel holds only scales whose sums fit (no negative
        # points, the most points a row can have under 256); else every row takes the exact path
        self.usable = all(
            all(value >= 0 for _, points in scale for value in points.values())
            and sum(max(points.values(), default=0) for _, points in scale) < _BYTE
            and len(scale) < _BYTE
            for scale in self._scales
        )
        self._scored_by = [
            self._by_id.get(question_id) for question_id in ("pain_now", *WORST_PAIN_FROM)
        ] + [self._by_id.get("symptom_weeks")]
        # the parts of the scores, and the rules of a row, by the codes and sums they come from
        self._pain = Remembered(self._pain_of, MEMO_LIMIT)
        self._disability = Remembered(_disability_of, MEMO_LIMIT)
        self._duration = Remembered(self._duration_of, MEMO_LIMIT)
        self._psychosocial = Remembered(_psychosocial_of, MEMO_LIMIT)
        self._combinations = Remembered(self._combination_of, MEMO_LIMIT)
        self._lane_tables()
        # tables by (question id or leaf, how many codes the question had when made)
        self._tables: dict[object, tuple[int, bytes]] = {}
        self._score_truths: dict[Leaf, Remembered[Any, int]] = {}
        self.codes: list[Codes] = []
        #: the questions with more answers than a byte codes (ids)
        self._wide: set[str] = set()

    def run(self, rows: list[list[str]]) -> list[Decision | None]:
        count = len(rows)
        if not count or not self.usable:
            return [None] * count
        for q in self.questions:
            if len(q.codes.values) > UNSEEN and q.question.id not in self._wide:
                self._wide.add(q.question.id)
                if q.index >= 0:  # looked up on its own, not in the pass over every cell
                    self._lookups[q.index] = {}
                # what they remembered for UNSEEN (255), a code it may now give an answer
                self._pain.clear()
                self._duration.clear()
        # every cell looked up in reading order, then each column's codes a slice of them
        width = self._width
        cells = bytes(map(_get, cycle(self._lookups), chain.from_iterable(rows), repeat(UNSEEN)))
        if len(cells) != count * width:
            raise ValueError("every row must have one cell per column")
        self.codes = codes = [self._codes(q, cells, rows) for q in self.questions]
        ids = (q.question.id for q in self.questions)
        chunk = _Chunk(count, dict(zip(ids, codes, strict=True)))
        exact = 0
        for column_codes in codes:
            narrow = type(column_codes) is bytes
            if (UNSEEN if narrow else WIDE_UNSEEN) in column_codes:
                exact |= chunk.lane(column_codes, _IS_UNSEEN if narrow else _IS_UNSEEN_WIDE)
        exact |= self._not_as_asked(chunk)
        if exact == chunk.ones:
            return [None] * count
        chunk.scores = scores = self._scores_of(chunk)
        bits = [self._vector(rule.when, chunk) for rule in self._rules]
        bits += [self._vector(preference, chunk) for preference in self._preferences]
        lanes = [
            sum(bit << shift for shift, bit in enumerate(bits[start : start + 8])).to_bytes(
                count, "little"
            )
            for start in range(0, len(bits), 8)
        ]
        if not lanes:  # a bank with no rules: no row has a tier (the exact path says so)
            return [None] * count
        combinations = map(self._combinations.__getitem__, zip(*lanes, strict=True))
        return list(map(_decision, exact.to_bytes(count, "little"), scores, combinations))

    def _codes(self, q: ChunkQuestion, cells: bytes, rows: list[list[str]]) -> Codes:
        lookup = q.codes.by_cell.get
        wide = q.question.id in self._wide
        if q.index >= 0:
            if wide:
                return array("H", map(lookup, map(itemgetter(q.index), rows), repeat(WIDE_UNSEEN)))
            return cells[q.index :: self._width]
        if q.boxes:
            ticks = zip(*(cells[index :: self._width] for index in q.boxes), strict=True)
            if wide:
                return array("H", map(lookup, ticks, repeat(WIDE_UNSEEN)))
            return bytes(map(lookup, ticks, repeat(UNSEEN)))
        return bytes(len(rows)) if q.codes.blank_ok else bytes([UNSEEN]) * len(rows)

    def _not_as_asked(self, chunk: _Chunk) -> int:
        """The rows where a question asked and required is blank, or one not asked is written."""
        wrong = 0
        for when, run in self._asked_runs:
            asked = self._vector(when, chunk)
            for q in run:
                codes = chunk.codes[q.question.id]
                written = chunk.lane(
                    codes, _IS_WRITTEN if type(codes) is bytes else _IS_WRITTEN_WIDE
                )
                if q.question.required:
                    wrong |= asked & (written ^ chunk.ones)
                wrong |= written & (asked ^ chunk.ones)
        return wrong

    def _vector(self, condition: Condition, chunk: _Chunk) -> int:
        """The rows where the condition holds, a byte each (1: holds)."""
        done = chunk.vectors.get(id(condition))
        if done is not None:
            return done
        if isinstance(condition, Leaf):
            vector = self._leaf(condition, chunk)
        elif isinstance(condition, All):
            vector = chunk.ones
            for item in condition.items:
                vector &= self._vector(item, chunk)
        elif isinstance(condition, Any_):
            vector = 0
            for item in condition.items:
                vector |= self._vector(item, chunk)
        elif isinstance(condition, Not):
            vector = self._vector(condition.item, chunk) ^ chunk.ones
        else:
            assert isinstance(condition, Ref)
            vector = self._vector(condition.target, chunk)
        chunk.vectors[id(condition)] = vector
        return vector

    def _leaf(self, leaf: Leaf, chunk: _Chunk) -> int:
        if leaf.is_score:
            truth = self._score_truths.get(leaf)
            if truth is None:
                truth = self._score_truths[leaf] = Remembered(partial(_holds, leaf), MEMO_LIMIT)
            values = map(attrgetter(leaf.subject), chunk.scores)
            return int.from_bytes(bytes(map(truth.__getitem__, values)), "little")
        q = self._by_id.get(leaf.subject)
        if q is None:  # not a question of this bank: never answered
            return chunk.ones if leaf_holds(leaf, None) else 0
        table = self._table(leaf, q, lambda value: leaf_holds(leaf, value))
        return chunk.lane(chunk.codes[leaf.subject], table)

    def _table(
        self, key: object, q: ChunkQuestion, of: Callable[[AnswerValue | None], int]
    ) -> bytes:
        """A byte per code of q: `of(answer)` (0 for UNSEEN), for each code a byte (or two)
        holds; remade when q has new codes."""
        values = q.codes.values
        made = self._tables.get(key)
        if made is None or made[0] != len(values):
            size = _WIDE if q.question.id in self._wide else _BYTE
            table = bytes(map(int, map(of, values))) + bytes(size - len(values))
            made = self._tables[key] = (len(values), table)
        return made[1]

    def _scores_of(self, chunk: _Chunk) -> list[Scores]:
        """Each row's scores: the scale sums (points and items answered per scale, as
        `ScaleQuestions.sums`) as byte lanes, and each part of `scores_from` remembered by the
        sums and codes it is made from."""
        sums: list[bytes] = []
        for number, scale in enumerate(self._scales):
            points = count = 0
            for q, table in scale:
                codes = chunk.codes[q.question.id]
                key = (number, q.question.id)
                points += chunk.lane(codes, self._table((*key, 0), q, _points(table)))
                count += chunk.lane(codes, self._table((*key, 1), q, table.__contains__))
            sums += (points.to_bytes(chunk.count, "little"), count.to_bytes(chunk.count, "little"))
        disability, items, distress, distress_items, other, other_items, failed, _ = sums
        pain_now, *pains, weeks = (
            chunk.codes[q.question.id] if q is not None else bytes(chunk.count)
            for q in self._scored_by
        )
        return list(
            map(
                scores_of_parts,
                map(self._pain.__getitem__, zip(pain_now, *pains, strict=True)),
                map(self._disability.__getitem__, zip(disability, items, strict=True)),
                map(self._duration.__getitem__, weeks),
                map(
                    self._psychosocial.__getitem__,
                    zip(distress, distress_items, other, other_items, strict=True),
                ),
                failed,
            )
        )

    def _answer(self, position: int, code: int) -> AnswerValue | None:
        """The answer coded `code` to the `position`th question scores are made from (None: a
        question the bank does not have, or UNSEEN in a row the exact path takes)."""
        q = self._scored_by[position]
        if q is None or code >= len(q.codes.values):
            return None
        return q.codes.values[code]

    def _duration_of(self, code: int) -> tuple[int | None, str | None]:
        return duration_of(self._answer(len(self._scored_by) - 1, code))

    def _pain_of(self, codes: tuple[int, ...]) -> tuple[int | None, int | None]:
        now, *pains = (self._answer(position, code) for position, code in enumerate(codes))
        return pain_of(now, tuple(pains))

    def _combination_of(self, lanes: tuple[int, ...]) -> Combination | None:
        """The rules, tiers and tiers set aside of a row with these lane bytes; None when no
        rule holds (the exact path says so)."""
        rules = tuple(chain.from_iterable(map(getitem, self._lane_rules, lanes)))
        if not rules:
            return None
        ranks = 0
        for lane_ranks in map(getitem, self._lane_ranks, lanes):
            ranks |= lane_ranks
        tiers = self._matcher.tiers_of(ranks)
        if len(tiers) < 2 or tiers[0] not in self._matcher.may_set_aside:
            return rules, tiers, ()
        preferred = set(chain.from_iterable(map(getitem, self._lane_preferences, lanes)))
        return rules, tiers, set_aside(self._bank, tiers, preferred.__contains__)

    def _lane_tables(self) -> None:
        """For each lane and each of its 256 bytes: its rules that hold (bank order), the bits
        of their tiers' ranks, and the tiers whose preference holds (bit n of lane k: the
        8k+nth rule, then the preferences)."""
        items: list[Rule | Tier] = [*self._rules, *self._may_set_aside]
        self._lane_rules: list[list[tuple[Rule, ...]]] = []
        self._lane_ranks: list[list[int]] = []
        self._lane_preferences: list[list[tuple[Tier, ...]]] = []
        for start in range(0, len(items), 8):
            lane = items[start : start + 8]
            held = [[item for n, item in enumerate(lane) if byte >> n & 1] for byte in range(_BYTE)]
            self._lane_rules.append([tuple(i for i in h if isinstance(i, Rule)) for h in held])
            self._lane_preferences.append(
                [tuple(i for i in h if isinstance(i, Tier)) for h in held]
            )
            self._lane_ranks.append(
                [
                    sum({1 << self._matcher.tier_rank[i.tier] for i in h if isinstance(i, Rule)})
                    for h in held
                ]
            )


def _decision(exact: int, scores: Scores, combination: Combination | None) -> Decision | None:
    return None if exact or combination is None else Decision(scores, *combination)


class _Chunk:
    """One run's codes, its all-ones lane and the vectors worked out so far."""

    __slots__ = ("codes", "count", "ones", "scores", "vectors")

    def __init__(self, count: int, codes: dict[str, Codes]) -> None:
        self.count = count
        self.codes = codes
        self.ones = int.from_bytes(b"\1" * count, "little")
        self.vectors: dict[int, int] = {}
        self.scores: list[Scores] = []

    def lane(self, codes: Codes, table: bytes) -> int:
        """The byte of `table` for each row's code, as one int (codes in two bytes cannot be
        translated: each is looked up)."""
        if type(codes) is bytes:
            return int.from_bytes(codes.translate(table), "little")
        return int.from_bytes(bytes(map(table.__getitem__, codes)), "little")


def _disability_of(sums: tuple[int, int]) -> tuple[float | None, str | None]:
    return disability_of(*sums)


def _psychosocial_of(sums: tuple[int, int, int, int]) -> tuple[int | None, int | None, str | None]:
    return psychosocial_of(*sums)


def _holds(leaf: Leaf, value: AnswerValue | None) -> int:
    return int(leaf_holds(leaf, value))


def _points(table: dict[AnswerValue, int]) -> Callable[[AnswerValue | None], int]:
    return lambda value: table.get(value, 0)  # type: ignore[arg-type]


#: a column's codes, a byte (or two, `array("H")`) per row
Codes: TypeAlias = "bytes | array[int]"
#: a row's rules that hold (bank order), their tiers (most urgent first), the tiers set aside
Combination = tuple[tuple[Rule, ...], tuple[str, ...], tuple[str, ...]]
_get = dict.get
# by code: 1 for UNSEEN; 1 for an answer (not 0, unanswered, nor UNSEEN)
_IS_UNSEEN = bytes(UNSEEN) + b"\1"
_IS_WRITTEN = b"\0" + b"\1" * (UNSEEN - 1) + b"\0"
_IS_UNSEEN_WIDE = bytes(WIDE_UNSEEN) + b"\1"
_IS_WRITTEN_WIDE = b"\0" + b"\1" * (WIDE_UNSEEN - 1) + b"\0"
