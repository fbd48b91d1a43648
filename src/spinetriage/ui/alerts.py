"""Warning signs on the terminal: the alert as the person answers, and the advice that must stay
on their screen whatever happens next (a result sent to a file or a pipe, Ctrl-C or Ctrl-D).

One panel for all three, built from an `Advice`: the tier's title, the signs (rule reasons), and
what to do (the rules' own actions, as the result gives them, or the tier's). The bank's words
go in as `Text`, never as rich markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..bank.model import Questionnaire
from ..interview import Alert, alert_tiers
from ..scoring.result import Result

#: the colour of an alert's border and title: red for the most urgent tier, yellow otherwise
MOST_URGENT_COLOUR = "red"
URGENT_COLOUR = "yellow"


@dataclass(frozen=True, slots=True)
class Advice:
    """What the person must be told: the tier, the warning signs behind it and what to do."""

    title: str
    #: the bank's most urgent tier (an emergency): nothing can make it more urgent
    most_urgent: bool
    signs: tuple[str, ...]
    #: what to do, the first first: as the result will say it (scoring.decision)
    actions: tuple[str, ...]

    @classmethod
    def of_alert(cls, alert: Alert) -> Advice:
        # the rules of the most urgent tier say what to do for what they found; else the tier
        own = (r.action for r in alert.rules if r.tier == alert.tier.id and r.action)
        actions = tuple(dict.fromkeys(own)) or (alert.tier.action,)
        signs = tuple(r.reason for r in alert.rules)
        return cls(alert.tier.title, alert.rank == 0, signs, actions)

    @classmethod
    def of_result(cls, result: Result, bank: Questionnaire) -> Advice | None:
        """The advice of a result in an alert tier (emergency, urgent); None for any other."""
        if result.tier not in {tier.id for tier in alert_tiers(bank)}:
            return None
        signs = tuple(r.text for r in result.reasons if r.tier == result.tier)
        actions = (result.action, *result.actions)
        return cls(result.tier_title, result.urgency_rank == 0, signs, actions)

    @property
    def colour(self) -> str:
        return MOST_URGENT_COLOUR if self.most_urgent else URGENT_COLOUR


def _what_it_is(advice: Advice, just_answered: bool) -> str:
    """The panel's first line: the answer just given is a sign, or the answers hold signs."""
    many = len(advice.signs) > 1
    if just_answered and advice.most_urgent:
        return "Your answer can be a sign of a medical emergency:"
    if just_answered:
        return "Your answer is a warning sign that a doctor should check soon:"
    if advice.most_urgent:
        signs = "signs" if many else "a sign"
        return f"Your answers include {signs} of a possible medical emergency:"
    signs = "warning signs" if many else "a warning sign"
    return f"Your answers include {signs} that a doctor should check soon:"


def advice_panel(advice: Advice, closing: str = "", just_answered: bool = False) -> Panel:
    """The signs, then what to do in bold, then `closing` (what happens next), in a panel titled
    with the tier; `just_answered`: the panel follows the answer that is a sign."""
    signs = Table.grid(padding=(0, 1))
    signs.add_column(width=1)
    signs.add_column()  # a long sign wraps under its own first word, not under the bullet
    for sign in advice.signs:
        signs.add_row("•", Text(sign))
    parts: list[RenderableType] = [Text(_what_it_is(advice, just_answered)), Text(""), signs]
    parts += [Text(""), *(Text(action, style="bold") for action in advice.actions)]
    if closing:
        parts += [Text(""), Text(closing)]
    title = Text(f"⚠ {advice.title}")
    return Panel(Group(*parts), title=title, title_align="left", border_style=advice.colour)


def print_advice(console: Console, advice: Advice) -> None:
    """The advice on the normal screen, where it stays after the program ends."""
    console.print(advice_panel(advice))
