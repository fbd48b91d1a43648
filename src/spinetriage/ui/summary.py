"""The rich summary of a result, for the terminal and for `--format text` files.

Every string from the bank or the result goes in as `Text`, never as a plain string, which rich
would read as markup: a source key such as `[nice-ng59]` would vanish as an unknown tag.

Reads well at 80 columns with and without colour: every colour has a marker or a word beside it
(▶ and "you are here" on the tier ladder, ⚠ on red flags), so nothing is said by colour alone.
Pass the bank to show the ladder of all tiers and answers in words; without it the summary
falls back to what the result carries.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..bank.model import Questionnaire
from ..conditions.values import AnswerValue
from ..scoring.result import Reason, Result
from .wording import (
    evidence_label,
    made_at_text,
    number_text,
    recovery_line,
    score_lines,
    source_keys,
    source_text,
    subject_label,
)

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
#: the colour of each rung of the ladder, most urgent first
RUNG_COLOURS = ("red", "red", "magenta", "magenta", "yellow", "yellow", "green", "cyan")
#: an answer longer than this goes on a line of its own under its question
MAX_ANSWER_WIDTH = 30


def urgency_style(rank: int) -> str:
    return URGENCY_STYLES[min(rank, len(URGENCY_STYLES) - 1)]


def rung_colour(rank: int) -> str:
    return RUNG_COLOURS[min(rank, len(RUNG_COLOURS) - 1)]


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def _headline(result: Result, note: str | None) -> Panel:
    style = urgency_style(result.urgency_rank)
    body = Text.assemble(
        (f" {result.tier_title.upper()} ", style), f"  urgency: {result.urgency}\n"
    )
    body.append(result.action, style="bold")
    for action in result.actions:
        body.append(f"\n{action}", style="bold")
    if note:
        body.append(f"\n\n{note}", style="italic")
    border = rung_colour(result.urgency_rank)
    return Panel(
        body,
        title="spinetriage result",
        title_align="left",
        subtitle=Text(f"made {made_at_text(result.made_at)}"),
        subtitle_align="right",
        border_style=border,
    )


def _ladder(result: Result, bank: Questionnaire) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=1)
    grid.add_column(width=1)
    grid.add_column()  # the tier's title: it wraps rather than being cut
    grid.add_column(no_wrap=True)
    grid.add_column()  # wraps: "also matched, if you change your mind" is said in full

    def title(text: str, style: str = "") -> Padding:
        # one space more after the title: every urgency has at least two before it
        return Padding(Text(text, style=style), (0, 1, 0, 0))

    grid.add_row("", "", Text("most urgent", style="dim"))
    for rank, tier in enumerate(bank.tiers):
        rung = Text("┃", style=rung_colour(rank))
        if tier.id == result.tier:
            grid.add_row(
                rung,
                Text("▶", style="bold"),
                title(tier.title, urgency_style(rank)),
                Text(tier.urgency, style="bold"),
                Text("◀ you are here", style="bold"),
            )
        elif tier.id in result.matched_tiers:
            also = (
                "also matched, if you change your mind"
                if tier.id in result.set_aside_tiers
                else "also matched"
            )
            grid.add_row(rung, "·", title(tier.title), Text(tier.urgency), Text(also, style="dim"))
        else:
            grid.add_row(rung, "", title(tier.title, "dim"), Text(tier.urgency, style="dim"))
    grid.add_row("", "", Text("least urgent", style="dim"))
    return grid


def _value_text(value: AnswerValue | None) -> str:
    """An answer without the bank: codes as they are."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, frozenset):
        return ", ".join(sorted(value)) or "none"
    if isinstance(value, (int, float)):
        return number_text(value)
    return value


