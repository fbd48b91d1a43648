"""The CodeSystems, ValueSets and extension definition: valid R4B, and every code we write is in
them with the display we give it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import spinetriage
from spinetriage.answers import RecordId
from spinetriage.bank.model import Questionnaire
from spinetriage.bank.score_vocabulary import DERIVED_SCORES
from spinetriage.errors import Problem
from spinetriage.fhir import RefusedRows, definitions_bundle, questionnaire_resource, result_bundle
from spinetriage.fhir.common import CANONICAL_BASE, RECORD_ID_EXTENSION
from support.answer_builders import answers
from support.answer_strategies import answer_sets
from support.cli_runner import run
from support.fhir_checks import check_bundle, codings, validate

BANK = spinetriage.load_questionnaire()
BRANCHING = spinetriage.load_questionnaire(Path(__file__).parent / "data" / "branching.yaml")
PACKAGE = Path(spinetriage.__file__).parent

Resource = dict[str, Any]


def definitions(bank: Questionnaire) -> dict[str, dict[str, Resource]]:
    """The definitions of a bank by kind, then by canonical URL."""
    found: dict[str, dict[str, Resource]] = {}
    for entry in definitions_bundle(bank)["entry"]:
        resource = entry["resource"]
        by_url = found.setdefault(resource["resourceType"], {})
        assert resource["url"] not in by_url, f"two definitions of {resource['url']}"
        by_url[resource["url"]] = resource
    return found


DEFINED = {bank.id: definitions(bank) for bank in (BANK, BRANCHING)}


def displays(bank: Questionnaire) -> dict[tuple[str, str], str]:
    """(system, code) to display, for every code of every CodeSystem of the bank's definitions."""
    return {
        (system, concept["code"]): concept["display"]
        for system, code_system in DEFINED[bank.id]["CodeSystem"].items()
        for concept in code_system["concept"]
    }


def our_codings(resource: Resource) -> Iterator[Resource]:
    """The codings in systems of spinetriage's own (not UCUM, LOINC, HL7's)."""
    return (c for c in codings(resource) if c["system"].startswith(CANONICAL_BASE))


def assert_all_defined(bank: Questionnaire, resource: Resource) -> set[str]:
    """Every coding of ours names a defined code, with its display; returns the systems seen."""
    known = displays(bank)
    seen = set()
    for coding in our_codings(resource):
        key = (coding["system"], coding["code"])
        assert key in known, f"{key} is in no CodeSystem of the definitions"
        assert coding["display"] == known[key]
        seen.add(coding["system"])
    return seen


@pytest.mark.parametrize("bank", [BANK, BRANCHING], ids=["packaged", "branching-test"])
def test_definitions_validate_as_r4b(bank: Questionnaire) -> None:
    bundle = definitions_bundle(bank)
    check_bundle(bundle)  # every entry validated as an R4B model, narratives and codings checked
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {"CodeSystem", "ValueSet", "StructureDefinition"}
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"{CANONICAL_BASE}/{resource['resourceType']}/{resource['id']}"


@pytest.mark.parametrize("bank", [BANK, BRANCHING], ids=["packaged", "branching-test"])
def test_each_code_system_has_its_value_set(bank: Questionnaire) -> None:
    defined = DEFINED[bank.id]
    code_systems, value_sets = defined["CodeSystem"], defined["ValueSet"]
    assert len(code_systems) == len(value_sets)
    for url, code_system in code_systems.items():
        assert code_system["content"] == "complete"
        assert code_system["count"] == len(code_system["concept"])
        codes = [c["code"] for c in code_system["concept"]]
        assert len(set(codes)) == len(codes)
        value_set = value_sets[code_system["valueSet"]]
        assert value_set["compose"]["include"] == [
            {"system": url, "version": code_system["version"]}
        ]
    ids = [
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in definitions_bundle(bank)["entry"]
    ]
    assert len(ids) == len(set(ids))


def test_the_codes_are_the_banks_and_the_score_tables() -> None:
    bank = BANK
    known = displays(bank)
    tier_system = f"{CANONICAL_BASE}/CodeSystem/{bank.id}-tier"
    assert {code: d for (s, code), d in known.items() if s == tier_system} == {
        t.id: t.title for t in bank.tiers
    }
    for question in bank.questions:
        system = f"{CANONICAL_BASE}/CodeSystem/{bank.id}/{question.id}"
        found = {code: d for (s, code), d in known.items() if s == system}
        assert found == {c.code: c.label for c in question.choices}
    scores = {
        code: d for (s, code), d in known.items() if s == f"{CANONICAL_BASE}/CodeSystem/score"
    }
    assert scores == {name: spec.fhir_title for name, spec in DERIVED_SCORES.items()}


