"""The loader: the shipped bank validates, and every problem in a bank is named with file:line."""

from __future__ import annotations

import hashlib
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from spinetriage.bank.loader import default_bank_path, load_questionnaire
from spinetriage.bank.model import Questionnaire
from spinetriage.bank.yaml_reading import MAX_BANK_BYTES, MAX_DEPTH
from spinetriage.errors import BankError
from support.answer_builders import TIER_ORDER
from support.cli_runner import run

SECTIONS = [
    "red_flags",
    "surgery",
    "symptoms",
    "diagnosis",
    "function",
    "treatments",
    "recovery",
    "about_you",
]


# -- the shipped bank --------------------------------------------------------------------------


def test_shipped_bank_sections_and_tiers_in_order(bank: Questionnaire) -> None:
    assert [s.id for s in bank.sections] == SECTIONS
    assert [t.id for t in bank.tiers] == list(TIER_ORDER)
    assert bank.id == "spinetriage-lumbar"
    assert "does not diagnose" in bank.disclaimer


def test_shipped_bank_counts_are_sane(bank: Questionnaire) -> None:
    assert 60 <= len(bank.questions) <= 120
    assert 25 <= len(bank.rules) <= 80
    assert all(section.question_ids for section in bank.sections)
    # every question sits in exactly one section, in bank order, under a unique id
    in_sections = [qid for section in bank.sections for qid in section.question_ids]
    assert in_sections == [q.id for q in bank.questions]
    assert len(bank.by_id) == len(bank.questions)
    # every tier is reachable, and every red flag points to emergency or urgent care
    assert {r.tier for r in bank.rules} == set(TIER_ORDER)
    assert {r.tier for r in bank.rules if r.red_flag} == {"emergency", "urgent"}
    assert sum(r.red_flag for r in bank.rules) >= 15
    # every question and rule cites a source the bank lists
    keys = {s.key for s in bank.sources}
    assert all(q.sources and set(q.sources) <= keys for q in bank.questions)
    assert all(r.sources and set(r.sources) <= keys for r in bank.rules)
    # every `when` and rule is compiled once at load time
    assert all((q.when is None) == (q.asked_if is None) for q in bank.questions)
    assert all(r.matches is not None for r in bank.rules)


def test_content_hash_is_the_sha256_of_the_file(bank: Questionnaire) -> None:
    digest = hashlib.sha256(default_bank_path().read_bytes()).hexdigest()
    assert bank.content_hash == f"sha256:{digest}"


# -- a small bank, and one defect per case ------------------------------------------------------

BANK = """\
bank:
  id: test
  title: Test bank
  version: "1"
  disclaimer: Informs only.
sources:
  src:
    title: A source
    citation: somewhere
sections:
  - id: first
    title: First
    questions:
      - id: fever
        type: yes_no
        text: Fever?
        sources: [src]
      - id: pain
        type: integer
        min: 0
        max: 10
        text: Pain?
        sources: [src]
      - id: where
        type: single_choice
        text: Where?
        choices:
          - {code: back, label: Back}
          - {code: leg, label: Leg}
        sources: [src]
definitions:
  feverish: {question: fever, equals: yes}
tiers:
  - id: urgent
    title: Urgent
    urgency: today
    action: See a doctor.
    options:
      - {name: Visit, description: See someone., source: src}
    watch_for: [Anything new.]
    sources: [src]
rules:
  - id: fever_rule
    tier: urgent
    reason: Fever.
    sources: [src]
    when: {ref: feverish}
"""


def bank_text(*edits: tuple[str, str]) -> str:
    """BANK with each (old, new) applied; `old` must occur exactly once, so edits stay precise."""
    text = BANK
    for old, new in edits:
        assert text.count(old) == 1, f"edit target {old!r} is not unique in BANK"
        text = text.replace(old, new)
    return text


def add_after(anchor: str, line: str) -> tuple[str, str]:
    """An edit that adds `line` after the line holding `anchor`, at the same indentation."""
    whole = next(x for x in BANK.splitlines() if anchor in x)
    indent = whole[: len(whole) - len(whole.lstrip())]
    return f"{whole}\n", f"{whole}\n{indent}{line}\n"


