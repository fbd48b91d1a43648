"""The interactive interview: renders the state machine of interview.py with questionary and rich.

One question a screen, in the terminal's alternate screen (as full-screen programs do), so going
back redraws cleanly and the answers do not stay on screen after the interview; the summary is
printed on the normal screen afterwards. Prompts go to stdout, or to stderr when stdout is
redirected, so `spinetriage --format json > result.json` works.

Advice for a warning sign (an emergency or urgent result) always ends on the normal screen of
the terminal: with the summary, or on its own when the result goes to a file or a pipe, and
when the person cancels after being told of a sign.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from ..bank.model import Question, Questionnaire
from ..errors import Interrupted, NoTerminalError
from ..interview import Alert, Interview
from ..scoring.result import Result
from .alerts import Advice, advice_panel, print_advice
from .output import ResultFormat, emit, is_tty, save
from .prompts import (
    Nav,
    PromptIO,
    ReviewEntry,
    ask_after_alert,
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


class Cancelled(Exception):
    """The person pressed Ctrl-C or Ctrl-D (or the input closed) during the interview; carries
    the interview as it was, so that advice already given can be left on the screen."""

    def __init__(self, interview: Interview) -> None:
        super().__init__("cancelled")
        self.interview = interview


def open_terminal(no_color: bool) -> tuple[Console, PromptIO]:
    """The console and prompt I/O of the terminal, or NoTerminalError (exit 2) at once."""
    if not is_tty(sys.stdin):
        raise NoTerminalError(NO_TERMINAL)
    stream = sys.stdout if is_tty(sys.stdout) else sys.stderr if is_tty(sys.stderr) else None
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
    top.add_column(ratio=1)  # a long section title wraps rather than being cut
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
    height in lines. The warning-sign banner and any notice sit between `top` and `below`."""
    parts = list(top)
    told = interview.told_alert()
    if told is not None:
        advice = Advice.of_alert(told)
        signs = "warning signs" if len(told.rules) > 1 else "a warning sign"
        parts.append(
            Text(f"⚠ You reported {signs}. {advice.actions[0]}", style=f"bold {advice.colour}")
        )
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


def _change_notice(interview: Interview, question: Question) -> str | None:
    """Back on the review screen, the answer just given, told against what the review showed
    (changed, not changed, or newly asked); anywhere, the answers it dropped."""
    parts = []
    before = interview.reviewed_answers
    if interview.at_review and before is not None:
        now = interview.answers[question.id]
        was = before.get(question.id)
        what = "Answered" if was is None else "Changed" if now != was else "Not changed"
        parts.append(f"{what}: {question.text} → {answer_label(question, now)}")
    count = len(interview.dropped)
    if count:
        these = "answer no longer applies" if count == 1 else f"{count} answers no longer apply"
        parts.append(f"Because of that, {these} and {'was' if count == 1 else 'were'} removed.")
    return "\n".join(parts) or None


def _alert_screen(console: Console, alert: Alert) -> None:
    if alert.rank == 0:
        closing = (
            "You can stop now and see the advice, or carry on: no later answer can make "
            "this less urgent."
        )
    else:
        closing = (
            "Please carry on: a later answer could still make this more urgent. Your result "
            "will list this sign with the advice."
        )
    console.clear()
    console.print(advice_panel(Advice.of_alert(alert), closing, just_answered=True))
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
    """Ask until the person sees the result; Cancelled when they cancel (Ctrl-C, Ctrl-D)."""
    interview = Interview.start(bank)
    notice: str | None = None
    try:
        while True:
            step = _step(interview, notice, console, replace(io, width=console.width))
            if isinstance(step, Outcome):
                return step
            interview, notice = step
    except (KeyboardInterrupt, EOFError):
        raise Cancelled(interview) from None


def _step(
    interview: Interview, notice: str | None, console: Console, io: PromptIO
) -> tuple[Interview, str | None] | Outcome:
    """One screen, the review or a question (and the alert an answer brings): the next state and
    the notice the next screen shows, or the outcome."""
    if interview.at_review:
        entries, header_lines = _review_screen(console, interview, notice)
        # the prompt's own line, and one spare so the terminal does not scroll
        choice = ask_review(entries, io, console.height - header_lines - 2)
        if choice is Nav.DONE:
            return Outcome(_score(interview))
        return (interview.back() if choice is Nav.BACK else interview.edit(choice)), None
    question = interview.question
    assert question is not None
    _question_screen(console, interview, notice)
    previous = interview.previous_answer()
    value = ask_question(question, previous, io)
    if value is Nav.BACK:
        first = (
            None
            if interview.can_go_back
            else "This is the first question: there is none before it."
        )
        return interview.back(), first
    answered = interview.answer(value)
    notices = [_change_notice(answered, question)]
    news = answered.new_alert()
    if news is not None and not answered.new_alert_raises_urgency():
        # the person already has advice at least this urgent: note the sign, do not interrupt
        notices += [f"Noted as a warning sign: {rule.reason}" for rule in news.rules]
        answered = answered.acknowledge()
    elif news is not None:
        _alert_screen(console, news)
        progress = answered.progress
        remaining = progress.total - progress.number + (0 if answered.at_review else 1)
        try:
            decision = ask_after_alert(io, remaining, can_stop=news.rank == 0)
        except (KeyboardInterrupt, EOFError):
            raise Cancelled(answered) from None  # with the sign just shown
        if decision is Nav.STOP:
            return _stopped(answered)
        if decision is Nav.BACK:
            # to the question just answered (from the review, back() would be the last one)
            return answered.reopen(question.id), None
        answered = answered.acknowledge()
    return answered, "\n".join(n for n in notices if n) or None


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
    """`spinetriage` with no command: the interview, then the summary (and the saved result).

    Advice for a warning sign always ends on the terminal's normal screen: in the summary, or
    on its own when the result goes to a pipe or a file, or when the person cancels.
    """
    console, io = open_terminal(no_color)
    try:
        from ..workflows import interview_bank

        bank = interview_bank(questions, output)
        with _alternate_screen(console):
            outcome = run_interview(bank, console, io)
    except Cancelled as cancelled:
        alert = cancelled.interview.alert()
        if alert is not None:
            print_advice(console, Advice.of_alert(alert))
        raise Interrupted(CANCELLED) from None
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(CANCELLED) from None
    if output is not None:
        print_summary(outcome.result, bank, console=console, note=outcome.note)
        save(outcome.result, fmt, output, bank)
        return
    # the summary on the terminal, or the result on stdout and any advice on the terminal
    emit(outcome.result, fmt, None, no_color, bank, note=outcome.note, terminal=console)
    if console.file is not sys.stdout:
        # the prompts were on stderr because stdout is redirected: say where the result went
        console.print(f"The {fmt.name} result was written to standard output.")
