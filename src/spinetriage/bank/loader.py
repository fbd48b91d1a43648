"""Load and validate a question bank into a `Questionnaire`, reporting every problem at once.

The YAML is read safely into nodes (yaml_reading); one NodeReader records every problem with
its line; sources (sources.py), then sections and questions (question_reader.py), then
definitions, tiers and rules (rule_reader.py) are read from it, in that order.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

import yaml

from ..conditions.parser import ConditionParser, Subject
from ..errors import BankError, InvalidArgument
from .model import Questionnaire
from .node_reader import NodeReader
from .question_reader import QuestionReader
from .rule_reader import RuleReader
from .score_vocabulary import DERIVED_SCORES
from .sources import Sources
from .yaml_reading import read_nodes

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
    """Read and validate a bank (default: the packaged one). Raises BankError with every problem,
    InvalidArgument (a TypeError) when `path` is not a path."""
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise InvalidArgument(f"path must be a file path (str or Path), not {type(path).__name__}")
    bank_path = Path(path) if path is not None else default_bank_path()
    shown_as = str(path) if path is not None else "questions.yaml"
    root, raw = read_nodes(bank_path, shown_as)
    bank = _BankBuilder(NodeReader(shown_as)).build(root)
    if bank is None:
        raise BankError([])  # unreachable: build returns None only with problems
    return replace(
        bank, content_hash="sha256:" + hashlib.sha256(raw).hexdigest(), path=str(bank_path)
    )


class _BankBuilder:
    """Reads the bank in passes: sources and questions, then the conditions that name them."""

    def __init__(self, reader: NodeReader) -> None:
        self.r = reader
        self.sources = Sources(reader)
        self.questions = QuestionReader(reader, self.sources)
        self.rules = RuleReader(reader, self.sources)

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
        sources = self.sources.read(top["sources"]) if "sources" in top else ()
        if "choice_sets" in top:
            self.questions.read_choice_sets(top["choice_sets"])
        sections, drafts = (
            self.questions.sections(top["sections"]) if "sections" in top else ((), [])
        )
        subjects = {
            d.question.id: Subject(d.question.type, d.question.codes, i, d.question.line)
            for i, d in enumerate(drafts)
        }
        parser = ConditionParser(self.r, subjects, SCORE_SUBJECTS, {})
        if "definitions" in top:
            self.rules.definitions(top["definitions"], parser)
        questions = tuple(self.questions.with_condition(i, d, parser) for i, d in enumerate(drafts))
        tiers = self.rules.tiers(top["tiers"], parser) if "tiers" in top else ()
        tier_ids = {t.id for t in tiers}
        rules = self.rules.rules(top["rules"], parser, tier_ids) if "rules" in top else ()
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
