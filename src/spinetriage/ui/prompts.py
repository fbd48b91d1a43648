"""questionary prompts for the interview: one question, the review list, the choice after an alert.

questionary has no way back to an earlier question, so every prompt here gets extra
prompt_toolkit key bindings merged into its application: Esc (and ← where there is no text to
edit) ends the prompt with `Nav.BACK`, and Ctrl-D ends it like Ctrl-C ends it. The caller
(ui/interview.py) decides what "back" means; the state machine (interview.py) knows.

The seam for tests is `PromptIO`: prompt_toolkit's input and output (None for the real
terminal), so tests type keystrokes through a pipe input into a DummyOutput.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, cast

import questionary
from prompt_toolkit.enums import DEFAULT_BUFFER
from prompt_toolkit.filters import to_filter
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.key_processor import KeyPressEvent
from prompt_toolkit.layout.containers import ScrollOffsets, Window
from prompt_toolkit.layout.controls import BufferControl
from prompt_toolkit.layout.dimension import Dimension
from prompt_toolkit.output import ColorDepth, Output
from prompt_toolkit.styles import Style
from prompt_toolkit.validation import ValidationError
from questionary.prompts.common import InquirerControl

from ..answers.values import InvalidValue, parse_value
from ..bank.dictionary import allowed_values
from ..bank.model import Question
from ..conditions.values import AnswerValue, QuestionType


class Nav(Enum):
    """What a prompt returns instead of an answer."""

    BACK = "back"
    #: the review screen: score the answers
    DONE = "done"
    #: after an alert: stop now and show the advice
    STOP = "stop"
    #: after an alert: carry on with the questions
    CONTINUE = "continue"


STYLE = Style(
    [
        ("qmark", "fg:ansicyan bold"),
        ("question", "bold"),
        ("instruction", "italic"),
        ("pointer", "fg:ansicyan bold"),
        ("highlighted", "fg:ansicyan bold"),
        ("selected", "fg:ansigreen"),
        ("separator", "fg:ansicyan"),
        ("answer", "fg:ansicyan bold"),
        ("validation-toolbar", "fg:ansired bold"),
    ]
)

#: how long a lone Esc waits for the rest of an escape sequence (prompt_toolkit's default: 0.5 s)
ESCAPE_WAIT_SECONDS = 0.1


@dataclass(frozen=True)
class PromptIO:
    """Where prompts read keys and draw; None means the real terminal."""

    input: Input | None = None
    output: Output | None = None
    color: bool = True
    width: int = 80

    def kwargs(self) -> dict[str, Any]:
        options: dict[str, Any] = {"style": STYLE}
        if self.input is not None:
            options["input"] = self.input
        if self.output is not None:
            options["output"] = self.output
        if not self.color:
            options["color_depth"] = ColorDepth.MONOCHROME
        return options


def key_hint(question: Question | None) -> str:
    """The keys that work at this prompt, shown above it."""
    if question is None:
        moves = "↑↓ move · enter choose"
    elif question.type is QuestionType.YES_NO:
        moves = "y/n, or ↑↓ and enter"
    elif question.type is QuestionType.MULTI_CHOICE:
        moves = "↑↓ move · space tick · enter done"
    elif question.type.is_numeric:
        return "type a number, then enter · Esc back · Ctrl-C quit"
    else:
        moves = "↑↓ move · enter choose"
    return f"{moves} · ← or Esc back · Ctrl-C quit"


def _exit_with(result: object) -> Any:
    def handler(event: KeyPressEvent) -> None:
        event.app.exit(result=result)

    return handler


def _add_navigation(
    prompt: questionary.Question, text_entry: bool, extra: dict[str, object] | None = None
) -> questionary.Question:
    """Esc (and ← without text entry) goes back; Ctrl-D cancels; `extra` keys give answers."""
    bindings = KeyBindings()
    bindings.add("escape", eager=True)(_exit_with(Nav.BACK))
    if not text_entry:
        bindings.add("left", eager=True)(_exit_with(Nav.BACK))

    @bindings.add("c-d", eager=True)
    def _cancel(event: KeyPressEvent) -> None:
        event.app.exit(exception=EOFError)

    for key, result in (extra or {}).items():
        bindings.add(key, eager=True)(_exit_with(result))
    _add_bindings(prompt, bindings)
    prompt.application.ttimeoutlen = ESCAPE_WAIT_SECONDS
    _keep_messages_close(prompt)
    return prompt


def _add_bindings(prompt: questionary.Question, bindings: KeyBindings) -> None:
    # merged last, so these win over questionary's own bindings for the same keys
    app = prompt.application
    app.key_bindings = merge_key_bindings([b for b in (app.key_bindings, bindings) if b])


def _exclusive_ticks(prompt: questionary.Question, question: Question) -> None:
    """Ticking an exclusive choice (such as "None of these") unticks the others, and the
    other way round, instead of refusing the combination only when enter is pressed."""
    exclusive = {c.code for c in question.choices if c.exclusive}
    if not exclusive:
        return
    control = _choice_list(prompt).content
    assert isinstance(control, InquirerControl)
    bindings = KeyBindings()

    @bindings.add(" ", eager=True)
    def _toggle(event: KeyPressEvent) -> None:
        value = control.get_pointed_at().value
        ticked = control.selected_options
        if value in ticked:
            ticked.remove(value)
        elif value in exclusive:
            ticked[:] = [value]
        else:
            ticked[:] = [v for v in ticked if v not in exclusive] + [value]
        control.error_message = None

    _add_bindings(prompt, bindings)


def _choice_list(prompt: questionary.Question) -> Window:
    """The window that shows the choices of a select or checkbox prompt."""
    return next(
        w
        for w in prompt.application.layout.find_all_windows()
        if isinstance(w.content, InquirerControl)
    )


def _keep_messages_close(prompt: questionary.Question) -> None:
    """Show a refusal right under the prompt, not on the last line of the screen.

    The input window of a prompt_toolkit prompt session, and the choice list of a select or
    checkbox prompt, grow to fill the screen, pushing the validation message (a refused number,
    or the line under a checkbox that says why enter was refused) to the bottom.
    """
    for window in prompt.application.layout.find_all_windows():
        content = window.content
        growing_input = isinstance(content, BufferControl) and content.buffer.name == DEFAULT_BUFFER
        if growing_input or isinstance(content, InquirerControl):
            window.dont_extend_height = to_filter(True)


def _run(prompt: questionary.Question) -> Any:
    """Ask; Ctrl-C and Ctrl-D propagate as KeyboardInterrupt and EOFError."""
    return prompt.unsafe_ask()


def wrap(text: str, width: int, indent: str = "  ", first: str = "") -> str:
    return "\n".join(
        textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent)
    )


#: columns around a question's text on its line: "? " before it, and questionary's two spaces
#: after it (one its own, one the instruction's); one more keeps the line off the last column,
#: where the terminal would wrap the cursor onto a blank line of its own
PROMPT_MARGIN = 5


#: columns before a choice's label: questionary's pointer (" » " or three spaces), and in a
#: tick list also the tick
POINTER_WIDTH = 3
CHECKBOX_WIDTH = 5


def choice_title(label: str, io: PromptIO, lead: int) -> str:
    """A choice's label wrapped to the screen, its lines under its first: never cut off."""
    return ("\n" + " " * lead).join(textwrap.wrap(label, width=io.width - lead - 1) or [label])


