"""The rendered summary, compared with golden files: 80 columns, no colour, several tiers.

To regenerate the golden files after an intended change, run

    SPINETRIAGE_UPDATE_GOLDEN=1 python -m pytest tests/test_summary.py

and read the diff (`git diff tests/golden`) before committing it.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console

from spinetriage.bank.model import Questionnaire
from spinetriage.scoring.decision import triage
from spinetriage.scoring.result import Result
from spinetriage.ui.markdown import escape, render_markdown
from spinetriage.ui.summary import print_summary, render_text
from support.answer_builders import (
    BASELINE,
    FUSION_CANDIDATE,
    SPONDYLOLISTHESIS,
    answers,
    with_treatments,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("SPINETRIAGE_UPDATE_GOLDEN") == "1"

CASES: dict[str, tuple[dict[str, Any], str]] = {
    "emergency": (answers(rf_bladder_bowel="yes", rf_fever="yes"), "emergency"),
    "urgent": (answers(rf_cancer_history="yes", rf_weight_loss="yes"), "urgent"),
    "fusion": (FUSION_CANDIDATE, "fusion"),
    # the same person, who would rather avoid surgery: fusion is set aside
    "avoiding_surgery": (
        with_treatments("physical_therapy", avoid_surgery="yes", **SPONDYLOLISTHESIS),
        "conservative",
    ),
    "decompression": (
        answers(leg_weakness="significant", weakness_onset="longstanding"),
        "surgical_decompression",
    ),
    "interventional": (
        with_treatments(
            "physical_therapy", "nsaids", leg_pain="one_side", leg_pain_below_knee="yes"
        ),
        "interventional",
    ),
    "conservative": (BASELINE, "conservative"),
    "postop": (
        answers(
            had_spine_surgery="yes",
            surgery_procedure="fusion",
            fusion_level="l5_s1",
            weeks_since_surgery=20,
            postop_walking="daily",
            postop_xrays="missed",
            postop_warning_signs="none",
        ),
        "postop",
    ),
}


def result_for(bank: Questionnaire, case: str) -> Result:
    raw, tier = CASES[case]
    result = triage(raw, bank)
    assert result.tier == tier
    return result


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with SPINETRIAGE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_summary_golden(bank: Questionnaire, case: str) -> None:
    check_golden(f"summary_{case}.txt", render_text(result_for(bank, case), bank))


@pytest.mark.parametrize("case", ["emergency", "fusion", "avoiding_surgery", "postop"])
def test_markdown_golden(bank: Questionnaire, case: str) -> None:
    check_golden(f"result_{case}.md", render_markdown(result_for(bank, case), bank))


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("case", CASES)
def test_summary_fits_the_width_and_cuts_nothing(
    bank: Questionnaire, case: str, width: int
) -> None:
    result = result_for(bank, case)
    text = render_text(result, bank, width=width)
    assert "\x1b" not in text
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    assert all(line == line.rstrip() for line in lines)
    assert "…" not in text
    # every question behind a reason of the tier is there whole, wrapped or not
    words = text.split()
    for reason in (r for r in result.reasons if r.tier == result.tier):
        for subject, _ in reason.evidence:
            if subject in bank.by_id:
                assert set(bank.question(subject).text.split()) <= set(words)


def test_summary_ladder_marks_the_tier_and_lists_every_tier(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "interventional"), bank)
    ladder = text.split("Where you stand")[1].split("least urgent")[0]
    for tier in bank.tiers:
        assert tier.title in ladder
    (here,) = [line for line in ladder.splitlines() if "you are here" in line]
    assert "▶ Injections and other treatments" in here
    also = [line for line in ladder.splitlines() if "also matched" in line]
    assert any("Non-surgical care" in line for line in also)


def test_a_set_aside_tier_is_shown_if_the_person_changes_their_mind(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "avoiding_surgery"), bank)
    ladder = text.split("Where you stand")[1].split("least urgent")[0]
    rungs = ladder.split("┃")  # a rung's note may wrap onto lines of its own
    (fusion,) = [rung for rung in rungs if "Fusion consultation" in rung]
    assert "also matched, if you change your mind" in " ".join(fusion.split())
    (here,) = [rung for rung in rungs if "you are here" in rung]
    assert "Non-surgical care" in here
    assert "Fusion consultation (if you change your mind about surgery)" in text


def test_summary_shows_answers_as_labels(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "interventional"), bank)
    assert "Has the physiotherapy helped?" in text
    assert "No, or things got worse" in text
    assert "physical_therapy_response" not in text


def test_summary_shows_source_keys_in_brackets(bank: Questionnaire) -> None:
    # rich would read "[nice-ng59]" as a markup tag and drop it if given a plain string
    assert "[nice-ng59]" in render_text(result_for(bank, "conservative"), bank)


def test_summary_without_bank_falls_back_to_codes(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "interventional"))
    assert "Where you stand" not in text
    assert "physical_therapy_response" in text
    assert "INJECTIONS AND OTHER TREATMENTS" in text


def test_summary_note_is_shown(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "emergency"), bank, note="You stopped early.")
    assert "You stopped early." in text.split("Where you stand")[0]


def test_colour_rendering_uses_the_urgency_colour(bank: Questionnaire) -> None:
    text = render_text(result_for(bank, "emergency"), bank, color=True)
    assert re.search(r"\x1b\[[0-9;]*41m", text), "emergency headline on red"


def test_print_summary_to_a_pipe_is_plain_text(bank: Questionnaire) -> None:
    buffer = io.StringIO()
    result = result_for(bank, "conservative")
    print_summary(result, bank, console=Console(file=buffer, width=120))
    assert buffer.getvalue() == render_text(result, bank)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a_b*c", r"a\_b\*c"),
        ("[001] <x> | y", r"\[001\] \<x\> \| y"),
        ("# not a heading", r"\# not a heading"),
    ],
)
def test_markdown_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped


def test_markdown_says_when_the_person_stopped_early(bank: Questionnaire) -> None:
    from spinetriage.answers.validation import AnswerSet
    from spinetriage.scoring.decision import triage_stopped_early
    from spinetriage.scoring.result import STOPPED_EARLY
    from spinetriage.ui.markdown import render_markdown

    result = triage_stopped_early(bank, AnswerSet({"rf_bladder_bowel": True}))
    assert f"*{STOPPED_EARLY}*" in render_markdown(result, bank)


@pytest.mark.parametrize("case", CASES)
def test_sources_are_cited_by_title_never_by_a_file(bank: Questionnaire, case: str) -> None:
    result = result_for(bank, case)
    for text in (render_text(result, bank), render_markdown(result, bank)):
        sources = text.split("Sources")[-1]
        for source in result.sources:
            assert escape(source.title).split()[0] in sources
        assert "shared/" not in text
        assert not re.search(r"\.(md|txt)\b", text)


def test_a_citation_a_reader_can_use_is_shown(bank: Questionnaire) -> None:
    result = result_for(bank, "conservative")
    first = result.sources[0]
    described = replace(result, sources=(replace(first, citation="NICE guideline, 2020"),))
    assert f"{first.title}; NICE guideline, 2020" in render_text(described, bank, width=200)
    assert f"{escape(first.title)}; NICE guideline, 2020" in render_markdown(described, bank)
