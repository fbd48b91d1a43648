"""The bank's sources: read first, then named by key from questions, tier options and rules."""

from __future__ import annotations

import yaml

from .model import Source
from .node_reader import NodeReader


class Sources:
    """Reads the `sources` mapping, then checks every reference to one of its keys."""

    def __init__(self, reader: NodeReader) -> None:
        self.r = reader
        self.keys: set[str] = set()

    def read(self, node: yaml.Node) -> tuple[Source, ...]:
        sources = []
        for key_node, value in self.r.named_mapping(node, "sources"):
            key = str(key_node.value)
            fields = self.r.mapping(value, f"source '{key}'", ("title", "citation"))
            if fields is None or len(fields) < 2:
                continue
            title = self.r.text(fields["title"], f"source '{key}'", "title")
            citation = self.r.text(fields["citation"], f"source '{key}'", "citation")
            if title and citation:
                sources.append(Source(key, title, citation))
                self.keys.add(key)
        return tuple(sources)

    def refs(self, node: yaml.Node, where: str) -> tuple[str, ...]:
        items = self.r.sequence(node, where, "sources")
        if not items and isinstance(node, yaml.SequenceNode):
            self.r.problem(node, where, "sources must name at least one source")
        refs = (self.ref(item, where) for item in items)
        return tuple(r for r in refs if r is not None)

    def ref(self, node: yaml.Node, where: str) -> str | None:
        key = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
        if key not in self.keys:
            self.r.problem(
                node,
                where,
                f"unknown source '{key}' (known: {', '.join(sorted(self.keys))})",
            )
            return None
        return key