def _message(question: Question, io: PromptIO) -> str:
    # continuation lines line up under the text, after the "? "
    return wrap(question.text, io.width - PROMPT_MARGIN).lstrip()


def _instruction(question: Question, io: PromptIO) -> str:
    notes = [question.help] if question.help else []
    if question.type.is_numeric:
        notes.append(f"Allowed: {allowed_values(question)}.")
    elif question.type is QuestionType.MULTI_CHOICE:
        only = [c.label for c in question.choices if c.exclusive]
        if "all that apply" not in question.text:
            notes.append("Tick all that apply.")
        if only:
            notes.append(f"Ticking '{only[0]}' clears the other ticks.")
    if not notes:
        return " "  # questionary shows its own key hint for an empty instruction
    return "\n" + wrap(" ".join(notes), io.width - 2, first="  ")


def ask_question(question: Question, default: AnswerValue | None, io: PromptIO) -> Any:
    """Ask one question; returns its typed answer (see answers.values.parse_value) or Nav.BACK."""
    if question.type.is_numeric:
        return _ask_number(question, default, io)
    if question.type is QuestionType.MULTI_CHOICE:
        return _ask_multi(question, default, io)
    if question.type is QuestionType.YES_NO:
        choices = [questionary.Choice("Yes", True), questionary.Choice("No", False)]
        extra: dict[str, object] = {"y": True, "n": False}
    else:
        choices = [
            questionary.Choice(choice_title(c.label, io, POINTER_WIDTH), c.code)
            for c in question.choices
        ]
        extra = {}
    prompt = questionary.select(
        _message(question, io),
        choices=choices,
        default=cast(Any, default),
        instruction=_instruction(question, io),
        use_jk_keys=False,
        **io.kwargs(),
    )
    return _run(_add_navigation(prompt, text_entry=False, extra=extra))


