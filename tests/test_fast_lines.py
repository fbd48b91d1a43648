"""The fast paths of batch JSONL and FHIR give, byte for byte, what the plain functions give:
the remembered parts of a result (scoring/result_parts.py), the JSON lines put together from
parts (scoring/result_json.py) and the FHIR Bundles likewise (fhir/bundle_lines.py)."""

from __future__ import annotations

import itertools
import json
import random
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from spinetriage.answers.files import RecordId
from spinetriage.answers.values import parse_value
from spinetriage.bank.loader import load_questionnaire
from spinetriage.bank.model import Question, Questionnaire
from spinetriage.batch.run import BatchOptions, run_batch
from spinetriage.conditions.values import AnswerValue, QuestionType
from spinetriage.fhir import identifier, result_bundle
from spinetriage.fhir.bundle_lines import BundleLines, RandomUrns
from spinetriage.scoring.decision import check_answers, decide, triage, triage_answer_set
from spinetriage.scoring.result import result_to_dict
from spinetriage.scoring.result_json import ResultJson
from support.batch_files import BANK, answers_csv
from support.reference import reference_result

DATA = Path(__file__).parent / "data"
AUTHORED = datetime(2026, 1, 31, 9, 30, tzinfo=timezone.utc)
URN = re.compile(r"urn:uuid:[0-9a-f-]{36}")
ROWS = 3000


def _raw(question: Question, rng: random.Random) -> Any:
    """A random allowed answer, as a form's cell would hold it."""
    if question.type is QuestionType.YES_NO:
        # red flags are rare: one in ten
        return rng.choice(
            ["no"] * 9 + ["yes"] if question.section == "red_flags" else ["yes", "no"]
        )
    if question.type is QuestionType.SINGLE_CHOICE:
        return rng.choice(question.codes)
    if question.type is QuestionType.MULTI_CHOICE:
        codes = [c.code for c in question.choices if not c.exclusive]
        return ";".join(rng.sample(codes, rng.randint(1, min(3, len(codes)))))
    low = int(question.minimum or 0)
    high = low + 60 if question.maximum is None else min(int(question.maximum), low + 60)
    return rng.randint(low, high)


def random_answer_sets(bank: Questionnaire, count: int, seed: int = 13) -> list[dict[str, Any]]:
    """Valid raw answer sets that follow the bank's branching, drawn from a fixed seed."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        raw: dict[str, Any] = {}
        typed: dict[str, AnswerValue] = {}
        for question in bank.questions:
            if question.asked_if is None or question.asked_if(typed):
                raw[question.id] = _raw(question, rng)
                typed[question.id] = parse_value(question, raw[question.id])
        found.append(raw)
    return found


@pytest.fixture(scope="module")
def answer_sets() -> list[dict[str, Any]]:
    return random_answer_sets(BANK, ROWS)


def counter() -> Any:
    numbers = itertools.count()
    return lambda: f"urn:uuid:{next(numbers)}"


def test_results_lines_and_bundles_equal_the_plain_ones(
    answer_sets: list[dict[str, Any]],
) -> None:
    lines = ResultJson()
    bundles = BundleLines(BANK, AUTHORED, counter())
    plain_urns = counter()
    for number, raw in enumerate(answer_sets):
        answer_set = check_answers(BANK, raw)
        decision = decide(BANK, answer_set.answers)
        fast = triage_answer_set(BANK, answer_set, decision)
        plain = reference_result(BANK, answer_set, decision)
        assert fast == plain, number
        assert lines.line(fast) == json.dumps(result_to_dict(plain), ensure_ascii=False)
        found = identifier(RecordId(f"R{number}", "https://clinic.example/ids"))
        bundle = result_bundle(plain, BANK, AUTHORED, plain_urns, identifier=found)
        expected = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
        assert bundles.line(fast, found) == expected, number


def _numbered_urns(text: str) -> str:
    """The text with each URN replaced by its number in order of first appearance."""
    numbers: dict[str, int] = {}
    return URN.sub(lambda m: f"urn:uuid:{numbers.setdefault(m.group(), len(numbers))}", text)


@pytest.mark.parametrize("fmt", ["jsonl", "fhir"])
def test_batch_lines_equal_the_plain_ones(
    tmp_path: Path, answer_sets: list[dict[str, Any]], fmt: str
) -> None:
    rows = [*answer_sets[:1000], {**answer_sets[0], "pain_now": "eleven"}]
    source = tmp_path / "in.csv"
    source.write_text(answers_csv(rows), encoding="utf-8", newline="")
    output = tmp_path / "out"
    run_batch(BANK, BatchOptions(str(source), output, format=fmt), lambda _: None)
    got = output.read_text(encoding="utf-8").splitlines()
    assert len(got) == len(rows)
    stamp = json.loads(got[0]).get("timestamp", "2026-01-31T09:30:00Z")
    authored = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    for number, (raw, line) in enumerate(zip(rows[:-1], got, strict=False), 1):
        result = triage(raw, BANK)
        if fmt == "jsonl":
            expected = {"line": number + 1, "id": f"R{number}", "status": "ok"}
            text = json.dumps({**expected, **result_to_dict(result)}, ensure_ascii=False)
            assert line == text, number
        else:
            found = identifier(RecordId(f"R{number}"))
            bundle = result_bundle(result, BANK, authored, counter(), identifier=found)
            text = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
            assert _numbered_urns(line) == _numbered_urns(text), number
    assert '"status": "error"' in got[-1] or '"OperationOutcome"' in got[-1]


def test_zero_and_minus_zero_keep_their_own_text(tmp_path: Path) -> None:
    # equal values written apart: nothing remembered for one may stand for the other
    text = (DATA / "branching.yaml").read_text(encoding="utf-8")
    text += (
        "  - id: amount_given\n    tier: only\n    reason: An amount was given.\n"
        "    sources: [test]\n    when: {question: amount, answered: yes}\n"
    )
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    bank = load_questionnaire(path)
    lines = ResultJson()
    bundles = BundleLines(bank, AUTHORED, counter())
    plain_urns = counter()
    for amount in ["0", "-0", "0", "-0.0", "1", "1.0"]:
        answer_set = check_answers(bank, {"flag": "yes", "colour": "red", "amount": amount})
        decision = decide(bank, answer_set.answers)
        fast = triage_answer_set(bank, answer_set, decision)
        plain = reference_result(bank, answer_set, decision)
        expected = json.dumps(result_to_dict(plain), ensure_ascii=False)
        assert lines.line(fast) == expected
        # the answer, and the rule's evidence
        assert expected.count('"amount": -0.0') == (2 if amount.startswith("-") else 0)
        bundle = result_bundle(plain, bank, AUTHORED, plain_urns)
        assert bundles.line(fast) == json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))


def test_the_fhir_urns_are_random_version_4_uuids() -> None:
    urns = RandomUrns()
    made = [urns() for _ in range(1000)]
    assert len(set(made)) == len(made)
    for urn in made:
        value = uuid.UUID(urn.removeprefix("urn:uuid:"))
        assert (value.version, value.variant) == (4, uuid.RFC_4122)
        assert urn == value.urn
