"""Read one answer set from a JSON or YAML file (ids to values), and its record id if it has one.

PyYAML is imported only to read a YAML file: a JSON answer file never pays for it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..bank.model import Questionnaire
from ..bounded_read import read_bounded
from ..errors import AnswerError, InputFileError
from .values import shown_value

MAX_ANSWER_BYTES = 1_000_000
TOO_LONG = "a number has too many digits to be an answer"
#: an answer file's record id (unless the bank has a question of that name); batch input's id
#: column has the same default name
RECORD_ID_KEY = "record_id"
#: `--answers -` reads standard input, named so in messages
STDIN = "-"
STDIN_NAME = "stdin"


@dataclass(frozen=True, slots=True)
class RecordId:
    """The id of the record an answer set comes from, and the system of ids it belongs to."""

    value: str
    #: an absolute URI naming the system of ids (a clinic's record numbers), when known
    system: str | None = None


@dataclass(frozen=True, slots=True)
class AnswerFile:
    """The raw answers of an answer file (question id to value), and its record id if any."""

    answers: dict[str, object]
    record_id: RecordId | None = None


def read_answer_file(path: Path, bank: Questionnaire | None = None) -> AnswerFile:
    """The raw answers in a file; InputFileError (exit 2) when the file itself is unusable.

    A FHIR QuestionnaireResponse (or a Bundle holding one) is recognised by its resourceType and
    read by the fhir module against `bank` (default: the packaged bank); its identifier is the
    record id. Another file's record id is its `record_id`.
    """
    if str(path) == STDIN:
        raw, path = _read_stdin(), Path(STDIN_NAME)  # named `stdin` in every message
    else:
        raw = _read_file(path)
    try:
        text = raw.decode("utf-8-sig")
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
    answers = {str(key): value for key, value in data.items()}
    if bank is not None and RECORD_ID_KEY in bank.by_id:
        return AnswerFile(answers)
    return AnswerFile(answers, _record_id(path, answers.pop(RECORD_ID_KEY, None)))


def shown_name(path: Path) -> str:
    """The answer file as messages name it: `stdin` for `-`."""
    return STDIN_NAME if str(path) == STDIN else str(path)


def _read_file(path: Path) -> bytes:
    try:
        raw = read_bounded(path, MAX_ANSWER_BYTES)
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file: {exc.strerror}") from None
    if raw is None:
        raise InputFileError(f"{path}: file is larger than {MAX_ANSWER_BYTES:,} bytes")
    return raw


def _read_stdin() -> bytes:
    if sys.stdin is None:  # started with standard input closed (`<&-`)
        raise InputFileError(f"{STDIN_NAME}: standard input is closed; give a file, or pipe it in")
    try:
        raw = sys.stdin.buffer.read(MAX_ANSWER_BYTES + 1)
    except OSError as exc:
        raise InputFileError(f"{STDIN_NAME}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_ANSWER_BYTES:
        raise InputFileError(f"{STDIN_NAME}: more than {MAX_ANSWER_BYTES:,} bytes")
    return raw


def _record_id(path: Path, value: object) -> RecordId | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return RecordId(str(value))
    raise InputFileError(
        f"{path}: {RECORD_ID_KEY} {shown_value(value)} is not an id; allowed: text or a whole "
        "number"
    )


def _read_fhir(path: Path, resource: dict[str, Any], bank: Questionnaire | None) -> AnswerFile:
    from ..bank.loader import load_questionnaire
    from ..fhir import read_response

    try:
        return read_response(bank or load_questionnaire(), resource)
    except InputFileError as error:
        raise InputFileError(f"{path}: {error}") from None
    except AnswerError as error:
        raise error.in_file(str(path)) from None


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object, refusing a key written twice (json keeps the last and drops the first)."""
    mapping: dict[str, object] = {}
    for key, value in pairs:
        if key in mapping:
            raise _DuplicateKey(key)
        mapping[key] = value
    return mapping


def _parse(path: Path, text: str) -> object:
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            # a decimal as its exact value: 1e-400 is not 0, 9.9999999999999999 is not 10
            return json.loads(text, object_pairs_hook=_unique_keys, parse_float=Decimal)
        except _DuplicateKey as exc:
            raise InputFileError(f"{path}: '{exc}' appears twice; keep one") from None
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        except RecursionError:
            raise InputFileError(f"{path}: nested too deeply to be an answer file") from None
        except ValueError:  # an integer beyond Python's digit limit for reading numbers
            raise InputFileError(f"{path}: not valid JSON: {TOO_LONG}") from None
    return _parse_yaml(path, text)


def _parse_yaml(path: Path, text: str) -> object:
    import yaml

    from ..bank.yaml_reading import UnsafeYaml, load_plain_data

    try:
        return load_plain_data(text, what="an answer file")
    except UnsafeYaml as exc:
        line = f":{exc.line}" if exc.line is not None else ""
        raise InputFileError(f"{path}{line}: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise InputFileError(f"{path}{line}: not valid YAML or JSON: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:  # a control character: a position, no mark
        row = text.count("\n", 0, exc.position) + 1
        raise InputFileError(f"{path}:{row}: not valid YAML or JSON: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise InputFileError(f"{path}: not valid YAML or JSON: {exc}") from None
    except ValueError:  # an integer beyond Python's digit limit for reading numbers
        raise InputFileError(f"{path}: not valid YAML or JSON: {TOO_LONG}") from None
