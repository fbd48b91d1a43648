"""Parse conditions from YAML nodes, checking every name, code and value against the bank."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import yaml

from .tree import All, Any_, Condition, Leaf, Not, Op, Ref, leaves
from .values import AnswerValue, QuestionType

COMBINATORS = ("all", "any", "not", "ref")
OPERATORS = tuple(op.value for op in Op)
VOCABULARY = (
    "a condition is one of: all: [...], any: [...], not: {...}, ref: NAME, or "
    "{question: ID, OP: VALUE} / {score: NAME, OP: VALUE} with OP one of " + ", ".join(OPERATORS)
)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a condition may look at: a question (with its place in the bank) or a score."""

    type: QuestionType
    codes: tuple[str, ...] = ()
    position: int | None = None
    line: int | None = None


class Reader(Protocol):
    """Typed reads from YAML nodes that record a problem (file, line) rather than raise.

    The bank's NodeReader is one; the parser needs only these, so the language does not depend
    on the bank that uses it.
    """

    def problem(self, node: yaml.Node | None, where: str, message: str) -> None: ...

    def sequence(self, node: yaml.Node, where: str, what: str) -> list[yaml.Node]: ...

    def boolean(self, node: yaml.Node, where: str, what: str) -> bool | None: ...

    def number(
        self, node: yaml.Node, where: str, what: str, integer: bool = False
    ) -> float | int | None: ...