def multi_problem(question: Question, codes: Sequence[str]) -> str | None:
    """Why this set of ticked choices cannot be the answer, or None when it can."""
    if not codes:
        if not question.required:
            return None
        labels = [c.label for c in question.choices if c.exclusive]
        hint = f" (or '{labels[0]}')" if labels else ""
        return f"Tick at least one answer{hint} with space, then press enter."
    chosen = [c for c in question.choices if c.code in codes]
    exclusive = [c for c in chosen if c.exclusive]
    if exclusive and len(chosen) > 1:
        return f"'{exclusive[0].label}' cannot be ticked together with other answers."
    return None


def _ask_multi(question: Question, default: AnswerValue | None, io: PromptIO) -> Any:
    ticked = default if isinstance(default, frozenset) else frozenset()
    choices = [
        questionary.Choice(
            choice_title(c.label, io, CHECKBOX_WIDTH), c.code, checked=c.code in ticked
        )
        for c in question.choices
    ]

    def validate(codes: list[str]) -> bool | str:
        return multi_problem(question, codes) or True

    prompt = questionary.checkbox(
        _message(question, io),
        choices=choices,
        instruction=_instruction(question, io),
        validate=validate,
        use_jk_keys=False,
        **io.kwargs(),
    )
    _exclusive_ticks(prompt, question)
    codes = _run(_add_navigation(prompt, text_entry=False))
    if codes is Nav.BACK:
        return codes
    return parse_value(question, list(codes)) if codes else None


def number_problem(question: Question, text: str) -> str | None:
    """Why this typed text is not an answer (with what is allowed), or None when it is."""
    if not text.strip():
        return f"Type a number: {allowed_values(question)}."
    try:
        parse_value(question, text)
    except InvalidValue as exc:
        return str(exc)
    return None


def _ask_number(question: Question, default: AnswerValue | None, io: PromptIO) -> Any:
    shown = "" if default is None or isinstance(default, (bool, frozenset)) else str(default)

    def validate(text: str) -> bool | str:
        return number_problem(question, text) or True

    prompt = questionary.text(
        _message(question, io),
        default=shown,
        # the typed number goes on a line of its own, after the help
        instruction=_instruction(question, io) + "\n  ›",
        validate=validate,
        # judged on enter only: a refusal stays until the person types again
        validate_while_typing=False,
        **io.kwargs(),
    )
    _clear_refused_text(prompt, question)
    text = _run(_add_navigation(prompt, text_entry=True))
    if text is Nav.BACK:
        return text
    return parse_value(question, text)