def load_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes
) -> list[str]:
    path = tmp_path / "bank.yaml"
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    monkeypatch.chdir(tmp_path)  # messages name the file as given: bank.yaml
    with pytest.raises(BankError) as caught:
        load_questionnaire("bank.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_the_small_bank_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(BANK, encoding="utf-8")
    small = load_questionnaire(path)
    assert [q.id for q in small.questions] == ["fever", "pain", "where"]
    assert small.definitions == ("feverish",)


def case(name: str, content: str | bytes, problem: str) -> Any:
    return pytest.param(content, problem, id=name)


KEYS = "id, type, text, sources, help, choices, required, when, min, max, unit, score_as"
TYPES = "yes_no, single_choice, multi_choice, integer, number"
EMPTY = "bank.yaml: file is empty; a bank needs `bank`, `sources`, `sections`, `tiers` and `rules`"
LATER = "a `when` may only use questions asked before it"
TOO_BIG = BANK + "#" * (MAX_BANK_BYTES - len(BANK)) + "\n"
FRENCH = bank_text(("text: Fever?", "text: Fièvre?")).encode("latin-1")
DEEP = "when: " + "{not: " * MAX_DEPTH + "{}" + "}" * MAX_DEPTH
RULE = "bank.yaml:47: rule 'fever_rule':"

CASES = [
    case(
        "unknown-question-key",
        bank_text(add_after("text: Pain?", "colour: red")),
        f"bank.yaml:23: question 'pain': unknown key 'colour' (allowed: {KEYS})",
    ),
    case(
        "duplicate-question-id",
        bank_text(("- id: where", "- id: pain")),
        "bank.yaml:24: question 'pain': duplicate question id 'pain' (first at line 18)",
    ),
    case(
        "duplicate-choice-code",
        bank_text(("{code: leg,", "{code: back,")),
        "bank.yaml:29: question 'where': duplicate choice code 'back' (first at line 28)",
    ),
    case(
        "duplicate-yaml-key",
        bank_text(add_after("text: Fever?", "text: Hot?")),
        "bank.yaml:17: question 'fever': key 'text' appears twice",
    ),
    case(
        "condition-unknown-question",
        bank_text(("{ref: feverish}", "{question: fevr, equals: yes}")),
        f"{RULE} condition names unknown question 'fevr'",
    ),
    case(
        "condition-unknown-choice-code",
        bank_text(("{ref: feverish}", "{question: where, equals: arm}")),
        f"{RULE} 'arm' is not a choice of question 'where' (allowed: back, leg)",
    ),
    case(
        "condition-in-not-a-list",
        bank_text(("{ref: feverish}", "{question: where, in: back}")),
        f"{RULE} in must be a list; got str ('back')",
    ),
    case(
        "condition-bound-not-a-number",
        bank_text(("{ref: feverish}", "{question: pain, at_least: seven}")),
        f"{RULE} at_least must be a number; got str ('seven')",
    ),
    case(
        "unknown-definition",
        bank_text(("{ref: feverish}", "{ref: hot}")),
        f"{RULE} ref names unknown definition 'hot' (known: feverish)",
    ),
    case(
        "when-on-later-question",
        bank_text(add_after("text: Fever?", "when: {question: where, equals: back}")),
        f"bank.yaml:17: question 'fever': condition on question 'where', which is asked later "
        f"(line 25); {LATER}",
    ),
    case(
        "when-on-a-score",
        bank_text(add_after("text: Pain?", "when: {score: disability_band, equals: severe}")),
        "bank.yaml:23: question 'pain': `when` cannot use score 'disability_band': "
        "scores exist only after the interview",
    ),
    case(
        "min-above-max",
        bank_text(("min: 0", "min: 10"), ("max: 10", "max: 0")),
        "bank.yaml:21: question 'pain': min (10) must be ≤ max (0)",
    ),
    case(
        "min-not-a-number",
        bank_text(("min: 0", 'min: "abc"')),
        "bank.yaml:20: question 'pain': min must be a whole number; got str ('abc')",
    ),
    case(
        "max-missing",
        bank_text(("        max: 10\n", "")),
        "bank.yaml:19: question 'pain': an integer question needs max",
    ),
    case(
        "required-not-yes-no",
        bank_text(add_after("text: Fever?", "required: maybe")),
        "bank.yaml:17: question 'fever': required must be yes or no (true/false); "
        "got str ('maybe')",
    ),
    case(
        "text-is-a-list",
        bank_text(("text: Where?", "text: [Where, There]")),
        "bank.yaml:26: question 'where': text must be text; got a list",
    ),
    case(
        "text-missing",
        bank_text(("        text: Fever?\n", "")),
        "bank.yaml:14: question 'fever': missing key 'text'",
    ),
    case(
        "unknown-type",
        bank_text(("type: integer", "type: integr")),
        f"bank.yaml:19: question 'pain': unknown type 'integr' (allowed: {TYPES})",
    ),
    case(
        "choices-on-integer",
        bank_text(add_after("text: Pain?", "choices: [{code: a, label: A}]")),
        "bank.yaml:23: question 'pain': an integer question takes no choices "
        "(choices are for single_choice and multi_choice)",
    ),
    case(
        "unknown-source",
        bank_text(("Fever?\n        sources: [src]", "Fever?\n        sources: [src, nice]")),
        "bank.yaml:17: question 'fever': unknown source 'nice' (known: src)",
    ),
    case(
        "unknown-tier",
        bank_text(("tier: urgent", "tier: urgnt")),
        "bank.yaml:44: rule 'fever_rule': unknown tier 'urgnt' (allowed: urgent)",
    ),
    case(
        "list-as-a-source-name",
        bank_text(("  src:\n", "  ? [a, b]\n  : x\n  src:\n")),
        "bank.yaml:7: sources: a name must be text; got a list",
    ),
    case(
        "yaml-tag",
        bank_text(("min: 0", "min: !!int zero")),
        "bank.yaml:20: YAML tags such as '!!int' are not allowed; write the plain value",
    ),
    case(
        "control-character",
        bank_text(("text: Fever?", "text: Fe\x01ver?")),
        "bank.yaml:16: control character U+0001 is not allowed; remove it",
    ),
    case(
        "nested-too-deep",
        bank_text(("when: {ref: feverish}", DEEP)),
        f"bank.yaml:47: nested more than {MAX_DEPTH} levels deep; a bank needs far fewer",
    ),
    case(  # libyaml's composer recursed in C on this one and crashed the interpreter
        "nested-200000-deep",
        "x: " + "[" * 200_000 + "]" * 200_000,
        f"bank.yaml:1: nested more than {MAX_DEPTH} levels deep; a bank needs far fewer",
    ),
    case(
        "oversized-file",
        TOO_BIG,
        f"bank.yaml: file is larger than {MAX_BANK_BYTES:,} bytes, the most a bank may be",
    ),
    case("empty-file", "", EMPTY),
    case("comment-only-file", "# only a comment\n", EMPTY),
    case("not-utf8", FRENCH, "bank.yaml: not UTF-8 text (byte 250); save it as UTF-8"),
]


@pytest.mark.parametrize(("content", "problem"), CASES)
def test_bank_problem_is_named_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | bytes, problem: str
) -> None:
    assert load_problems(tmp_path, monkeypatch, content) == [problem]


