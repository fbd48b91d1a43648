"""Read a YAML file safely into PyYAML's node tree, keeping line numbers.

Only the safe loader's node types are built (no Python objects), files over a size limit are
refused, and anchors/aliases are refused: they are how "billion laughs" files blow up, and the bank
has `choice_sets` for reuse instead. Explicit tags (`!foo`, `!!int`) and deep nesting are refused
too, from the event stream before any node is built: libyaml's composer recurses in C and crashes
the interpreter on a few hundred thousand nested brackets, and a tag can make a value unbuildable.
"""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ..bounded_read import read_bounded
from ..errors import BankError, BankUnreadable, Problem

MAX_BANK_BYTES = 1_000_000
#: the shipped bank nests 10 deep; anything deeper is refused before it is built
MAX_DEPTH = 64

try:  # the C parser is ~10x faster; both build the same nodes with the same marks
    _FastLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = yaml.SafeLoader

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _Loader(_FastLoader):  # type: ignore[valid-type,misc]
    """Numbers as people write them. YAML 1.1 reads `013` as 11 (octal), `0x0A` as 10, `1:30`
    as 90 and `1_0` as 10: here only plain decimals (`12`, `-3`, `7.5`; `013` is 13) are
    numbers, and every other form stays the text written, for the reader of the value to refuse.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in (_INT, _FLOAT)]
        for first, resolvers in _FastLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver(_INT, re.compile(r"[-+]?[0-9]+\Z"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT, re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)\Z"), list("-+.0123456789")
)


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def read_nodes(path: Path, shown_as: str) -> tuple[yaml.Node, bytes]:
    """The root node of a YAML file and its raw bytes; BankError when unusable."""

    def unusable(message: str, line: int | None = None) -> BankError:
        return BankError([Problem(file=shown_as, line=line, message=message)])

    try:
        raw = read_bounded(path, MAX_BANK_BYTES)
        if raw is None:
            raise unusable(f"file is larger than {MAX_BANK_BYTES:,} bytes, the most a bank may be")
    except OSError as exc:
        problem = Problem(file=shown_as, message=f"cannot read the file: {exc.strerror}")
        raise BankUnreadable([problem]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise unusable(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        refuse_unsafe_events(text, alias_hint="; use `choice_sets` to reuse choices")
        root = yaml.compose(text, Loader=_Loader)
    except UnsafeYaml as exc:
        raise unusable(exc.message, exc.line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "not valid YAML"
        raise unusable(f"YAML syntax error: {what}", line) from None
    except yaml.reader.ReaderError as exc:  # a control character: a position, no mark
        line = text.count("\n", 0, exc.position) + 1
        message = f"YAML syntax error: {exc.reason} (character #x{exc.character:04x})"
        raise unusable(message, line) from None
    except yaml.YAMLError as exc:
        raise unusable(f"YAML error: {exc}") from None
    if root is None:
        raise unusable(
            "file is empty; a bank needs `bank`, `sources`, `sections`, `tiers` and `rules`"
        )
    return root, raw


class UnsafeYaml(ValueError):
    """YAML this project refuses to build: an alias, an explicit tag, or too deep nesting."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def refuse_unsafe_events(text: str, alias_hint: str = "", what: str = "a bank") -> None:
    """Stop at the first alias, explicit tag or too-deep collection, before any node is built.

    libyaml (PyYAML 6.0.4 and later) has a nesting limit of its own, and its scanner reads far
    ahead of the events we count, so on deep flow nesting it fails first, with its own wording.
    When the C parser fails, the same checks run again on the pure-Python parser (no such limit,
    and no look-ahead that far), so a too-deep file gets our message whatever PyYAML is
    installed; any other failure is PyYAML's own syntax error, raised as it was.
    """
    _refuse_control_characters(text)
    try:
        _refuse_unsafe_events(text, alias_hint, what, _Loader)
    except yaml.YAMLError as libyaml_error:
        if _FastLoader is yaml.SafeLoader:  # pragma: no cover - PyYAML built without libyaml
            raise
        # a plain syntax error: report libyaml's, as on every other path
        with contextlib.suppress(yaml.YAMLError):
            _refuse_unsafe_events(text, alias_hint, what, yaml.SafeLoader)
        raise libyaml_error from None


#: what YAML allows in a file besides printable text (tab, line ends, NEL); the rest is refused
#: by us, with our wording, before PyYAML's reader sees it
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _refuse_control_characters(text: str) -> None:
    found = _NOT_PRINTABLE.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        code = f"U+{ord(found.group()):04X}"
        raise UnsafeYaml(line, f"control character {code} is not allowed; remove it")


def _refuse_unsafe_events(
    text: str, alias_hint: str, what: str, loader: type[yaml.SafeLoader]
) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        message = None
        if isinstance(event, yaml.AliasEvent):
            message = f"anchors and aliases (& and *) are not allowed{alias_hint}"
        elif isinstance(event, (yaml.ScalarEvent, yaml.CollectionStartEvent)) and event.tag:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            message = f"YAML tags such as '{tag}' are not allowed; write the plain value"
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                message = f"nested more than {MAX_DEPTH} levels deep; {what} needs far fewer"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if message is not None:
            mark = event.start_mark
            line = int(mark.line) + 1 if mark is not None else None
            raise UnsafeYaml(line, message)


class _PlainDataLoader(_Loader):
    """Builds plain data; a date-like scalar stays the text written (answers hold no dates).

    A key written twice in one mapping is refused: YAML would keep the last value and drop the
    first without a word, and the first may be the answer that matters (a red flag).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        if len(mapping) < len(node.value):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if key in first:
                    raise UnsafeYaml(
                        line_of(key_node),
                        f"'{key}' appears twice (first at line {first[key]}); keep one",
                    )
                first[key] = line_of(key_node)
        return mapping


_PlainDataLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    lambda loader, node: loader.construct_scalar(node),
)
# base 10 always (YAML 1.1 would read a leading 0 as octal); a decimal as its exact value, so
# that 9.9999999999999999 is not rounded to 10 before anyone looks at it
_PlainDataLoader.add_constructor(_INT, lambda loader, node: int(node.value))
_PlainDataLoader.add_constructor(_FLOAT, lambda loader, node: Decimal(node.value))


def load_plain_data(text: str, what: str) -> object:
    """Plain data (mappings, lists, scalars) from YAML text; UnsafeYaml or yaml.YAMLError if not."""
    refuse_unsafe_events(text, what=what)
    # a CSafeLoader subclass: builds no Python objects
    return yaml.load(text, Loader=_PlainDataLoader)


class _PlainScalars(yaml.constructor.SafeConstructor):
    """A bank's scalars: numbers in base 10 always, as `_Loader` recognises them."""


_PlainScalars.add_constructor(_INT, lambda constructor, node: int(node.value))
_PlainScalars.add_constructor(_FLOAT, lambda constructor, node: float(node.value))
_SCALARS = _PlainScalars()


def scalar_value(node: yaml.ScalarNode) -> object:
    """The typed value of a plain scalar (bool, int, float, str or None) by YAML's own rules.

    A plain scalar YAML reads as a date that is no real date (`2024-13-45`) cannot be built: it is
    read as the text written. The cache is cleared so that no bank's nodes are kept alive.
    """
    try:
        return _SCALARS.construct_object(node)
    except ValueError:
        return str(node.value)
    finally:
        _SCALARS.constructed_objects.clear()
