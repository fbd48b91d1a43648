"""The interactive interview: renders the state machine of interview.py with questionary and rich.

One question a screen, in the terminal's alternate screen (as full-screen programs do), so going
back redraws cleanly and the answers do not stay on screen after the interview; the summary is
printed on the normal screen afterwards. Prompts go to stdout, or to stderr when stdout is
redirected, so `spinetriage --format json > result.json` works.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..bank.model import Question, Questionnaire
from ..errors import Interrupted, NoTerminalError
from ..interview import Interview
from ..scoring.result import Result
from .output import ResultFormat, emit, save
from .prompts import (
    Nav,
    PromptIO,
    ReviewEntry,
    ask_after_emergency,
    ask_question,
    ask_review,
    key_hint,
)
from .summary import print_summary
from .wording import answer_label

CANCELLED = "Interview cancelled; nothing saved."
NO_TERMINAL = (
    "the interview needs a terminal to type in, and standard input is not one.\n"
    "To score answers without a terminal, use `spinetriage --answers FILE` "
    "(or `spinetriage batch` for many answer sets)."
)


@dataclass(frozen=True, slots=True)
class Outcome:
    result: Result
    #: set when the person stopped early after an emergency sign
    note: str | None = None


def _is_tty(stream: object) -> bool:
    try:
        return stream is not None and bool(stream.isatty())  # type: ignore[attr-defined]
    except (ValueError, OSError):  # closed
        return False


def open_terminal(no_color: bool) -> tuple[Console, PromptIO]:
    """The console and prompt I/O of the terminal, or NoTerminalError (exit 2) at once."""
    if not _is_tty(sys.stdin):
        raise NoTerminalError(NO_TERMINAL)
    stream = sys.stdout if _is_tty(sys.stdout) else sys.stderr if _is_tty(sys.stderr) else None
    if stream is None:
        raise NoTerminalError(NO_TERMINAL)
    console = Console(file=stream, no_color=no_color or None, highlight=False, emoji=False)
    output = None
    if stream is not sys.stdout:
        from prompt_toolkit.output import create_output

        output = create_output(stdout=stream)
    return console, PromptIO(output=output, color=not no_color, width=console.width)


# -- screens -------------------------------------------------------------------------------------


def _progress_bar(number: int, total: int, width: int) -> Text:
    done = round(width * (number - 1) / max(total, 1))
    return Text.assemble(("━" * done, "cyan"), ("─" * (width - done), "dim"))


def _header(title: str, where: str, hint: str, progress: Text | None) -> Group:
    top = Table.grid(expand=True)
    top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    top.add_column(justify="right", no_wrap=True)
    top.add_row(Text(title, style="bold"), Text(where, style="dim"))
    parts: list[RenderableType] = [top]
    if progress is not None:
        parts.append(progress)
    parts.append(Text(hint, style="dim"))
    return Group(*parts)


def _draw(
    console: Console,
    interview: Interview,
    notice: str | None,
    top: Sequence[RenderableType],
    below: Sequence[RenderableType] = (),
) -> int:
    """Clear the screen and draw a screen's header (the prompt goes under it); returns its
    height in lines. The emergency banner and any notice sit between `top` and `below`."""
    parts = list(top)
    if interview.alerted and interview.emergencies:
        action = interview.bank.tiers[0].action
        parts.append(Text(f"⚠ You reported an emergency sign. {action}", style="bold red"))
    if notice:
        parts.append(Text(notice, style="yellow"))
    header = Group(*parts, *below)
    console.clear()
    console.print(header)
    console.print()
    return len(console.render_lines(header, pad=False)) + 1


def _question_screen(console: Console, interview: Interview, notice: str | None) -> None:
    progress = interview.progress
    question = interview.question
    assert question is not None
    top: list[RenderableType] = []
    if progress.number == 1:
        title = f"{interview.bank.title}: it informs, it does not diagnose.\n"
        top.append(Text(title, style="bold cyan"))
    top.append(
        _header(
            progress.section.title,
            f"question {progress.number} of about {progress.total}",
            key_hint(question),
            _progress_bar(progress.number, progress.total, console.width),
        )
    )
    below: list[RenderableType] = []
    if progress.starts_section and progress.section.intro:
        below.append(Text(progress.section.intro, style="italic"))
    _draw(console, interview, notice, top, below)


def _change_notice(interview: Interview, question: Question, new: bool) -> str | None:
    """Back on the review screen, the answer just given; anywhere, the answers it dropped."""
    parts = []
    if interview.at_review and interview.reviewed:
        answer = answer_label(question, interview.answers[question.id])
        parts.append(f"{'Answered' if new else 'Changed'}: {question.text} → {answer}")
    count = len(interview.dropped)
    if count:
        these = "answer no longer applies" if count == 1 else f"{count} answers no longer apply"
        parts.append(f"Because of that, {these} and {'was' if count == 1 else 'were'} removed.")
    return "\n".join(parts) or None


def _alert_screen(console: Console, interview: Interview) -> None:
    tier = interview.bank.tiers[0]
    body = Text("Your answer can be a sign of a medical emergency:\n\n")
    for rule in interview.new_emergencies():
        body.append(f"• {rule.reason}\n")
    body.append(f"\n{tier.action}", style="bold")
    body.append(
        "\n\nYou can stop now and see the advice, or carry on: no later answer can make "
        "this less urgent."
    )
    console.clear()
    title = Text(f"⚠ {tier.title}")  # Text, not a markup string: the bank's words as written
    console.print(Panel(body, title=title, title_align="left", border_style="red"))
    console.print()


def _review_screen(
    console: Console, interview: Interview, notice: str | None
) -> tuple[list[ReviewEntry], int]:
    """Draw the review header; returns the entries and the lines the header took."""
    titles = {s.id: s.title for s in interview.bank.sections}
    entries = [
        ReviewEntry(q.id, titles[q.section], q.text, answer_label(q, interview.answers[q.id]))
        for q in interview.path
        if q.id in interview.answers
    ]
    hint = "↑↓ move · enter: change it, or see the result · ← or Esc back · Ctrl-C quit"
    header = _header("Review your answers", f"{len(entries)} answers", hint, None)
    return entries, _draw(console, interview, notice, [header])


# -- the loop ------------------------------------------------------------------------------------


def _score(interview: Interview) -> Result:
    from ..scoring.decision import triage_answer_set

    return triage_answer_set(interview.bank, interview.answer_set())


def _stopped(interview: Interview) -> Outcome:
    """The result when the person stops after an emergency sign: that tier's reasons only."""
    from ..scoring.decision import triage_stopped_early

    result = triage_stopped_early(interview.bank, interview.answer_set())
    answered = len(interview.answer_set().answers)
    questions = "question" if answered == 1 else "questions"
    return Outcome(
        result,
        f"You stopped after {answered} {questions}: this is based on your answers so far. "
        "No later answer could make it less urgent.",
    )


