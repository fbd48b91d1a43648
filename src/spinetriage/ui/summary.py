"""The rich summary of a result, for the terminal and for `--format text` files."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..result import Result

URGENCY_STYLES = (
    "bold white on red",
    "bold red",
    "bold magenta",
    "bold magenta",
    "bold yellow",
    "bold yellow",
    "bold green",
    "bold cyan",
)


def _style(result: Result) -> str:
    return URGENCY_STYLES[min(result.urgency_rank, len(URGENCY_STYLES) - 1)]


def _answer_text(value: object) -> str:
    if value is None:
        return "unanswered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    return str(value)


def summary_renderable(result: Result) -> Group:
    headline = Text.assemble(
        (f" {result.tier_title.upper()} ", _style(result)), f"  {result.action}"
    )
    parts: list[object] = [
        Panel(headline, title="spinetriage", subtitle=f"urgency: {result.urgency}")
    ]
    reasons = Table.grid(padding=(0, 1))
    for reason in result.reasons:
        because = "; ".join(f"{k} = {_answer_text(v)}" for k, v in reason.evidence)
        reasons.add_row(
            "•",
            Text(f"{reason.text}\n", style="bold" if reason.red_flag else "")
            + Text(f"because {because} [{', '.join(reason.sources)}]", style="dim"),
        )
    parts += [Text("\nWhy", style="bold underline"), reasons]
    options = Table.grid(padding=(0, 1))
    for option in result.options:
        body = Text(f"{option.name}: ", style="bold") + Text(
            f"{option.description} [{option.source}]"
        )
        if option.evidence:
            body += Text(f"\nEvidence note: {option.evidence}", style="italic")
        options.add_row("•", body)
    parts += [Text("\nOptions", style="bold underline"), options]
    s = result.scores
    scores = (
        f"pain now {s.pain_now}/10, worst {s.pain_worst}/10 · disability "
        f"{s.disability_percent}% ({s.disability_band}) · duration {s.duration_weeks} weeks "
        f"({s.duration_band}) · psychosocial risk {s.psychosocial_risk} · treatments that did "
        f"not help: {s.failed_treatment_count}"
    )
    parts += [Text("\nScores", style="bold underline"), Text(scores)]
    if result.watch_for:
        parts += [
            Text("\nWatch for", style="bold underline"),
            Text("\n".join(f"• {w}" for w in result.watch_for)),
        ]
    parts += [
        Text("\nSources", style="bold underline"),
        Text("\n".join(f"[{s.key}] {s.title} ({s.citation})" for s in result.sources), style="dim"),
    ]
    parts += [Text(""), Panel(Text(result.disclaimer), title="Please note", border_style="dim")]
    return Group(*parts)  # type: ignore[arg-type]


def render_text(result: Result, width: int = 80, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
    )
    console.print(summary_renderable(result))
    return buffer.getvalue()


def print_summary(result: Result, no_color: bool = False) -> None:
    Console(no_color=no_color or None, highlight=False, emoji=False).print(
        summary_renderable(result)
    )
