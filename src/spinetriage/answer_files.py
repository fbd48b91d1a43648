"""Read one answer set from a JSON or YAML file (ids to values)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import AnswerError, InputFileError
from .model import Questionnaire

MAX_ANSWER_BYTES = 1_000_000


def read_answer_file(path: Path, bank: Questionnaire | None = None) -> dict[str, object]:
    """The raw answers in a file; InputFileError (exit 2) when the file itself is unusable.

    A FHIR QuestionnaireResponse (or a Bundle holding one) is recognised by its resourceType and
    read by the fhir module against `bank` (default: the packaged bank).
    """
    try:
        if path.stat().st_size > MAX_ANSWER_BYTES:
            raise InputFileError(f"{path}: file is larger than {MAX_ANSWER_BYTES:,} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    data = _parse(path, text)
    if not isinstance(data, dict):
        raise InputFileError(
            f"{path}: expected a mapping of question ids to answers, got {type(data).__name__}"
        )
    if "resourceType" in data:
        return _read_fhir(path, data, bank)
    return {str(key): value for key, value in data.items()}


def _read_fhir(
    path: Path, resource: dict[str, Any], bank: Questionnaire | None
) -> dict[str, object]:
    from .fhir import answers_from_response
    from .loader import load_questionnaire

    try:
        return answers_from_response(bank or load_questionnaire(), resource)
    except InputFileError as error:
        raise InputFileError(f"{path}: {error}") from None
    except AnswerError as error:
        raise AnswerError([f"{path}: {problem}" for problem in error.problems]) from None


def _parse(path: Path, text: str) -> object:
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            if node is not None and _has_alias(node, set()):
                raise InputFileError(f"{path}: anchors and aliases (& and *) are not allowed")
            return loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputFileError(f"{path}{line}: not valid YAML or JSON: {exc.problem}") from None


def _has_alias(node: yaml.Node, seen: set[int]) -> bool:
    if id(node) in seen:
        return True
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        return any(_has_alias(k, seen) or _has_alias(v, seen) for k, v in node.value)
    if isinstance(node, yaml.SequenceNode):
        return any(_has_alias(item, seen) for item in node.value)
    return False
