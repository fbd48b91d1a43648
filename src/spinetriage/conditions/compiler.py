"""Conditions compiled to Python functions once, so scoring many answer sets walks no trees.

`evaluate` in tree.py is the reference; the functions built here must always agree with it
(tests check this for every condition of the bank over generated answers). They are built from
fixed templates, one per node kind: no text from the bank is ever part of the generated source.
Every subject, value and item is passed in as a named constant (`_0`, `_1`, ...), so a question id
or a code can hold any character without changing what runs.

- `compile_condition(c)`: one predicate, answers -> bool (a question's `when`, a rule's `when`).
- `compile_selection(pairs)`: one function for many conditions, (answers, Scores) -> the items
  whose condition holds, in order (and the kinds among them); each definition (`ref`) they use
  is tested once per call. This is how a bank's rules are matched: about three times faster
  than one predicate per rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from .tree import All, Any_, Condition, Leaf, Not, Op, Predicate, Ref, leaf_holds, leaves
from .values import Answers

T = TypeVar("T")


def compile_condition(condition: Condition) -> Predicate:
    """`predicate(answers)`: whether the condition holds, as `evaluate` says."""
    # a lone leaf (most `when`s) reads its one answer without binding answers.get first
    source = _Source(bind_get=len(list(leaves(condition))) > 1)
    expression = source.expression(condition)
    # every template gives a bool: `is`, `in`, `==` on answers, isinstance chains, not/and/or
    predicate: Predicate = source.function("predicate", [f"return {expression}"])
    return predicate


def compile_selection(
    pairs: Sequence[tuple[T, Condition]], kind_of: Callable[[T], int] = lambda item: 0
) -> Callable[[Answers, object], tuple[list[T], int]]:
    """`select(answers, scores)`: the items whose condition holds, in the order given, and the
    kinds among them, as an int with bit `kind_of(item)` set for each (a rule's kind: its
    tier's rank, so the tiers matched are known without a look at the rules).

    Conditions read questions from `answers` and a score (`{score: NAME, ...}`) as the attribute
    NAME of `scores` (None: unknown, like an unanswered question), so scoring need not merge the
    two; `evaluate` sees them merged into one mapping.
    """
    source = _Source(share_definitions=True, separate_scores=True)
    tests = [
        (source.constant(item), 1 << kind_of(item), source.expression(condition))
        for item, condition in pairs
    ]
    body = [
        *source.binding_lines,
        *source.definition_lines,
        "found = []",
        "kinds = 0",
        *(f"if {test}: found.append({item}); kinds |= {bit}" for item, bit, test in tests),
        "return found, kinds",
    ]
    select: Callable[[Answers, object], tuple[list[T], int]] = source.function("select", body)
    return select


class _Source:
    """Python source for conditions, and the constants it names."""

    def __init__(
        self, share_definitions: bool = False, bind_get: bool = True, separate_scores: bool = False
    ) -> None:
        self.constants: dict[str, object] = {"leaf_holds": leaf_holds}
        self.share_definitions = share_definitions
        self.get = "get" if bind_get else "answers.get"
        #: read scores from the attributes of a second argument, `scores`
        self.separate_scores = separate_scores
        #: definition name -> the local variable holding its truth (shared definitions only)
        self.locals: dict[str, str] = {}
        self.definition_lines: list[str] = []
        #: read every subject once into a local, up front (a selection tests many conditions
        #: on the same answers)
        self.bind_subjects = share_definitions
        self.subject_locals: dict[tuple[bool, str], str] = {}
        self.binding_lines: list[str] = []

    def constant(self, value: object) -> str:
        name = f"_{len(self.constants)}"
        self.constants[name] = value
        return name

    def function(self, name: str, body: list[str]) -> Callable[..., Any]:
        bind = ["get = answers.get"] if self.get == "get" else []
        arguments = "answers, scores" if self.separate_scores else "answers"
        lines = [f"def {name}({arguments}):", *(f"    {line}" for line in [*bind, *body])]
        namespace = dict(self.constants)
        exec(compile("\n".join(lines), f"<spinetriage {name}>", "exec"), namespace)
        return cast(Callable[..., Any], namespace[name])

    def expression(self, condition: Condition) -> str:
        if isinstance(condition, Leaf):
            return self._leaf(condition)
        if isinstance(condition, All):
            parts = [self.expression(c) for c in condition.items]
            return f"({' and '.join(parts)})" if parts else "True"
        if isinstance(condition, Any_):
            parts = [self.expression(c) for c in condition.items]
            return f"({' or '.join(parts)})" if parts else "False"
        if isinstance(condition, Not):
            return f"(not {self.expression(condition.item)})"
        if not self.share_definitions:
            return self.expression(condition.target)
        return self._shared(condition)

    def _shared(self, ref: Ref) -> str:
        """A definition tested once, up front, into a local (conditions have no side effects)."""
        if ref.name not in self.locals:
            expression = self.expression(ref.target)
            local = f"d{len(self.locals)}"
            self.definition_lines.append(f"{local} = {expression}")
            self.locals[ref.name] = local
        return self.locals[ref.name]

    def _leaf(self, leaf: Leaf) -> str:
        """What `leaf_holds` does, specialised for the operator and the kind of value.

        Compiled conditions read validated answers and computed scores, whose numbers are
        exactly int or float and whose choices are exactly frozensets, so a type test is an
        identity test of the class (evaluate's isinstance, without the subclasses no answer has).
        """
        answer = self._answer(leaf)
        value = leaf.value
        if leaf.op is Op.EQUALS and isinstance(value, bool):
            # True and False are singletons: `is` is equality with the same type
            return f"({answer} is {self.constant(value)})"
        if leaf.op is Op.EQUALS and isinstance(value, str):
            # no other kind of answer equals a str
            return f"({answer} == {self.constant(value)})"
        if leaf.op is Op.IN and isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            return f"({answer} in {self.constant(frozenset(value))})"
        # a read answer is named once in the expression (`x := get(...)`), a local as it is
        first, x = (answer, answer) if answer.isidentifier() else (f"(x := {answer})", "x")
        if leaf.op is Op.INCLUDES:
            kind = self.constant(frozenset)
            return f"({first}.__class__ is {kind} and {self.constant(value)} in {x})"
        if leaf.op in (Op.AT_LEAST, Op.AT_MOST):
            compare = ">=" if leaf.op is Op.AT_LEAST else "<="
            numbers = self.constant(frozenset({int, float}))
            return f"({first}.__class__ in {numbers} and {x} {compare} {self.constant(value)})"
        return f"leaf_holds({self.constant(leaf)}, {answer})"

    def _answer(self, leaf: Leaf) -> str:
        """The expression of the leaf's answer (or score); with `bind_subjects`, a local read
        once at the top of the function."""
        if leaf.is_score and self.separate_scores:
            read = f"getattr(scores, {self.constant(leaf.subject)})"
        else:
            read = f"{self.get}({self.constant(leaf.subject)})"
        if not self.bind_subjects:
            return read
        key = (leaf.is_score and self.separate_scores, leaf.subject)
        if key not in self.subject_locals:
            local = f"a{len(self.subject_locals)}"
            self.binding_lines.append(f"{local} = {read}")
            self.subject_locals[key] = local
        return self.subject_locals[key]
