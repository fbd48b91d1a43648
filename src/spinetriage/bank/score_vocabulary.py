"""The scores reported with every result: one table, and everything else derived from it.

One row a score, one column a property, as pyxform keeps its question types: the name, the kind
of value (as a question's type), its allowed values and how each reads, the label people read,
the FHIR Observation title, the LOINC code where one is known to fit exactly, and whether it is
derived. Derived scores are worked out from the answers; rules may test them (`{score: NAME,
...}`) and FHIR gives each as an Observation. The others (pain, weeks of symptoms) repeat an
answer: rules test the question itself and FHIR has them in the QuestionnaireResponse.

What is derived from `SCORES`: the scores rules may name and what they may compare them with
(bank.loader), the labels of the renderings (ui.wording), the Observations (fhir.bundle) and
their code systems (fhir.definitions), the batch CSV columns (batch.writers). `scoring.Scores`
holds the values with their types; a test checks that its fields are `SCORE_NAMES`, in order.

Methods (facts, not item wording; see shared/clinical-reference.md): disability, Oswestry
method; duration bands, ACP 2017; psychosocial risk, STarT Back method (scoring/scores.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..conditions.values import QuestionType

DISABILITY_BANDS = ("minimal", "moderate", "severe", "crippling", "bed_bound")
DURATION_BANDS = ("acute", "subacute", "chronic")
RISK_LEVELS = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class ScoreSpec:
    name: str
    #: the kind of value, as a question's type: what a rule may compare the score with
    kind: QuestionType
    #: a banded score's values, in order (a rule's `equals` or `in` must name one)
    values: tuple[str, ...] = ()
    #: each value as a person reads it (the FHIR code's display), in the order of `values`
    value_displays: tuple[str, ...] = ()
    #: derived from the answers (rules may test it; an Observation in FHIR), or an answer's copy
    derived: bool = True
    #: the score as a person names it, beside the value behind a rule
    label: str = ""
    #: the display of the FHIR Observation's code
    fhir_title: str = ""
    #: the unit of a quantity (UCUM), given as a FHIR valueQuantity
    unit: str = ""
    #: a LOINC code for the Observation, only where one is verified to mean exactly this score
    loinc: str | None = None
    #: what a derived score is worked out from: score scales (a question's `score_as`) or
    #: question ids; a search over answer sets knows the score once these are all decided
    made_from: tuple[str, ...] = ()

    def display(self, value: str) -> str:
        """A banded value as a person reads it."""
        return self.value_displays[self.values.index(value)]


SCORES: tuple[ScoreSpec, ...] = (
    ScoreSpec("pain_now", QuestionType.INTEGER, derived=False),
    ScoreSpec("pain_worst", QuestionType.INTEGER, derived=False),
    ScoreSpec(
        "disability_percent",
        QuestionType.NUMBER,
        label="Effect on daily life (disability score, %)",
        made_from=("disability",),
        fhir_title="Disability, percent (Oswestry method)",
        unit="%",
    ),
    ScoreSpec(
        "disability_band",
        QuestionType.SINGLE_CHOICE,
        DISABILITY_BANDS,
        (
            "Minimal disability",
            "Moderate disability",
            "Severe disability",
            "Crippling back pain",
            "Bed-bound",
        ),
        label="Effect on daily life (disability level)",
        made_from=("disability",),
        fhir_title="Disability band (Oswestry method)",
    ),
    ScoreSpec("duration_weeks", QuestionType.INTEGER, derived=False),
    ScoreSpec(
        "duration_band",
        QuestionType.SINGLE_CHOICE,
        DURATION_BANDS,
        ("Acute", "Subacute", "Chronic"),
        label="Duration of symptoms",
        made_from=("symptom_weeks",),
        fhir_title="Duration of symptoms (ACP 2017 bands)",
    ),
    ScoreSpec(
        "psychosocial_total",
        QuestionType.INTEGER,
        label="Risk of long-lasting pain: score (of 9)",
        made_from=("psychosocial", "psychosocial_distress"),
        fhir_title="Psychosocial total, 0 to 9 (STarT Back method)",
    ),
    ScoreSpec(
        "psychosocial_distress",
        QuestionType.INTEGER,
        label="Worry and low mood: score (of 5)",
        made_from=("psychosocial_distress",),
        fhir_title="Psychosocial distress subscale, 0 to 5 (STarT Back method)",
    ),
    ScoreSpec(
        "psychosocial_risk",
        QuestionType.SINGLE_CHOICE,
        RISK_LEVELS,
        ("Low risk", "Medium risk", "High risk"),
        label="Risk of long-lasting pain (from worries and mood)",
        made_from=("psychosocial", "psychosocial_distress"),
        fhir_title="Psychosocial risk (STarT Back method)",
    ),
    ScoreSpec(
        "failed_treatment_count",
        QuestionType.INTEGER,
        label="Treatments that did not help enough",
        made_from=("treatment_response",),
        fhir_title="Treatments tried that did not help enough",
    ),
)

#: every score, in the order results and batch columns give them
SCORE_NAMES = tuple(spec.name for spec in SCORES)
#: the derived scores by name: what rules may test, and what FHIR gives as Observations
DERIVED_SCORES = {spec.name: spec for spec in SCORES if spec.derived}