@pytest.mark.parametrize("bank", [BANK, BRANCHING], ids=["packaged", "branching-test"])
def test_every_code_of_the_questionnaire_is_defined(bank: Questionnaire) -> None:
    questionnaire = questionnaire_resource(bank)
    choice_questions = {q.id for q in bank.questions if q.choices}
    seen = assert_all_defined(bank, questionnaire)
    assert len(seen) == len(choice_questions)


SEEN_SYSTEMS: set[str] = set()


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=answer_sets(BANK))
def test_every_code_of_a_result_is_defined(raw: dict[str, Any]) -> None:
    bundle = result_bundle(spinetriage.triage(raw, BANK), BANK)
    SEEN_SYSTEMS.update(assert_all_defined(BANK, bundle))


def test_the_random_results_used_the_tiers_scores_and_answers() -> None:
    """The test above checked codes of every kind (it runs first: pytest keeps file order)."""
    kinds = {s.rsplit("/CodeSystem/", 1)[1].split("/")[0] for s in SEEN_SYSTEMS}
    assert {f"{BANK.id}-tier", "score", BANK.id} <= kinds
    assert any(s.endswith("/disability_band") for s in SEEN_SYSTEMS)


def test_the_record_id_extension_is_defined() -> None:
    problem = Problem(line=7, message="4 cells, but the header has 80 columns")
    outcome = RefusedRows(BANK).outcome(
        7, RecordId("R-7", "urn:oid:1.2.3.4"), [(problem, None)], []
    )
    (extension,) = outcome["extension"]
    assert extension["url"] == RECORD_ID_EXTENSION
    structure = DEFINED[BANK.id]["StructureDefinition"][RECORD_ID_EXTENSION]
    assert structure["type"] == "Extension"
    assert structure["context"] == [{"type": "element", "expression": "OperationOutcome"}]
    (value,) = [
        e for e in structure["differential"]["element"] if e["path"] == "Extension.value[x]"
    ]
    assert value["type"] == [{"code": "Identifier"}]
    assert list(extension) == ["url", "valueIdentifier"]


def test_the_canonical_base_is_written_in_one_place() -> None:
    """Every canonical URL is built from fhir.common.CANONICAL_BASE, never typed again."""
    domain = CANONICAL_BASE.split("//", 1)[1].split("/", 1)[0]
    holders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if domain in path.read_text(encoding="utf-8")
    )
    assert holders == ["fhir/common.py"]


def test_export_definitions_from_the_command_line(tmp_path: Path) -> None:
    done = run("export-fhir", "--definitions")
    assert done.returncode == 0, done.stderr
    assert (done.stderr, json.loads(done.stdout)) == ("", definitions_bundle(BANK))
    target = tmp_path / "definitions.json"
    saved = run("export-fhir", "--definitions", "-o", str(target))
    assert saved.returncode == 0, saved.stderr
    assert saved.stderr == f"Saved the FHIR definitions (a Bundle) to {target}\n"
    assert json.loads(target.read_text(encoding="utf-8")) == definitions_bundle(BANK)


def test_an_observation_value_is_defined_for_every_band() -> None:
    """A banded score's every value, not only those random answers reach, is defined."""
    known = displays(BANK)
    for name, spec in DERIVED_SCORES.items():
        for value in spec.values:
            system = f"{CANONICAL_BASE}/CodeSystem/score/{name}"
            assert known[(system, value)] == spec.display(value)


def test_a_refused_rows_outcome_uses_no_code_of_its_own() -> None:
    problem = Problem(line=3, where="column 'pain_now'", message="12 is out of range", field="x")
    outcome = RefusedRows(BANK).outcome(3, None, [(problem, "pain_now")], [])
    validate(outcome)
    assert list(our_codings(outcome)) == []


def test_an_urgent_result_uses_answer_tier_and_score_codes() -> None:
    bundle = result_bundle(spinetriage.triage(answers(rf_fever="yes"), BANK), BANK)
    seen = assert_all_defined(BANK, bundle)
    assert f"{CANONICAL_BASE}/CodeSystem/{BANK.id}-tier" in seen
    assert f"{CANONICAL_BASE}/CodeSystem/score" in seen