def test_yaml_syntax_error_is_named_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # our part of the message: file, line, and that it is YAML syntax; the rest is PyYAML's
    # description of the problem, which is its own to word
    content = bank_text(("text: Where?", "text: [Where"))
    [problem] = load_problems(tmp_path, monkeypatch, content)
    assert problem.startswith("bank.yaml:27: YAML syntax error: ")
    assert "\n" not in problem


def test_oversized_fixture_is_one_byte_over_the_limit() -> None:
    assert len(TOO_BIG.encode()) == MAX_BANK_BYTES + 1
    assert FRENCH.index(b"\xe8") == 250


BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]"
        for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)


def test_alias_bomb_is_refused_quickly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    start = time.perf_counter()
    problems = load_problems(tmp_path, monkeypatch, BILLION_LAUGHS + "\n")
    assert time.perf_counter() - start < 5
    assert problems == [
        "bank.yaml:2: anchors and aliases (& and *) are not allowed; "
        "use `choice_sets` to reuse choices"
    ]


def test_every_problem_is_reported_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # questions are read before definitions, and `when`s after both: the report is still in
    # the order a person reads the file
    content = bank_text(
        add_after("text: Fever?", "when: {question: where, equals: leg}"),
        ("type: integer", "type: integr"),
        ("definitions:\n", "definitions:\n  cold: {question: fever, equals: maybe}\n"),
        ("tier: urgent", "tier: urgnt"),
    )
    assert load_problems(tmp_path, monkeypatch, content) == [
        f"bank.yaml:17: question 'fever': condition on question 'where', which is asked later "
        f"(line 25); {LATER}",
        f"bank.yaml:20: question 'pain': unknown type 'integr' (allowed: {TYPES})",
        "bank.yaml:33: definition 'cold': the value for yes/no question 'fever' must be "
        "yes or no (true/false); got str ('maybe')",
        "bank.yaml:46: rule 'fever_rule': unknown tier 'urgnt' (allowed: urgent)",
    ]


def test_check_names_a_duplicate_id_in_a_copy_of_the_shipped_bank(tmp_path: Path) -> None:
    lines = default_bank_path().read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.index("      - id: avoid_surgery\n")
    block = lines[first : first + 5]  # id, type, text, help, sources
    assert block[-1].startswith("        sources:")
    copy = [*lines[: first + 5], *block, *lines[first + 5 :]]
    (tmp_path / "questions-copy.yaml").write_text("".join(copy), encoding="utf-8")
    done = run("check", "questions-copy.yaml", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        f"spinetriage: questions-copy.yaml:{first + 6}: question 'avoid_surgery': duplicate "
        f"question id 'avoid_surgery' (first at line {first + 1})\n"
        "spinetriage: 1 problem found; the bank was not used.\n"
    )


def test_a_copy_of_the_shipped_bank_loads_the_same(tmp_path: Path, bank: Questionnaire) -> None:
    copy = tmp_path / "questions.yaml"
    shutil.copyfile(default_bank_path(), copy)
    again = load_questionnaire(copy)
    assert again.content_hash == bank.content_hash
    assert [q.id for q in again.questions] == [q.id for q in bank.questions]
    assert again.path == str(copy)