class _AnswerLines:
    """Each question with its answer beside it, the question wrapping in its column (nothing is
    cut); an answer too long to sit beside its question goes on lines of its own under it."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.rows:  # a rule that holds for everyone on its pathway has no findings
            return
        width = options.max_width
        short = [answer for _, answer in self.rows if len(answer) <= MAX_ANSWER_WIDTH]
        answer_width = max(map(len, short), default=0)
        widest = max(len(question) for question, _ in self.rows)
        question_width = max(min(widest, width - answer_width - 2), 8)
        for question, answer in self.rows:
            if len(answer) > MAX_ANSWER_WIDTH:
                yield Text(question, style="dim")
                yield Padding(Text(answer, style="bold"), (0, 0, 0, 4))
                continue
            # one grid a row, with the same column widths: the answers line up
            row = Table.grid(padding=(0, 2))
            row.add_column(width=question_width, style="dim")
            row.add_column(width=answer_width, style="bold")
            row.add_row(Text(question), Text(answer))
            yield row


def _evidence(reason: Reason, bank: Questionnaire | None) -> _AnswerLines:
    return _AnswerLines(
        [
            (subject, _value_text(value))
            if bank is None
            else (subject_label(bank, subject), evidence_label(bank, subject, value))
            for subject, value in reason.evidence
        ]
    )


def _reason_rows(
    reasons: Iterable[Reason], bank: Questionnaire | None, with_answers: bool = True
) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    for reason in reasons:
        marker = Text("⚠", style="bold red") if reason.red_flag else Text("•")
        head = Text(reason.text, style="bold" if reason.red_flag else "")
        label = "warning sign; " if reason.red_flag else ""
        head.append(f" ({label}sources: {source_keys(reason.sources)})", style="dim")
        if reason.evidence_note:
            head.append("\nEvidence note: ", style="bold italic")
            head.append(reason.evidence_note, style="italic")
        grid.add_row(marker, Group(head, _evidence(reason, bank)) if with_answers else head)
    return grid


def _tier_title(bank: Questionnaire | None, tier_id: str) -> str:
    return bank.tier(tier_id).title if bank is not None else tier_id


def _reasons(result: Result, bank: Questionnaire | None) -> list[RenderableType]:
    own = [r for r in result.reasons if r.tier == result.tier]
    others = [r for r in result.reasons if r.tier != result.tier]
    parts: list[RenderableType] = [
        _heading("Why"),
        Text("The answers behind each reason are shown under it.", style="dim"),
        _reason_rows(own, bank),
    ]
    if others:
        parts.append(_heading("Also matched"))
        for tier_id in dict.fromkeys(r.tier for r in others):
            title = _tier_title(bank, tier_id)
            if tier_id in result.set_aside_tiers:
                title += " (if you change your mind about surgery)"
            parts.append(Text(title, style="bold"))
            same_tier = (r for r in others if r.tier == tier_id)
            parts.append(_reason_rows(same_tier, bank, with_answers=False))
    return parts


def _options(result: Result) -> list[RenderableType]:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    for option in result.options:
        body = Text(option.name, style="bold")
        body.append(f"\n{option.description}")
        body.append(f"\nSource: {option.source_title} [{option.source}]", style="dim")
        if option.evidence:
            body.append("\nEvidence note: ", style="bold italic")
            body.append(option.evidence, style="italic")
        grid.add_row("•", body)
    parts: list[RenderableType] = [_heading(f"Options: {result.tier_title}"), grid]
    if result.risks:
        parts += [_heading("Risks to discuss"), _bullets(result.risks)]
    if result.evidence_notes:
        parts += [
            _heading("What the evidence says"),
            _bullets(result.evidence_notes, style="italic"),
        ]
    return parts


def _bullets(items: Iterable[str | Text], style: str = "") -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(ratio=1)
    for item in items:
        grid.add_row("•", item if isinstance(item, Text) else Text(item, style=style))
    return grid


def _scores(result: Result) -> list[RenderableType]:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(ratio=1)
    for name, value in score_lines(result.scores):
        grid.add_row(Text(name), Text(value))
    parts: list[RenderableType] = [_heading("Scores"), Padding(grid, (0, 0, 0, 2))]
    if result.recovery is not None:
        parts += [_heading("Recovery after surgery"), _bullets([recovery_line(result.recovery)])]
    return parts


def _sources(result: Result) -> Table:
    return _bullets(Text.assemble(f"[{s.key}] ", (source_text(s), "dim")) for s in result.sources)


def summary_renderable(
    result: Result, bank: Questionnaire | None = None, note: str | None = None
) -> Group:
    """The whole summary; `note` (such as "you stopped early") is shown in the headline."""
    parts: list[RenderableType] = [_headline(result, note)]
    if bank is not None:
        parts += [_heading("Where you stand"), _ladder(result, bank)]
    parts += _reasons(result, bank)
    parts += _options(result)
    parts += _scores(result)
    if result.watch_for:
        parts += [_heading("Watch for"), _bullets(result.watch_for)]
    parts += [
        _heading("Sources"),
        _sources(result),
        Text(""),
        Panel(Text(result.disclaimer), title="Please note", title_align="left"),
        Text(
            f"Question bank {result.bank.id} {result.bank.version}",
            style="dim",
            justify="right",
        ),
    ]
    return Group(*parts)


def render_text(
    result: Result,
    bank: Questionnaire | None = None,
    width: int = 80,
    color: bool = False,
    note: str | None = None,
) -> str:
    """The summary as text (no colour by default): for files and golden tests."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        emoji=False,
        force_terminal=color,
    )
    console.print(summary_renderable(result, bank, note))
    text = buffer.getvalue()
    # rich pads table rows to the full width: no trailing spaces in a file
    return text if color else "\n".join(line.rstrip() for line in text.split("\n"))


def print_summary(
    result: Result,
    bank: Questionnaire | None = None,
    no_color: bool = False,
    console: Console | None = None,
    note: str | None = None,
) -> None:
    """Print to the terminal (or `console`); NO_COLOR and --no-color turn colour off.

    Piped or redirected, it prints the plain text of `render_text` (80 columns, no colour, no
    trailing spaces), the same as a `--format text` file.
    """
    console = console or Console(no_color=no_color or None, highlight=False, emoji=False)
    if not console.is_terminal:
        console.file.write(render_text(result, bank, note=note))
        return
    console.print(summary_renderable(result, bank, note))
