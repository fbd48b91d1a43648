"""The bank's sections and questions, with their choices, ranges and scales.

Questions are read before any condition, so that a `when` can name any question; each is kept
as a `Draft` with its YAML node until the loader has the condition parser to read its `when`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import yaml

from ..conditions.compiler import compile_condition
from ..conditions.parser import ConditionParser
from ..conditions.values import QuestionType
from .model import Choice, Question, ScoreScale, Section
from .node_reader import CODE, SNAKE_ID, NodeReader
from .score_vocabulary import DERIVED_SCORES
from .sources import Sources
from .yaml_reading import line_of

QUESTION_KEYS = ("help", "choices", "required", "when", "min", "max", "unit", "score_as")
TYPES = ", ".join(t.value for t in QuestionType)


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
class Draft:
    """A question read in the first pass, before conditions can be parsed."""

    node: dict[str, yaml.Node]
    question: Question


class QuestionReader:
    """Reads `choice_sets` and `sections`, recording every problem in the node reader."""

    def __init__(self, reader: NodeReader, sources: Sources) -> None:
        self.r = reader
        self.sources = sources
        self.choice_sets: dict[str, tuple[Choice, ...]] = {}

    def read_choice_sets(self, node: yaml.Node) -> None:
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

    def sections(self, node: yaml.Node) -> tuple[tuple[Section, ...], list[Draft]]:
        sections: list[Section] = []
        drafts: list[Draft] = []
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

    def _question(self, node: yaml.Node, section: str, seen_ids: dict[str, int]) -> Draft | None:
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
        if qid in DERIVED_SCORES:
            self.r.problem(
                fields["id"], where, f"'{qid}' is the name of a score; choose another id"
            )
        qtype = self._question_type(fields, where)
        text = self.r.text(fields["text"], where, "text") if "text" in fields else None
        sources = self.sources.refs(fields["sources"], where) if "sources" in fields else ()
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
        return Draft(fields, question)

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

    def with_condition(self, position: int, draft: Draft, parser: ConditionParser) -> Question:
        question = draft.question
        if "when" not in draft.node:
            return question
        when = parser.parse(draft.node["when"], f"question '{question.id}'", asked_at=position)
        if when is None:
            return question
        return replace(question, when=when, asked_if=compile_condition(when))