class ConditionParser:
    def __init__(
        self,
        reader: Reader,
        questions: dict[str, Subject],
        scores: dict[str, Subject],
        definitions: dict[str, Condition],
    ) -> None:
        self.reader = reader
        self.questions = questions
        self.scores = scores
        self.definitions = definitions

    def parse(self, node: yaml.Node, where: str, asked_at: int | None = None) -> Condition | None:
        """A condition, or None after recording problems.

        `asked_at`: parsing the `when` of the question at this position, so only earlier
        questions (and no scores, which exist only after the interview) may be named.
        """
        condition = self._parse(node, where)
        if condition is not None and asked_at is not None:
            self._check_order(condition, node, where, asked_at)
        return condition

    def _parse(self, node: yaml.Node, where: str) -> Condition | None:
        if not isinstance(node, yaml.MappingNode) or not node.value:
            self.reader.problem(node, where, f"not a condition: {VOCABULARY}")
            return None
        keys = [str(k.value) for k, _ in node.value]
        combinator = [k for k in keys if k in COMBINATORS]
        if combinator:
            if len(keys) != 1:
                self.reader.problem(
                    node,
                    where,
                    f"'{combinator[0]}' must stand alone in its "
                    f"mapping; found keys {', '.join(keys)}",
                )
                return None
            return self._combination(keys[0], node.value[0][1], where)
        return self._leaf(node, keys, where)

    def _combination(self, key: str, value: yaml.Node, where: str) -> Condition | None:
        if key == "not":
            inner = self._parse(value, where)
            return Not(inner) if inner is not None else None
        if key == "ref":
            name = str(value.value) if isinstance(value, yaml.ScalarNode) else ""
            if name not in self.definitions:
                known = ", ".join(self.definitions) or "none defined above"
                self.reader.problem(
                    value, where, f"ref names unknown definition '{name}' (known: {known})"
                )
                return None
            return Ref(name, self.definitions[name])
        items = self.reader.sequence(value, where, f"'{key}'")
        parsed = [self._parse(item, where) for item in items]
        if any(p is None for p in parsed):
            return None
        conditions = tuple(p for p in parsed if p is not None)
        return All(conditions) if key == "all" else Any_(conditions)

    def _leaf(self, node: yaml.MappingNode, keys: list[str], where: str) -> Condition | None:
        values = {str(k.value): v for k, v in node.value}
        subjects = [k for k in keys if k in ("question", "score")]
        ops = [k for k in keys if k in OPERATORS]
        unknown = [k for k in keys if k not in ("question", "score", *OPERATORS)]
        if unknown or len(subjects) != 1 or len(ops) != 1:
            detail = f"unknown key '{unknown[0]}'" if unknown else f"found keys {', '.join(keys)}"
            self.reader.problem(node, where, f"not a condition ({detail}): {VOCABULARY}")
            return None
        kind, op_name = subjects[0], ops[0]
        name_node = values[kind]
        name = str(name_node.value) if isinstance(name_node, yaml.ScalarNode) else ""
        table = self.questions if kind == "question" else self.scores
        subject = table.get(name)
        if subject is None:
            known = "" if kind == "question" else f" (known scores: {', '.join(self.scores)})"
            self.reader.problem(name_node, where, f"condition names unknown {kind} '{name}'{known}")
            return None
        op = Op(op_name)
        value = self._operand(op, values[op_name], subject, f"{kind} '{name}'", where)
        if value is None:
            return None
        return Leaf(name, op, value, is_score=kind == "score")

    def _operand(
        self, op: Op, node: yaml.Node, subject: Subject, label: str, where: str
    ) -> AnswerValue | tuple[AnswerValue, ...] | None:
        kind = subject.type
        if op is Op.ANSWERED:
            return self.reader.boolean(node, where, "answered")
        if op in (Op.AT_LEAST, Op.AT_MOST):
            if not kind.is_numeric:
                self.reader.problem(
                    node,
                    where,
                    f"{op.value} needs a numeric {label}; it is {kind.value} (use equals or in)",
                )
                return None
            return self.reader.number(node, where, op.value)
        if op is Op.INCLUDES:
            if kind is not QuestionType.MULTI_CHOICE:
                self.reader.problem(
                    node,
                    where,
                    f"includes needs a multi_choice {label}; it is {kind.value} (use equals or in)",
                )
                return None
            return self._scalar(node, subject, label, where)
        if kind is QuestionType.MULTI_CHOICE:
            self.reader.problem(
                node,
                where,
                f"{op.value} cannot test multi_choice {label}; use "
                "includes (with any/all to combine codes)",
            )
            return None
        if op is Op.IN:
            items = self.reader.sequence(node, where, "in")
            parsed = [self._scalar(item, subject, label, where) for item in items]
            if not items or any(p is None for p in parsed):
                if not items and isinstance(node, yaml.SequenceNode):  # else: not a list
                    self.reader.problem(node, where, "in needs at least one value")
                return None
            return tuple(p for p in parsed if p is not None)
        return self._scalar(node, subject, label, where)

    def _scalar(
        self, node: yaml.Node, subject: Subject, label: str, where: str
    ) -> AnswerValue | None:
        kind = subject.type
        if kind.has_choices:
            code = str(node.value) if isinstance(node, yaml.ScalarNode) else None
            if code not in subject.codes:
                self.reader.problem(
                    node,
                    where,
                    f"'{code}' is not a choice of {label} (allowed: {', '.join(subject.codes)})",
                )
                return None
            return code
        if kind is QuestionType.YES_NO:
            return self.reader.boolean(node, where, f"the value for yes/no {label}")
        return self.reader.number(
            node, where, f"the value for {label}", integer=kind is QuestionType.INTEGER
        )

    def _check_order(
        self, condition: Condition, node: yaml.Node, where: str, asked_at: int
    ) -> None:
        for leaf in leaves(condition):
            if leaf.is_score:
                self.reader.problem(
                    node,
                    where,
                    f"`when` cannot use score '{leaf.subject}': "
                    "scores exist only after the interview",
                )
                continue
            subject = self.questions[leaf.subject]
            if subject.position is not None and subject.position >= asked_at:
                self.reader.problem(
                    node,
                    where,
                    f"condition on question '{leaf.subject}', which "
                    f"is asked later (line {subject.line}); a `when` may only "
                    "use questions asked before it",
                )
