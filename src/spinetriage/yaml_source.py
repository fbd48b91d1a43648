"""Read a YAML file safely into PyYAML's node tree, keeping line numbers.

Only the safe loader's node types are built (no Python objects), files over a size limit are
refused, and anchors/aliases are refused: they are how "billion laughs" files blow up, and the bank
has `choice_sets` for reuse instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .errors import BankError, Problem

MAX_BANK_BYTES = 1_000_000

try:  # the C parser is ~10x faster; both build the same nodes with the same marks
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def read_nodes(path: Path, shown_as: str) -> tuple[yaml.Node, bytes]:
    """The root node of a YAML file and its raw bytes; BankError when unusable."""
    try:
        size = path.stat().st_size
        if size > MAX_BANK_BYTES:
            raise BankError(
                [
                    Problem(
                        shown_as,
                        None,
                        "",
                        f"file is {size:,} bytes; a bank may be at most {MAX_BANK_BYTES:,} bytes",
                    )
                ]
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise BankError(
            [Problem(shown_as, None, "", f"cannot read the file: {exc.strerror}")]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BankError(
            [Problem(shown_as, None, "", f"not UTF-8 text (byte {exc.start}); save it as UTF-8")]
        ) from None
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "not valid YAML"
        raise BankError([Problem(shown_as, line, "", f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise BankError([Problem(shown_as, None, "", f"YAML error: {exc}")]) from None
    if root is None:
        raise BankError(
            [
                Problem(
                    shown_as,
                    None,
                    "",
                    "file is empty; a bank needs `bank`, "
                    "`sources`, `sections`, `tiers` and `rules`",
                )
            ]
        )
    _refuse_aliases(root, shown_as)
    return root, raw


def _refuse_aliases(root: yaml.Node, shown_as: str) -> None:
    # An alias is the same node object met twice; stop at the first, before any expansion.
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise BankError(
                [
                    Problem(
                        shown_as,
                        line_of(node),
                        "",
                        "anchors and aliases (& and *) "
                        "are not allowed; use `choice_sets` to reuse choices",
                    )
                ]
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


_SCALARS = yaml.constructor.SafeConstructor()


def scalar_value(node: yaml.ScalarNode) -> object:
    """The typed value of a plain scalar (bool, int, float, str or None) by YAML's own rules."""
    return _SCALARS.construct_object(node)