def run_interview(bank: Questionnaire, console: Console, io: PromptIO) -> Outcome:
    """Ask until the person sees the result; KeyboardInterrupt or EOFError when they cancel."""
    interview = Interview.start(bank)
    notice: str | None = None
    while True:
        screen_io = replace(io, width=console.width)
        if interview.at_review:
            entries, header_lines = _review_screen(console, interview, notice)
            notice = None
            # the prompt's own line, and one spare so the terminal does not scroll
            choice = ask_review(entries, screen_io, console.height - header_lines - 2)
            if choice is Nav.DONE:
                return Outcome(_score(interview))
            interview = interview.back() if choice is Nav.BACK else interview.edit(choice)
            continue
        question = interview.question
        assert question is not None
        _question_screen(console, interview, notice)
        notice = None
        previous = interview.previous_answer()
        value = ask_question(question, previous, screen_io)
        if value is Nav.BACK:
            if not interview.can_go_back:
                notice = "This is the first question: there is none before it."
            interview = interview.back()
            continue
        interview = interview.answer(value)
        notice = _change_notice(interview, question, new=previous is None)
        if interview.new_emergencies():
            _alert_screen(console, interview)
            progress = interview.progress
            remaining = progress.total - progress.number + (0 if interview.at_review else 1)
            decision = ask_after_emergency(screen_io, remaining)
            if decision is Nav.STOP:
                return _stopped(interview)
            if decision is Nav.BACK:
                interview = interview.back()
                continue
            interview = interview.acknowledge()


@contextlib.contextmanager
def _alternate_screen(console: Console) -> Iterator[None]:
    console.set_alt_screen(True)
    try:
        yield
    finally:
        console.set_alt_screen(False)


def interview_command(
    questions: Path | None, fmt: ResultFormat, output: Path | None, no_color: bool
) -> None:
    """`spinetriage` with no command: the interview, then the summary (and the saved result)."""
    console, io = open_terminal(no_color)
    try:
        from ..workflows import interview_bank

        bank = interview_bank(questions, output)
        with _alternate_screen(console):
            outcome = run_interview(bank, console, io)
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(CANCELLED) from None
    if output is not None:
        print_summary(outcome.result, bank, console=console, note=outcome.note)
        save(outcome.result, fmt, output, bank)
    elif fmt is ResultFormat.text:
        print_summary(outcome.result, bank, no_color=no_color, note=outcome.note)
    else:
        emit(outcome.result, fmt, None, no_color, bank)
    if output is None and console.file is not sys.stdout:
        # the prompts were on stderr because stdout is redirected: say where the result went
        console.print(f"The {fmt.name} result was written to standard output.")