def _clear_refused_text(prompt: questionary.Question, question: Question) -> None:
    """Enter on a refused number clears the typed text and keeps the message (what is allowed)
    under it until the person types again, so they need not delete the bad text first."""
    bindings = KeyBindings()

    @bindings.add("enter", eager=True)
    def _submit(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        problem = number_problem(question, buffer.text)
        if problem is None:
            buffer.validate_and_handle()
            return
        buffer.text = ""  # clears the message too: set it again below
        buffer.validation_error = ValidationError(cursor_position=0, message=problem)

    _add_bindings(prompt, bindings)


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    question_id: str
    section: str
    text: str
    answer: str


def review_lines(entries: Sequence[ReviewEntry], width: int) -> list[tuple[str | None, list[str]]]:
    """(question id or None for a section heading, its lines) that fit in `width` columns.

    The question wraps in its column and the answer in the next, side by side: nothing is cut.
    """
    answer_width = max(min(max((len(e.answer) for e in entries), default=0), width // 3), 1)
    text_width = max(width - answer_width - 2, 1)
    lines: list[tuple[str | None, list[str]]] = []
    section = None
    for entry in entries:
        if entry.section != section:
            section = entry.section
            lines.append((None, [f"── {section} "]))
        question = textwrap.wrap(entry.text, text_width, break_on_hyphens=False) or [""]
        answer = textwrap.wrap(entry.answer, answer_width, break_on_hyphens=False) or [""]
        rows = max(len(question), len(answer))
        question += [""] * (rows - len(question))
        answer += [""] * (rows - len(answer))
        shown = [f"{q:<{text_width}}  {a}".rstrip() for q, a in zip(question, answer, strict=True)]
        lines.append((entry.question_id, shown))
    return lines


def ask_review(entries: Sequence[ReviewEntry], io: PromptIO, list_height: int | None = None) -> Any:
    """The review list: returns Nav.DONE, Nav.BACK or the id of the question to change.

    The pointer starts on "See my result". `list_height` caps the rows the list takes, so the
    screen's header stays in view and the list scrolls under it.
    """
    choices: list[questionary.Choice] = [questionary.Choice("See my result", Nav.DONE)]
    # continuation lines line up under the first, after the pointer's column
    indent = "\n" + " " * POINTER_WIDTH
    rows = review_lines(entries, io.width - POINTER_WIDTH - 1)
    for question_id, lines in rows:
        if question_id is None:
            choices.append(questionary.Separator(indent.join(lines)))
        else:
            choices.append(questionary.Choice(indent.join(lines), question_id))
    choices.append(questionary.Choice("See my result", Nav.DONE))
    prompt = questionary.select(
        "Check your answers. Choose one to change it, or see your result.",
        choices=choices,
        instruction=" ",
        use_jk_keys=False,
        **io.kwargs(),
    )
    window = _choice_list(prompt)
    if list_height is not None:
        window.height = Dimension(max=max(list_height, 3))
    # the list scrolls to the pointer's line: keep the rest of a wrapped answer in view too
    tallest = max((len(lines) for _, lines in rows), default=1)
    window.scroll_offsets = ScrollOffsets(bottom=tallest - 1)
    return _run(_add_navigation(prompt, text_entry=False))


def ask_after_alert(io: PromptIO, remaining: int, can_stop: bool = True) -> Any:
    """After a warning sign: stop now (Nav.STOP, only if `can_stop`), carry on (Nav.CONTINUE) or
    go back to change the answer (Nav.BACK).

    Stopping is offered only for the most urgent tier, where no later answer can make the
    result more urgent; after a less urgent sign, carrying on is the first choice, since a later
    answer could still make it an emergency.
    """
    carry_on = questionary.Choice(
        f"Carry on with the questions (about {remaining} more)"
        if remaining
        else "Carry on to the review of my answers",
        Nav.CONTINUE,
    )
    stop = questionary.Choice("Stop here and see what to do now", Nav.STOP)
    back = questionary.Choice("Go back: I did not mean that answer", Nav.BACK)
    prompt = questionary.select(
        "What would you like to do?",
        choices=[stop, carry_on, back] if can_stop else [carry_on, back],
        instruction=" ",
        use_jk_keys=False,
        **io.kwargs(),
    )
    return _run(_add_navigation(prompt, text_entry=False))
