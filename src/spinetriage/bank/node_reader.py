"""Typed reads from YAML nodes that record a `Problem` (with file and line) instead of raising.

The loader reads the whole bank through one `NodeReader`, so every problem is reported at once.
"""

from __future__ import annotations

import re

import yaml

from ..errors import Problem
from .yaml_reading import line_of, scalar_value

SNAKE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


def _type_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = scalar_value(node) if isinstance(node, yaml.ScalarNode) else None
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"yes/no ({node.value})"
    return f"{type(value).__name__} ({node.value!r})"


class NodeReader:
    def __init__(self, shown_as: str) -> None:
        self.file = shown_as
        self.problems: list[Problem] = []

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None:
        line = line_of(node) if node is not None else None
        self.problems.append(Problem(file=self.file, line=line, where=where, message=message))

    def mapping(
        self,
        node: yaml.Node,
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> dict[str, yaml.Node] | None:
        """Keys to value nodes; unknown, duplicate and missing keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node,
                where,
                f"must be a mapping with keys {', '.join(required)}; got {_type_name(node)}",
            )
            return None
        allowed = required + optional
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in found:
                self.problem(key_node, where, f"key '{key}' appears twice")
            elif key not in allowed:
                self.problem(
                    key_node, where, f"unknown key '{key}' (allowed: {', '.join(allowed)})"
                )
            else:
                found[key] = value_node
        missing = [k for k in required if k not in found]
        if missing:
            self.problem(
                node,
                where,
                f"missing key{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(k) for k in missing)}",
            )
        return found

    def named_mapping(self, node: yaml.Node, where: str) -> list[tuple[yaml.Node, yaml.Node]]:
        """A mapping whose keys are names chosen by the author (sources, definitions)."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, f"must be a mapping of names; got {_type_name(node)}")
            return []
        seen: set[str] = set()
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # `? [a, b]`: a list is not a name
                self.problem(key_node, where, f"a name must be text; got {_type_name(key_node)}")
                continue
            if key_node.value in seen:
                self.problem(key_node, where, f"'{key_node.value}' appears twice")
                continue
            seen.add(key_node.value)
            pairs.append((key_node, value_node))
        return pairs

    def sequence(self, node: yaml.Node, where: str, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, where, f"{what} must be a list; got {_type_name(node)}")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, where: str, what: str) -> str | None:
        """Any non-empty scalar read as text exactly as written (so `no` stays "no")."""
        if not isinstance(node, yaml.ScalarNode) or scalar_value(node) is None:
            self.problem(node, where, f"{what} must be text; got {_type_name(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, where, f"{what} must not be empty")
            return None
        return value

    def identifier(
        self, node: yaml.Node, where: str, what: str, pattern: re.Pattern[str] = SNAKE_ID
    ) -> str | None:
        value = self.text(node, where, what)
        if value is not None and not pattern.match(value):
            self.problem(
                node,
                where,
                f"{what} '{value}' must be snake_case (lower-case letters, digits and _)",
            )
            return None
        return value

    def texts(self, node: yaml.Node, where: str, what: str) -> tuple[str, ...]:
        items = (
            self.text(item, where, f"each of {what}") for item in self.sequence(node, where, what)
        )
        return tuple(i for i in items if i is not None)

    def boolean(self, node: yaml.Node, where: str, what: str) -> bool | None:
        value = scalar_value(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            self.problem(
                node, where, f"{what} must be yes or no (true/false); got {_type_name(node)}"
            )
            return None
        return value

    def number(
        self, node: yaml.Node, where: str, what: str, integer: bool = False
    ) -> float | int | None:
        value = scalar_value(node) if isinstance(node, yaml.ScalarNode) else None
        ok = isinstance(value, int) if integer else isinstance(value, (int, float))
        if not ok or isinstance(value, bool):
            kind = "a whole number" if integer else "a number"
            self.problem(node, where, f"{what} must be {kind}; got {_type_name(node)}")
            return None
        assert isinstance(value, (int, float))
        return value
