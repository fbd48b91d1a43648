"""Load and validate a question bank into a `Questionnaire`, reporting every problem at once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ..conditions.compiler import compile_condition
from ..conditions.parser import ConditionParser, Subject
from ..conditions.tree import Condition
from ..conditions.values import QuestionType
from ..errors import BankError
from .model import (
    Choice,
    Question,
    Questionnaire,
    Rule,
    ScoreScale,
    Section,
    Source,
    Tier,
    TierOption,
)
from .node_reader import CODE, SNAKE_ID, NodeReader
from .score_vocabulary import DERIVED_SCORES
from .yaml_reading import line_of, read_nodes

QUESTION_KEYS = ("help", "choices", "required", "when", "min", "max", "unit", "score_as")
TYPES = ", ".join(t.value for t in QuestionType)
#: what a rule may compare each derived score with
SCORE_SUBJECTS = {name: Subject(s.kind, s.values) for name, s in DERIVED_SCORES.items()}


def default_bank_path() -> Path:
    """The bank shipped inside the package; in a source checkout, the top-level questions.yaml."""
    package = Path(__file__).parent.parent
    packaged = package / "questions.yaml"
    if packaged.is_file():
        return packaged
    return package.resolve().parents[1] / "questions.yaml"


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and validate a bank (default: the packaged one). Raises BankError with every problem."""
    bank_path = Path(path) if path is not None else default_bank_path()
    shown_as = str(path) if path is not None else "questions.yaml"
    root, raw = read_nodes(bank_path, shown_as)
    bank = _BankBuilder(NodeReader(shown_as)).build(root)
    if bank is None:
        raise BankError([])  # unreachable: build returns None only with problems
    return replace(
        bank, content_hash="sha256:" + hashlib.sha256(raw).hexdigest(), path=str(bank_path)
    )


