"""The installed `spinetriage` command: version, check, the data dictionary and usage errors.

Every call runs the console script installed next to this Python (cli_runner), with a timeout.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import spinetriage
from spinetriage._version import __version__
from spinetriage.bank.loader import default_bank_path
from spinetriage.bank.model import Questionnaire
from spinetriage.errors import ExitCode
from support.cli_runner import run

ROOT = Path(__file__).resolve().parents[1]
RED_FLAGS = [
    "rf_bladder_bowel",
    "rf_saddle_numbness",
    "rf_genital_numbness",
    "rf_both_legs",
    "rf_rapid_weakness",
    "rf_unsteady",
    "rf_fever",
    "rf_infection_risk",
    "rf_cancer_history",
    "rf_weight_loss",
    "rf_night_pain",
    "rf_trauma",
    "rf_bone_risk",
    "rf_sudden_severe",
]
DISABILITY = ["self_care", "lifting", "walking", "sitting", "standing", "sleeping", "social"]
PSYCHOSOCIAL = [
    "leg_spread",
    "neck_shoulder",
    "short_walks",
    "dressing_slow",
    "activity_unsafe",
    "worry",
    "never_better",
    "low_mood",
    "bothered",
]
TREATMENTS = [
    "nsaids",
    "muscle_relaxants",
    "neuropathic_agents",
    "decompression_therapy",
    "chiropractic",
    "acupuncture",
    "mind_body",
    "regenerative",
]
#: the topics the bank must cover: its ids are answer-file keys and CSV columns
REQUIRED_IDS = [
    *RED_FLAGS,
    "back_pain",
    "leg_pain",
    "leg_pain_below_knee",
    "numbness",
    "tingling",
    "leg_weakness",
    "walking_tolerance",
    "pain_now",
    "pain_worst",
    "symptom_weeks",
    "diagnoses",
    "spine_levels",
    "imaging_done",
    "imaging_matches",
    *(f"dis_{item}" for item in DISABILITY),
    *(f"ps_{item}" for item in PSYCHOSOCIAL),
    "treatments_tried",
    "physical_therapy_weeks",
    "physical_therapy_response",
    *(f"{treatment}_{what}" for treatment in TREATMENTS for what in ("weeks", "helped")),
    "injection_count",
    "injection_relief_weeks",
    "injections_helped",
    "had_spine_surgery",
    "surgery_procedure",
    "fusion_level",
    "weeks_since_surgery",
    "postop_walking",
    "postop_xrays",
    "postop_warning_signs",
    # second clinical review (bank 2.0.0)
    "age",
    "both_legs_onset",
    "weakness_onset",
    "pain_worst_recheck",
    "constant_pain",
    "first_episode",
    "surgery_pain_improved",
    "pregnancy",
    "avoid_surgery",
]
CSV_HEADER = "id,section,type,allowed,asked_when,required,text,sources,choices"


def summary(shown: str, bank: Questionnaire) -> str:
    return (
        f"{shown}: OK: {len(bank.questions)} questions in 8 sections, "
        f"{bank.condition_count} conditions ({len(bank.rules)} rules), 8 tiers; "
        f"version {bank.version}, {bank.content_hash[:19]}\n"
    )


def test_version() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"spinetriage {__version__}\n", "")
    assert __version__.count(".") == 2


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "spinetriage", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"spinetriage {__version__}\n")


def test_check_prints_one_line_summary(bank: Questionnaire) -> None:
    done = run("check")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == summary("questions.yaml", bank)
    assert bank.content_hash.startswith("sha256:")


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("check", "missing.yaml"), id="check"),
        pytest.param(("--questions", "missing.yaml", "check"), id="questions-option"),
        pytest.param(("questions", "--questions", "missing.yaml"), id="after-the-command"),
        pytest.param(("--questions", "missing.yaml", "--answers", "a.json"), id="answers"),
    ],
)
def test_a_missing_bank_is_a_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    done = run(*args, cwd=tmp_path)
    assert done.returncode == ExitCode.USAGE
    assert done.stdout == ""
    assert done.stderr == (
        "spinetriage: missing.yaml: cannot read the file: No such file or directory\n"
        "spinetriage: 1 problem found; the bank was not used.\n"
    )


def test_check_lines_carry_the_prefix_and_an_invalid_bank_is_exit_1(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("bank: [\n", encoding="utf-8")
    done = run("check", "broken.yaml", cwd=tmp_path)
    assert done.returncode == ExitCode.INVALID
    lines = done.stderr.splitlines()
    assert len(lines) == 2
    assert all(line.startswith("spinetriage: broken.yaml") for line in lines[:-1])
    assert lines[-1] == "spinetriage: 1 problem found; the bank was not used."


def test_questions_option_uses_the_other_bank(tmp_path: Path, bank: Questionnaire) -> None:
    text = default_bank_path().read_text(encoding="utf-8")
    assert text.count('  version: "2.0.0"\n') == 1
    other = tmp_path / "other.yaml"
    other.write_text(text.replace('  version: "2.0.0"\n', '  version: "9.9.9"\n'), "utf-8")
    copy = spinetriage.load_questionnaire(other)
    done = run("--questions", "other.yaml", "check", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == summary("other.yaml", copy)
    assert "version 9.9.9, sha256:" in done.stdout
    assert copy.content_hash != bank.content_hash
    listed = run("--questions", "other.yaml", "questions", "--format", "json", cwd=tmp_path)
    assert json.loads(listed.stdout)["bank"]["version"] == "9.9.9"


def test_questions_json_covers_every_required_topic(bank: Questionnaire) -> None:
    done = run("questions", "--format", "json")
    assert (done.returncode, done.stderr) == (0, "")
    document = json.loads(done.stdout)
    assert document["bank"]["id"] == bank.id
    assert document["bank"]["content_hash"] == bank.content_hash
    rows = document["questions"]
    ids = [r["id"] for r in rows]
    assert ids == [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    missing = [i for i in REQUIRED_IDS if i not in ids]
    assert missing == []
    assert all(list(r) == CSV_HEADER.split(",") for r in rows)
    by_id = {r["id"]: r for r in rows}
    assert by_id["pain_now"]["allowed"] == "whole number 0–10"
    assert by_id["leg_pain_below_knee"]["asked_when"] == "leg_pain in {one_side, both_sides}"
    assert by_id["rf_fever"]["asked_when"] == "always"
    assert by_id["postop_walking"]["asked_when"] == "recent_surgery"
    # every choice with its code and its label: "A lot" is the code `marked`
    assert {"code": "marked", "label": "A lot"} in by_id["dis_lifting"]["choices"]
    assert by_id["rf_fever"]["choices"] == [
        {"code": "yes", "label": "Yes"},
        {"code": "no", "label": "No"},
    ]
    assert by_id["pain_now"]["choices"] == []
    for row in rows:
        question = bank.question(row["id"])
        if question.choices:
            assert row["choices"] == [{"code": c.code, "label": c.label} for c in question.choices]


def test_questions_table_shows_square_brackets(tmp_path: Path) -> None:
    # rich would read "[weeks]" as a markup tag and drop it
    text = default_bank_path().read_text(encoding="utf-8")
    text = text.replace(
        "title: Lower back (lumbar spine) triage", 'title: "Lower back [lumbar] triage"', 1
    ).replace("unit: weeks", 'unit: "[weeks]"', 1)
    (tmp_path / "brackets.yaml").write_text(text, encoding="utf-8")
    done = run("--questions", "brackets.yaml", "questions", cwd=tmp_path, env={"COLUMNS": "200"})
    assert (done.returncode, done.stderr) == (0, "")
    assert "Lower back [lumbar] triage — question bank 2.0.0" in done.stdout
    assert "whole number 0–2600 [weeks]" in done.stdout


def test_questions_csv(bank: Questionnaire) -> None:
    done = run("questions", "--format", "csv")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines()[0] == CSV_HEADER
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [r["id"] for r in rows] == [q.id for q in bank.questions]
    assert rows[0]["required"] in ("yes", "no")
    assert rows[0]["sources"] == ";".join(bank.questions[0].sources)
    by_id = {r["id"]: r for r in rows}
    # choices as REDCap's data dictionary writes them: "code, label | code, label"
    assert by_id["dis_lifting"]["choices"] == (
        "none, Not at all | slight, Slightly | moderate, Moderately | marked, A lot | "
        "severe, Only with great difficulty or help | unable, I cannot do it at all"
    )
    assert by_id["rf_fever"]["choices"] == "yes, Yes | no, No"
    assert by_id["symptom_weeks"]["choices"] == ""


@pytest.mark.parametrize("columns", ["80", "100"])
def test_questions_table_shows_every_id_and_question_whole(
    bank: Questionnaire, columns: str
) -> None:
    done = run("questions", env={"COLUMNS": columns})
    assert (done.returncode, done.stderr) == (0, "")
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    assert "…" not in done.stdout
    first_words = [line.split()[0] for line in lines if line.strip()]
    words = done.stdout.split()
    for question in bank.questions:
        assert question.id in first_words, f"{question.id} is broken or missing"
        assert set(question.text.split()) <= set(words)
        assert set(question.codes) <= set(words)
    assert "question, allowed answers" in done.stdout


def test_unknown_option_is_a_usage_error() -> None:
    done = run("--bogus")
    assert done.returncode == 2
    assert done.stdout == ""
    # our contract: exit 2, nothing on stdout, the offending option named; the wording is typer's
    assert "--bogus" in done.stderr
    assert "Traceback" not in done.stderr


def test_installed_package_carries_its_bank(tmp_path: Path, bank: Questionnaire) -> None:
    # from a directory with no questions.yaml in sight, the packaged bank is found and valid
    done = run("check", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == summary("questions.yaml", bank)
    package = Path(spinetriage.__file__).parent
    if ROOT / "src" not in package.parents:
        # a non-editable install (CI): the wheel carries an exact copy of questions.yaml
        packaged = package / "questions.yaml"
        assert packaged.read_bytes() == (ROOT / "questions.yaml").read_bytes()
