"""Which record a FHIR resource is about: a record id as an Identifier, and its system checked.

A record id comes from the input (a batch row's id column, an answer file's `record_id`, a
response's identifier); the system of ids is the user's (`--id-system`), since only they know
what their ids number. Without one, an Identifier has a value and no system.
"""

from __future__ import annotations

import re

from ..answers.files import RecordId
from ..answers.values import shown_value
from ..errors import OptionError
from .common import RECORD_ID_EXTENSION, Resource, fhir_string

#: RFC 3986 absolute-URI: a scheme, then the rest, with no space and no fragment
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s#]+")
_NEEDS_HOST = ("http", "https")
ID_SYSTEM_ALLOWED = (
    "an absolute URI naming your system of record ids, such as "
    "https://clinic.example/record-ids or urn:oid:1.2.3.4"
)


def check_id_system(system: str | None) -> str | None:
    """`--id-system` as given, once it is known to be an absolute URI; OptionError if not."""
    if system is None:
        return None
    scheme, _, rest = system.partition(":")
    usable = _ABSOLUTE_URI.fullmatch(system) is not None and (
        scheme.lower() not in _NEEDS_HOST or (len(rest) > 2 and rest.startswith("//"))
    )
    if not usable:
        raise OptionError(
            f"--id-system {shown_value(system)} is not an absolute URI; allowed: "
            f"{ID_SYSTEM_ALLOWED}"
        )
    return system


def identifier(record_id: RecordId) -> Resource:
    """The record id as a FHIR Identifier."""
    found: Resource = {"value": fhir_string(record_id.value)}
    if record_id.system is not None:
        found = {"system": record_id.system, **found}
    return found


def record_extension(record_id: RecordId) -> Resource:
    """The extension naming the record a resource (a refused row's outcome) is about."""
    return {"url": RECORD_ID_EXTENSION, "valueIdentifier": identifier(record_id)}
