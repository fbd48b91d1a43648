"""The typer application, the options shared by its commands, and the settings they read."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from .._version import __version__
from ..batch.writers import BatchFormat
from ..ui.output import ResultFormat

if TYPE_CHECKING:
    pass

app = typer.Typer(
    name="spinetriage",
    help=(
        "Lower back (lumbar spine) triage questionnaire. Run with no command for the interview. "
        "spinetriage informs; it does not diagnose."
    ),
    # --install-completion / --show-completion for bash, zsh, fish and PowerShell
    add_completion=True,
    # answers may be health data: never show local variables in a traceback
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

FormatEnum = TypeVar("FormatEnum", bound=Enum)


def _one_of(kind: type[FormatEnum]) -> Callable[[object], FormatEnum]:
    """Read an option's value as one of `kind`'s names (any case), refused in our words:
    `'jsn' is not one of text, json, markdown, fhir`."""
    names = [str(member.value) for member in kind]

    def parse(value: object) -> FormatEnum:
        if isinstance(value, kind):
            return value
        found = next((m for m in kind if str(value).lower() == m.value), None)
        if found is None:
            shown = str(value).encode("unicode_escape").decode("ascii")
            raise typer.BadParameter(f"'{shown}' is not one of {', '.join(names)}")
        return found

    return parse


def choice_option(kind: type[Enum], help_text: str) -> Any:
    """A --format option over `kind`: our own refusal, the names as metavar and completion."""
    names = [str(member.value) for member in kind]
    return typer.Option(
        "--format",
        help=help_text,
        parser=_one_of(kind),
        metavar="[" + "|".join(names) + "]",
        autocompletion=lambda: names,
    )


# The global options, declared once: on the command line they work before the command and
# after it (`spinetriage questions --no-color`); a command's own value wins.
QuestionsOption = Annotated[
    Path | None,
    typer.Option(
        "--questions", help="Use this question bank instead of the packaged one.", dir_okay=False
    ),
]
NoColorOption = Annotated[bool, typer.Option("--no-color", help="Print without colour.")]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show a traceback (without answers) on errors.")
]


@dataclass(frozen=True)
class Settings:
    questions: Path | None
    no_color: bool
    #: `--id-system` given before the command (batch takes its own too)
    id_system: str | None = None


def formats_help(formats: Iterable[ResultFormat | BatchFormat]) -> str:
    """The formats of a table as --help lists them: `csv (one row per input row), ... or fhir`."""
    shown = [f"{f.name} ({f.note})" if f.note else f.name for f in formats]
    return f"{', '.join(shown[:-1])} or {shown[-1]}."


def command_settings(
    ctx: typer.Context, questions: Path | None = None, no_color: bool = False
) -> Settings:
    """The global options, given before the command or after it (there, they win)."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return Settings(
        questions or settings.questions, no_color or settings.no_color, settings.id_system
    )


def show_version(value: bool) -> None:
    if value:
        typer.echo(f"spinetriage {__version__}")
        raise typer.Exit()