def _a(word: str) -> str:
    """`a number`, `an integer`: messages are read by clinicians."""
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _question_where(node: yaml.Node, section: str) -> str:
    """`question 'ID'` as soon as a valid id can be read, so a key problem names its question."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            valid = isinstance(value, yaml.ScalarNode) and SNAKE_ID.match(str(value.value))
            if key.value == "id" and valid:
                return f"question '{value.value}'"
    return f"section '{section}'"


@dataclass
class _Draft:
    """A question read in the first pass, before conditions can be parsed."""

    node: dict[str, yaml.Node]
    question: Question


class _BankBuilder:
    def __init__(self, reader: NodeReader) -> None:
        self.r = reader
        self.source_keys: set[str] = set()
        self.choice_sets: dict[str, tuple[Choice, ...]] = {}

    def _failure(self) -> BankError:
        # the bank is read in passes (questions, then conditions), so problems are put back
        # into file order; the sort is stable, so problems on one line keep their order
        return BankError(sorted(self.r.problems, key=lambda p: p.line or 0))

    def build(self, root: yaml.Node) -> Questionnaire | None:
        top = self.r.mapping(
            root,
            "top level",
            ("bank", "sources", "sections", "tiers", "rules"),
            ("choice_sets", "definitions"),
        )
        if top is None:
            raise self._failure()
        meta = (
            self.r.mapping(top["bank"], "bank", ("id", "title", "version", "disclaimer"))
            if "bank" in top
            else None
        )
        sources = self._sources(top["sources"]) if "sources" in top else ()
        if "choice_sets" in top:
            self._choice_sets(top["choice_sets"])
        sections, drafts = self._sections(top["sections"]) if "sections" in top else ((), [])
        subjects = {
            d.question.id: Subject(d.question.type, d.question.codes, i, d.question.line)
            for i, d in enumerate(drafts)
        }
        parser = ConditionParser(self.r, subjects, SCORE_SUBJECTS, {})
        if "definitions" in top:
            self._definitions(top["definitions"], parser)
        questions = tuple(self._with_condition(i, d, parser) for i, d in enumerate(drafts))
        tiers = self._tiers(top["tiers"]) if "tiers" in top else ()
        rules = self._rules(top["rules"], parser, {t.id for t in tiers}) if "rules" in top else ()
        bank_meta = {k: self.r.text(v, "bank", k) for k, v in (meta or {}).items()}
        if self.r.problems:
            raise self._failure()
        return Questionnaire(
            id=bank_meta["id"] or "",
            title=bank_meta["title"] or "",
            version=bank_meta["version"] or "",
            disclaimer=bank_meta["disclaimer"] or "",
            content_hash="",
            path="",
            sections=sections,
            questions=questions,
            sources=sources,
            tiers=tiers,
            rules=rules,
            definitions=tuple(parser.definitions),
            by_id={q.id: q for q in questions},
        )

    # -- sources and choice sets ---------------------------------------------------------------

    def _sources(self, node: yaml.Node) -> tuple[Source, ...]:
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
                self.source_keys.add(key)
        return tuple(sources)

    def _source_refs(self, node: yaml.Node, where: str) -> tuple[str, ...]:
        items = self.r.sequence(node, where, "sources")
        if not items and isinstance(node, yaml.SequenceNode):
            self.r.problem(node, where, "sources must name at least one source")
        refs = (self._source_ref(item, where) for item in items)
        return tuple(r for r in refs if r is not None)

    def _source_ref(self, node: yaml.Node, where: str) -> str | None:
        key = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
        if key not in self.source_keys:
            self.r.problem(
                node,
                where,
                f"unknown source '{key}' (known: {', '.join(sorted(self.source_keys))})",
            )
            return None
        return key

    def _choice_sets(self, node: yaml.Node) -> None:
        for key_node, value in self.r.named_mapping(node, "choice_sets"):
            self.choice_sets[str(key_node.value)] = self._choices(
                value, f"choice set '{key_node.value}'"
            )

    def _choices(self, node: yaml.Node, where: str) -> tuple[Choice, ...]:
        if isinstance(node, yaml.ScalarNode):
            name = str(node.value)
            if name not in self.choice_sets:
                self.r.problem(
                    node,
                    where,
                    f"unknown choice set '{name}' (known: {', '.join(self.choice_sets) or 'none'})",
                )
            return self.choice_sets.get(name, ())
        choices: list[Choice] = []
        first_line: dict[str, int] = {}
        for item in self.r.sequence(node, where, "choices"):
            fields = self.r.mapping(item, where, ("code", "label"), ("points", "exclusive"))
            if not fields or "code" not in fields or "label" not in fields:
                continue
            code = self.r.identifier(fields["code"], where, "choice code", CODE)
            label = self.r.text(fields["label"], where, "choice label")
            points = (
                self.r.number(fields["points"], where, "points", integer=True)
                if "points" in fields
                else None
            )
            exclusive = (
                self.r.boolean(fields["exclusive"], where, "exclusive")
                if "exclusive" in fields
                else False
            )
            if code is None or label is None:
                continue
            if code in first_line:
                self.r.problem(
                    fields["code"],
                    where,
                    f"duplicate choice code '{code}' (first at line {first_line[code]})",
                )
                continue
            first_line[code] = line_of(fields["code"])
            choices.append(
                Choice(code, label, int(points) if points is not None else None, bool(exclusive))
            )
        if not choices and isinstance(node, yaml.SequenceNode):
            self.r.problem(node, where, "choices must list at least one choice")
        return tuple(choices)

    # -- sections and questions ----------------------------------------------------------------

    def _sections(self, node: yaml.Node) -> tuple[tuple[Section, ...], list[_Draft]]:
        sections: list[Section] = []
        drafts: list[_Draft] = []
        seen_ids: dict[str, int] = {}
        seen_sections: set[str] = set()
        for item in self.r.sequence(node, "sections", "sections"):
            fields = self.r.mapping(item, "section", ("id", "title", "questions"), ("intro",))
            if not fields or "id" not in fields:
                continue
            section_id = self.r.identifier(fields["id"], "section", "section id") or "?"
            where = f"section '{section_id}'"
            if section_id in seen_sections:
                self.r.problem(fields["id"], where, f"duplicate section id '{section_id}'")
            seen_sections.add(section_id)
            title = self.r.text(fields["title"], where, "title") if "title" in fields else None
            intro = self.r.text(fields["intro"], where, "intro") if "intro" in fields else None
            ids = []
            q_nodes = (
                self.r.sequence(fields["questions"], where, "questions")
                if "questions" in fields
                else []
            )
            for q_node in q_nodes:
                draft = self._question(q_node, section_id, seen_ids)
                if draft is not None:
                    drafts.append(draft)
                    ids.append(draft.question.id)
            sections.append(Section(section_id, title or section_id, tuple(ids), intro))
        return tuple(sections), drafts

    def _question(self, node: yaml.Node, section: str, seen_ids: dict[str, int]) -> _Draft | None:
        fields = self.r.mapping(
            node, _question_where(node, section), ("id", "type", "text", "sources"), QUESTION_KEYS
        )
        if not fields or "id" not in fields:
            return None
        qid = self.r.identifier(fields["id"], f"section '{section}'", "question id")
        if qid is None:
            return None
        where = f"question '{qid}'"
        if qid in seen_ids:
            self.r.problem(
                fields["id"],
                where,
                f"duplicate question id '{qid}' (first at line {seen_ids[qid]})",
            )
            return None
        seen_ids[qid] = line_of(fields["id"])
        if qid in SCORE_SUBJECTS:
            self.r.problem(
                fields["id"], where, f"'{qid}' is the name of a score; choose another id"
            )
        qtype = self._question_type(fields, where)
        text = self.r.text(fields["text"], where, "text") if "text" in fields else None
        sources = self._source_refs(fields["sources"], where) if "sources" in fields else ()
        if qtype is None:  # (a missing text is reported; the question stays, for its conditions)
            return None
        choices = self._choices(fields["choices"], where) if "choices" in fields else ()
        if qtype.has_choices and "choices" not in fields:
            self.r.problem(fields["id"], where, f"{_a(qtype.value)} question needs choices")
        elif not qtype.has_choices and "choices" in fields:
            self.r.problem(
                fields["choices"],
                where,
                f"{_a(qtype.value)} question takes no choices "
                "(choices are for single_choice and multi_choice)",
            )
        minimum, maximum = self._range(fields, qtype, where)
        question = Question(
            id=qid,
            section=section,
            type=qtype,
            text=text or "",
            line=line_of(fields["id"]),
            help=self.r.text(fields["help"], where, "help") if "help" in fields else None,
            choices=choices,
            required=self.r.boolean(fields["required"], where, "required") is not False
            if "required" in fields
            else True,
            sources=sources,
            minimum=minimum,
            maximum=maximum,
            unit=self.r.text(fields["unit"], where, "unit") if "unit" in fields else None,
            scale=self._scale(fields, qtype, choices, where),
        )
        return _Draft(fields, question)

    def _question_type(self, fields: dict[str, yaml.Node], where: str) -> QuestionType | None:
        if "type" not in fields:
            return None
        raw = str(fields["type"].value) if isinstance(fields["type"], yaml.ScalarNode) else ""
        try:
            return QuestionType(raw)
        except ValueError:
            self.r.problem(fields["type"], where, f"unknown type '{raw}' (allowed: {TYPES})")
            return None

    def _range(
        self, fields: dict[str, yaml.Node], qtype: QuestionType, where: str
    ) -> tuple[float | None, float | None]:
        if not qtype.is_numeric:
            for key in ("min", "max"):
                if key in fields:
                    self.r.problem(
                        fields[key], where, f"{key} is only for integer and number questions"
                    )
            return None, None
        integer = qtype is QuestionType.INTEGER
        bounds: list[float | int | None] = []
        for key in ("min", "max"):
            if key not in fields:
                self.r.problem(fields["type"], where, f"{_a(qtype.value)} question needs {key}")
                bounds.append(None)
            else:
                bounds.append(self.r.number(fields[key], where, key, integer=integer))
        low, high = bounds
        if low is not None and high is not None and low > high:
            self.r.problem(fields["max"], where, f"min ({low}) must be ≤ max ({high})")
        return low, high

    def _scale(
        self,
        fields: dict[str, yaml.Node],
        qtype: QuestionType,
        choices: tuple[Choice, ...],
        where: str,
    ) -> ScoreScale | None:
        if "score_as" not in fields:
            return None
        raw = (
            str(fields["score_as"].value) if isinstance(fields["score_as"], yaml.ScalarNode) else ""
        )
        try:
            scale = ScoreScale(raw)
        except ValueError:
            allowed = ", ".join(s.value for s in ScoreScale)
            self.r.problem(
                fields["score_as"], where, f"unknown score_as '{raw}' (allowed: {allowed})"
            )
            return None
        if qtype is QuestionType.SINGLE_CHOICE and any(c.points is None for c in choices):
            self.r.problem(fields["score_as"], where, "score_as needs points on every choice")
        elif qtype not in (QuestionType.SINGLE_CHOICE, QuestionType.YES_NO):
            self.r.problem(
                fields["score_as"],
                where,
                "score_as is for single_choice (with points) "
                f"or yes_no questions, not {qtype.value}",
            )
        return scale

    def _with_condition(self, position: int, draft: _Draft, parser: ConditionParser) -> Question:
        question = draft.question
        if "when" not in draft.node:
            return question
        when = parser.parse(draft.node["when"], f"question '{question.id}'", asked_at=position)
        if when is None:
            return question
        return replace(question, when=when, asked_if=compile_condition(when))

    # -- definitions, tiers and rules ----------------------------------------------------------

    def _definitions(self, node: yaml.Node, parser: ConditionParser) -> None:
        for key_node, value in self.r.named_mapping(node, "definitions"):
            name = str(key_node.value)
            where = f"definition '{name}'"
            if name in parser.questions or name in SCORE_SUBJECTS:
                self.r.problem(key_node, where, f"'{name}' is already a question or score name")
                continue
            condition: Condition | None = parser.parse(value, where)
            if condition is not None:
                parser.definitions[name] = condition

    def _tiers(self, node: yaml.Node) -> tuple[Tier, ...]:
        tiers: list[Tier] = []
        for item in self.r.sequence(node, "tiers", "tiers"):
            fields = self.r.mapping(
                item,
                "tier",
                ("id", "title", "urgency", "action", "options", "watch_for", "sources"),
                ("risks", "evidence_notes"),
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
                o for o in (self._option(n, where) for n in option_nodes) if o is not None
            )
            lists = {
                k: self.r.texts(fields[k], where, k)
                for k in ("watch_for", "risks", "evidence_notes")
                if k in fields
            }
            sources = self._source_refs(fields["sources"], where) if "sources" in fields else ()
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
                )
            )
        return tuple(tiers)

    def _option(self, node: yaml.Node, where: str) -> TierOption | None:
        fields = self.r.mapping(node, where, ("name", "description", "source"), ("evidence",))
        if not fields or len(fields.keys() & {"name", "description", "source"}) < 3:
            return None
        name = self.r.text(fields["name"], where, "option name")
        description = self.r.text(fields["description"], where, "option description")
        source = self._source_ref(fields["source"], where)
        evidence = (
            self.r.text(fields["evidence"], where, "evidence") if "evidence" in fields else None
        )
        if name is None or description is None or source is None:
            return None
        return TierOption(name, description, source, evidence)

    def _rules(
        self, node: yaml.Node, parser: ConditionParser, tier_ids: set[str]
    ) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        seen: dict[str, int] = {}
        for item in self.r.sequence(node, "rules", "rules"):
            fields = self.r.mapping(
                item, "rule", ("id", "tier", "reason", "sources", "when"), ("red_flag",)
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
            sources = self._source_refs(fields["sources"], where) if "sources" in fields else ()
            when = parser.parse(fields["when"], where) if "when" in fields else None
            red_flag = (
                self.r.boolean(fields["red_flag"], where, "red_flag")
                if "red_flag" in fields
                else False
            )
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
                )
            )
        return tuple(rules)
