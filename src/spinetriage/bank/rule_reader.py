"""The bank's definitions, tiers and rules: everything read after the questions.

Definitions and rules are conditions, read with the condition parser the loader builds once the
questions are known; tiers are read in order, most urgent first.
"""

from __future__ import annotations

import yaml

from ..conditions.compiler import compile_condition
from ..conditions.parser import ConditionParser
from ..conditions.tree import Condition
from .model import Rule, Tier, TierOption
from .node_reader import NodeReader
from .score_vocabulary import DERIVED_SCORES
from .sources import Sources
from .yaml_reading import line_of


class RuleReader:
    """Reads `definitions`, `tiers` and `rules`, recording every problem in the node reader."""

    def __init__(self, reader: NodeReader, sources: Sources) -> None:
        self.r = reader
        self.sources = sources

    def definitions(self, node: yaml.Node, parser: ConditionParser) -> None:
        for key_node, value in self.r.named_mapping(node, "definitions"):
            name = str(key_node.value)
            where = f"definition '{name}'"
            if name in parser.questions or name in DERIVED_SCORES:
                self.r.problem(key_node, where, f"'{name}' is already a question or score name")
                continue
            condition: Condition | None = parser.parse(value, where)
            if condition is not None:
                parser.definitions[name] = condition

    def tiers(self, node: yaml.Node, parser: ConditionParser) -> tuple[Tier, ...]:
        tiers: list[Tier] = []
        for item in self.r.sequence(node, "tiers", "tiers"):
            fields = self.r.mapping(
                item,
                "tier",
                ("id", "title", "urgency", "action", "options", "watch_for", "sources"),
                ("risks", "evidence_notes", "set_aside_when"),
            )
            if not fields or "id" not in fields:
                continue
            tid = self.r.identifier(fields["id"], "tier", "tier id") or "?"
            where = f"tier '{tid}'"
            if any(t.id == tid for t in tiers):
                self.r.problem(fields["id"], where, f"duplicate tier id '{tid}'")
                continue
            text = {
                k: self.r.text(fields[k], where, k)
                for k in ("title", "urgency", "action")
                if k in fields
            }
            option_nodes = (
                self.r.sequence(fields["options"], where, "options") if "options" in fields else []
            )
            options = tuple(
                o for o in (self._option(n, where, parser) for n in option_nodes) if o is not None
            )
            set_aside = (
                parser.parse(fields["set_aside_when"], where)
                if "set_aside_when" in fields
                else None
            )
            lists = {
                k: self.r.texts(fields[k], where, k)
                for k in ("watch_for", "risks", "evidence_notes")
                if k in fields
            }
            sources = self.sources.refs(fields["sources"], where) if "sources" in fields else ()
            if None in text.values() or len(text) < 3:
                continue
            tiers.append(
                Tier(
                    tid,
                    text["title"] or "",
                    text["urgency"] or "",
                    text["action"] or "",
                    options,
                    lists.get("watch_for", ()),
                    sources,
                    lists.get("risks", ()),
                    lists.get("evidence_notes", ()),
                    set_aside,
                    compile_condition(set_aside) if set_aside is not None else None,
                )
            )
        return tuple(tiers)

    def _option(self, node: yaml.Node, where: str, parser: ConditionParser) -> TierOption | None:
        fields = self.r.mapping(
            node, where, ("name", "description", "source"), ("evidence", "when")
        )
        if not fields or len(fields.keys() & {"name", "description", "source"}) < 3:
            return None
        name = self.r.text(fields["name"], where, "option name")
        description = self.r.text(fields["description"], where, "option description")
        source = self.sources.ref(fields["source"], where)
        evidence = (
            self.r.text(fields["evidence"], where, "evidence") if "evidence" in fields else None
        )
        when = parser.parse(fields["when"], where) if "when" in fields else None
        if name is None or description is None or source is None:
            return None
        fits = compile_condition(when) if when is not None else None
        return TierOption(name, description, source, evidence, when, fits)

    def rules(
        self, node: yaml.Node, parser: ConditionParser, tier_ids: set[str]
    ) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for item in self.r.sequence(node, "rules", "rules"):
            fields = self.r.mapping(
                item,
                "rule",
                ("id", "tier", "reason", "sources", "when"),
                ("red_flag", "action", "evidence"),
            )
            if not fields or "id" not in fields:
                continue
            rid = self.r.identifier(fields["id"], "rule", "rule id")
            if rid is None:
                continue
            where = f"rule '{rid}'"
            if rid in seen:
                self.r.problem(
                    fields["id"], where, f"duplicate rule id '{rid}' (first at line {seen[rid]})"
                )
                continue
            seen[rid] = line_of(fields["id"])
            tier = self.r.text(fields["tier"], where, "tier") if "tier" in fields else None
            if tier is not None and tier not in tier_ids:
                self.r.problem(
                    fields["tier"],
                    where,
                    f"unknown tier '{tier}' (allowed: {', '.join(sorted(tier_ids))})",
                )
                tier = None
            reason = self.r.text(fields["reason"], where, "reason") if "reason" in fields else None
            sources = self.sources.refs(fields["sources"], where) if "sources" in fields else ()
            when = parser.parse(fields["when"], where) if "when" in fields else None
            red_flag = (
                self.r.boolean(fields["red_flag"], where, "red_flag")
                if "red_flag" in fields
                else False
            )
            notes = {
                k: self.r.text(fields[k], where, k) for k in ("action", "evidence") if k in fields
            }
            if tier is None or reason is None or when is None:
                continue
            rules.append(
                Rule(
                    rid,
                    tier,
                    reason,
                    sources,
                    when,
                    line_of(fields["id"]),
                    bool(red_flag),
                    compile_condition(when),
                    notes.get("action"),
                    notes.get("evidence"),
                )
            )
        return tuple(rules)
