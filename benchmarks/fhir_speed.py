"""Print how long the FHIR renderings take and how large they are (no targets asserted).

    python benchmarks/fhir_speed.py

Uses the synthetic clinical vignettes in tests/. Figures: the Questionnaire export, one result
as a Bundle (built and serialised as one NDJSON line, as batch would), and one response read
back and scored.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import spinetriage
from spinetriage.fhir import (
    answers_from_response,
    questionnaire_resource,
    result_bundle,
)
from support.clinical_cases import CLINICAL_CASES

AUTHORED = datetime(2025, 1, 1, tzinfo=timezone.utc)


def per_call(action: Callable[[], object], repeat: int) -> float:
    """Best of 5 runs, in milliseconds per call."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best * 1000


def main() -> None:
    bank = spinetriage.load_questionnaire()
    results = [spinetriage.triage(case.values[0], bank) for case in CLINICAL_CASES]
    lines = [json.dumps(result_bundle(r, bank, AUTHORED), separators=(",", ":")) for r in results]
    bundles = [json.loads(line) for line in lines]
    questionnaire = json.dumps(questionnaire_resource(bank), indent=2, ensure_ascii=False)

    export = per_call(lambda: json.dumps(questionnaire_resource(bank), indent=2), 20)
    render = per_call(
        lambda: [
            json.dumps(result_bundle(r, bank, AUTHORED), separators=(",", ":")) for r in results
        ],
        20,
    ) / len(results)
    read = per_call(
        lambda: [spinetriage.triage(answers_from_response(bank, b), bank) for b in bundles], 20
    ) / len(bundles)
    sizes = sorted(len(line.encode()) for line in lines)
    print(f"Questionnaire export: {export:.2f} ms, {len(questionnaire.encode()):,} bytes")
    print(f"Bundle per result ({len(results)} vignettes): {render:.3f} ms")
    median = sizes[len(sizes) // 2]
    print(f"Bundle NDJSON line: {sizes[0]:,} to {sizes[-1]:,} bytes (median {median:,})")
    print(f"Response read back and scored: {read:.3f} ms")


if __name__ == "__main__":
    main()
