"""FHIR R4 (and R4B) renderings, as plain JSON-ready dicts built by hand.

- `questionnaire_resource(bank)`: the bank as a Questionnaire.
- `result_bundle(result, bank, authored=None)`: a result as a Bundle holding the
  QuestionnaireResponse, the score Observations and the triage as a RiskAssessment.
- `answers_from_response(bank, resource)`: raw answers from a QuestionnaireResponse (or a Bundle
  holding one), for the normal validation.

No FHIR library is needed at run time; the tests check every resource against fhir.resources.
"""

from __future__ import annotations

from .bundle import result_bundle
from .common import CANONICAL_BASE, questionnaire_canonical, questionnaire_url
from .questionnaire import questionnaire_resource
from .reading import answers_from_response

__all__ = [
    "CANONICAL_BASE",
    "answers_from_response",
    "questionnaire_canonical",
    "questionnaire_resource",
    "questionnaire_url",
    "result_bundle",
]
