"""The result as Markdown: the same parts as the terminal summary, for notes and records."""

from __future__ import annotations

import re

from ..bank.model import Questionnaire
from ..scoring.result import STOPPED_EARLY, Reason, Result
from .wording import (
    evidence_label,
    made_at_text,
    recovery_line,
    score_lines,
    source_keys,
    source_text,
    subject_label,
)

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")


def escape(text: str) -> str:
    """Text that Markdown shows as written (no accidental emphasis, links or table cells)."""
    return _SPECIAL.sub(r"\\\1", text)


def _reason(reason: Reason, bank: Questionnaire | None, with_answers: bool) -> list[str]:
    flag = "warning sign; " if reason.red_flag else ""
    text = f"**{escape(reason.text)}**" if reason.red_flag else escape(reason.text)
    lines = [f"- {text} ({flag}sources: {escape(source_keys(reason.sources))})"]
    if reason.evidence_note:
        lines.append(f"  - *Evidence note: {escape(reason.evidence_note)}*")
    if with_answers:
        for subject, value in reason.evidence:
            if bank is None:
                lines.append(f"  - {escape(subject)}: {escape(str(value))}")
            else:
                lines.append(
                    f"  - {escape(subject_label(bank, subject))} "
                    f"**{escape(evidence_label(bank, subject, value))}**"
                )
    return lines


def _ladder(result: Result, bank: Questionnaire) -> list[str]:
    lines = ["| | Tier (most urgent first) | Urgency | |", "|---|---|---|---|"]
    for tier in bank.tiers:
        if tier.id == result.tier:
            row = f"| ▶ | **{escape(tier.title)}** | **{escape(tier.urgency)}** | you are here |"
        elif tier.id in result.matched_tiers:
            also = "also matched" + (
                ", if you change your mind" if tier.id in result.set_aside_tiers else ""
            )
            row = f"| · | {escape(tier.title)} | {escape(tier.urgency)} | {also} |"
        else:
            row = f"| | {escape(tier.title)} | {escape(tier.urgency)} | |"
        lines.append(row)
    return lines


def _scores(result: Result) -> list[str]:
    rows = [f"| {escape(name)} | {escape(value)} |" for name, value in score_lines(result.scores)]
    return ["| Score | Value |", "|---|---|", *rows]


def render_markdown(result: Result, bank: Questionnaire | None = None) -> str:
    out = [
        f"# spinetriage result: {escape(result.tier_title)}",
        "",
        f"**Urgency: {escape(result.urgency)}.** {escape(result.action)}",
        *(f"**{escape(action)}**" for action in result.actions),
        "",
        f"*Made {escape(made_at_text(result.made_at))}.*",
    ]
    if result.stopped_early:
        out += ["", f"*{STOPPED_EARLY}*"]
    if bank is not None:
        out += ["", "## Where you stand", "", *_ladder(result, bank)]
    out += ["", "## Why", ""]
    for reason in (r for r in result.reasons if r.tier == result.tier):
        out += _reason(reason, bank, with_answers=True)
    others = [r for r in result.reasons if r.tier != result.tier]
    if others:
        out += ["", "## Also matched", ""]
        for reason in others:
            tier = bank.tier(reason.tier).title if bank is not None else reason.tier
            if reason.tier in result.set_aside_tiers:
                tier += " (if you change your mind about surgery)"
            out += [f"- {escape(tier)}: {_reason(reason, bank, with_answers=False)[0][2:]}"]
    out += ["", f"## Options: {escape(result.tier_title)}", ""]
    for option in result.options:
        out.append(f"- **{escape(option.name)}**: {escape(option.description)}")
        out.append(f"  - Source: {escape(option.source_title)} \\[{escape(option.source)}\\]")
        if option.evidence:
            out.append(f"  - *Evidence note: {escape(option.evidence)}*")
    if result.risks:
        out += ["", "## Risks to discuss", "", *(f"- {escape(r)}" for r in result.risks)]
    if result.evidence_notes:
        notes = [f"- {escape(n)}" for n in result.evidence_notes]
        out += ["", "## What the evidence says", "", *notes]
    out += ["", "## Scores", "", *_scores(result)]
    if result.recovery is not None:
        out += ["", "## Recovery after surgery", "", f"- {escape(recovery_line(result.recovery))}"]
    if result.watch_for:
        out += ["", "## Watch for", "", *(f"- {escape(w)}" for w in result.watch_for)]
    out += ["", "## Sources", ""]
    out += [f"- \\[{escape(s.key)}\\] {escape(source_text(s))}" for s in result.sources]
    out += [
        "",
        "## Please note",
        "",
        f"> {escape(result.disclaimer)}",
        "",
        f"*Question bank {escape(result.bank.id)} {escape(result.bank.version)}*",
        "",
    ]
    return "\n".join(out)
