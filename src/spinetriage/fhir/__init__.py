"""FHIR R4 (and R4B) renderings, as plain JSON-ready dicts built by hand.

- `questionnaire_resource(bank)`: the bank as a Questionnaire.
- `definitions_bundle(bank)`: the CodeSystems and ValueSets of every code the output uses (and
  the one extension of spinetriage's own), for a server to validate against.
- `result_bundle(result, bank, authored=None, identifier=None)`: a result as a Bundle holding
  the QuestionnaireResponse, the score Observations and the triage as a RiskAssessment;
  `bundle_lines.BundleLines` writes the same Bundles as NDJSON lines, fast enough for batches.
- `RefusedRows(bank).outcome(...)`: a refused batch row as an OperationOutcome.
- `read_response(bank, resource)`: the answers and record id of a QuestionnaireResponse (or a
  Bundle holding one), read strictly, for the normal validation; `answers_from_response` gives
  the answers alone.
- `check_id_system`, `identifier`: the user's system of record ids, and a record id in FHIR.

Every resource carries a short generated narrative. No FHIR library is needed at run time; the
tests check every resource against fhir.resources.
"""

from __future__ import annotations

from .bundle import result_bundle
from .common import CANONICAL_BASE, questionnaire_canonical, questionnaire_url
from .definitions import definitions_bundle
from .identity import check_id_system, identifier
from .outcome import RefusedRows
from .questionnaire import questionnaire_resource
from .reading import answers_from_response, read_response

__all__ = [
    "CANONICAL_BASE",
    "RefusedRows",
    "answers_from_response",
    "check_id_system",
    "definitions_bundle",
    "identifier",
    "questionnaire_canonical",
    "questionnaire_resource",
    "questionnaire_url",
    "read_response",
    "result_bundle",
]
