"""The command line: the only module that knows typer. Commands are thin; the core does the work."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from ._version import __version__
from .batch.writers import BatchFormat
from .errors import ExitCode, SpinetriageError
from .output_files import StandardOutput, silence_stdout
from .ui.output import ResultFormat

if TYPE_CHECKING:
    from .bank.model import Questionnaire

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


def _choice(kind: type[Enum], help_text: str) -> Any:
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


def _formats_help(formats: Iterable[ResultFormat | BatchFormat]) -> str:
    """The formats of a table as --help lists them: `csv (one row per input row), ... or fhir`."""
    shown = [f"{f.name} ({f.note})" if f.note else f.name for f in formats]
    return f"{', '.join(shown[:-1])} or {shown[-1]}."


def _settings(
    ctx: typer.Context, questions: Path | None = None, no_color: bool = False
) -> Settings:
    """The global options, given before the command or after it (there, they win)."""
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return Settings(
        questions or settings.questions, no_color or settings.no_color, settings.id_system
    )


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"spinetriage {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    questions: QuestionsOption = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            "--answers",
            help="Score this answer file (JSON or YAML; - for standard input) without prompting.",
            dir_okay=False,
        ),
    ] = None,
    fmt: Annotated[
        ResultFormat, _choice(ResultFormat, f"Result format: {_formats_help(ResultFormat)}")
    ] = ResultFormat.text,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Save the result to this file (mode 0600).", dir_okay=False
        ),
    ] = None,
    id_system: Annotated[
        str | None,
        typer.Option(
            "--id-system",
            metavar="URI",
            help="The system of record ids, for --format fhir (an absolute URI): with --answers, "
            "or before batch.",
        ),
    ] = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_show_version
        ),
    ] = False,
) -> None:
    """Run the interview when no command is given."""
    ctx.obj = Settings(questions=questions, no_color=no_color, id_system=id_system)
    if ctx.invoked_subcommand is not None:
        return
    if answers is None:
        _interview(questions, fmt, output, no_color)
    else:
        _score_answer_file(answers, questions, fmt, output, no_color, id_system)


def _interview(
    questions: Path | None, fmt: ResultFormat, output: Path | None, no_color: bool
) -> None:
    from .ui.interview import interview_command

    interview_command(questions, fmt, output, no_color)


def _score_answer_file(
    path: Path,
    questions: Path | None,
    fmt: ResultFormat,
    output: Path | None,
    no_color: bool,
    id_system: str | None,
) -> None:
    from .ui.output import emit
    from .workflows import score_answer_file

    scored = score_answer_file(path, questions, output, id_system)
    for warning in scored.warnings:
        sys.stderr.write(f"spinetriage: {warning}\n")
    emit(scored.result, fmt, output, no_color, scored.bank, scored.record_id)


@app.command()
def check(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="The bank to check (default: --questions, or the packaged bank).",
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Validate a question bank and prove every answer set reaches a tier; or every problem."""
    from .workflows import check_bank

    bank_path = path or _settings(ctx, questions).questions
    checked = check_bank(bank_path)
    bank = checked.bank
    shown = str(bank_path or "questions.yaml")
    for warning in checked.warnings:
        sys.stderr.write(f"spinetriage: warning: {warning}\n")
    typer.echo(
        f"{shown}: OK: {len(bank.questions)} questions in {len(bank.sections)} sections, "
        f"{bank.condition_count} conditions ({len(bank.rules)} rules), {len(bank.tiers)} tiers; "
        f"version {bank.version}, {bank.content_hash[:19]}"
    )


#: the options every export command takes
ExportQuestions = Annotated[
    Path | None,
    typer.Option(
        "--questions", help="Export this question bank instead of the packaged one.", dir_okay=False
    ),
]
ExportOutput = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Save to this file instead of printing.", dir_okay=False),
]


def _export(
    ctx: typer.Context,
    questions: Path | None,
    output: Path | None,
    what: str,
    render: Callable[[Questionnaire], str | bytes],
) -> None:
    """Load the bank, render it, and print it or save it (atomically, mode 0600)."""
    from .bank.loader import load_questionnaire
    from .errors import ExportError
    from .output_files import refuse_overwriting, replaced_note, write_private

    bank_path = _settings(ctx, questions).questions
    if output is not None:
        refuse_overwriting(output, bank_path)
    bank = load_questionnaire(bank_path)
    try:
        content = render(bank)
    except ExportError as error:
        raise error.in_file(str(bank_path or "questions.yaml")) from None
    if output is not None:
        replaced = replaced_note(output)
        write_private(output, content)
        sys.stderr.write(f"Saved the {what} to {output}{replaced}\n")
    elif isinstance(content, bytes):
        sys.stdout.buffer.write(content)
    else:
        sys.stdout.write(content)


def _refuse_binary_on_a_terminal(output: Path | None, what: str) -> None:
    from .errors import InputFileError

    if output is None and sys.stdout.isatty():
        raise InputFileError(
            f"{what} is a binary file, not for a terminal: save it with -o FILE.xlsx "
            "(or redirect the output to a file)"
        )


@app.command("export-fhir")
def export_fhir(
    ctx: typer.Context,
    questions: ExportQuestions = None,
    output: ExportOutput = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
    definitions: Annotated[
        bool,
        typer.Option(
            "--definitions",
            help="Write the CodeSystems and ValueSets of every code the output uses instead "
            "(a collection Bundle), for a FHIR server to validate against.",
        ),
    ] = False,
) -> None:
    """Write the question bank as a FHIR R4 Questionnaire (JSON), for form renderers and records."""
    import json

    from .fhir import definitions_bundle, questionnaire_resource

    def render(bank: Questionnaire) -> str:
        resource = definitions_bundle(bank) if definitions else questionnaire_resource(bank)
        return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"

    what = "FHIR definitions (a Bundle)" if definitions else "FHIR Questionnaire"
    _export(ctx, questions, output, what, render)


@app.command("export-redcap")
def export_redcap(
    ctx: typer.Context,
    questions: ExportQuestions = None,
    output: ExportOutput = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Write the question bank as a REDCap data dictionary (CSV), for its Data Dictionary upload."""
    from .forms import data_dictionary_csv

    _export(ctx, questions, output, "REDCap data dictionary", data_dictionary_csv)


@app.command("export-xlsform")
def export_xlsform(
    ctx: typer.Context,
    questions: ExportQuestions = None,
    output: ExportOutput = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Write the question bank as an XLSForm (.xlsx), for ODK Central and KoboToolbox."""
    from .forms import xlsform_bytes

    _refuse_binary_on_a_terminal(output, "An XLSForm")
    _export(ctx, questions, output, "XLSForm", xlsform_bytes)


class DictionaryFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def questions(
    ctx: typer.Context,
    fmt: Annotated[
        DictionaryFormat,
        _choice(DictionaryFormat, "table (default), csv or json; csv and json list every choice."),
    ] = DictionaryFormat.table,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Print the data dictionary: each question's id, text, allowed answers and when it is asked."""
    from .bank.dictionary import data_dictionary
    from .bank.loader import load_questionnaire
    from .ui import dictionary_view

    settings = _settings(ctx, questions, no_color)
    bank = load_questionnaire(settings.questions)
    rows = data_dictionary(bank)
    if fmt is DictionaryFormat.json:
        dictionary_view.print_json(bank, rows)
    elif fmt is DictionaryFormat.csv:
        dictionary_view.print_csv(rows)
    else:
        dictionary_view.print_table(bank, rows, no_color=settings.no_color)


@app.command()
def template(
    ctx: typer.Context,
    example: Annotated[
        bool, typer.Option("--example", help="Add synthetic example rows, one per tier shown.")
    ] = False,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Print the CSV header batch input expects: record_id, then every question id."""
    from .bank.loader import load_questionnaire
    from .batch.template import write_template

    write_template(sys.stdout, load_questionnaire(_settings(ctx, questions).questions), example)


@app.command()
def batch(
    ctx: typer.Context,
    input_file: Annotated[
        str, typer.Argument(metavar="INPUT", help="The CSV file to score, or - for stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write results here (mode 0600), not stdout.", dir_okay=False
        ),
    ] = None,
    fmt: Annotated[BatchFormat, _choice(BatchFormat, _formats_help(BatchFormat))] = BatchFormat.csv,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors", help="Also list every row problem in this CSV file.", dir_okay=False
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="The column carried to the output [default: record_id; meta-instanceID in an "
            "ODK Central export, _uuid in a KoboToolbox one].",
        ),
    ] = None,
    id_system: Annotated[
        str | None,
        typer.Option(
            "--id-system",
            metavar="URI",
            help="The system of the id column's record ids, for --format fhir (an absolute URI).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Refuse columns that are not question ids, and rows of another form version.",
        ),
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="The file's encoding [default: UTF-8, with or without BOM]."
        ),
    ] = None,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Score every row of a CSV file; exit 0 all scored, 1 some rows are errors, 2 unusable."""
    from .bank.loader import load_questionnaire
    from .batch.run import BatchOptions, run_batch
    from .errors import Interrupted
    from .output_files import replaced_note
    from .ui.batch_progress import print_summary, progress_display, warn

    settings = _settings(ctx, questions, no_color)
    bank = load_questionnaire(settings.questions)
    replaced = {path: replaced_note(path) for path in (output, errors) if path is not None}
    id_system = id_system if id_system is not None else settings.id_system
    options = BatchOptions(
        input_file, output, fmt.name, errors, id_column, strict, encoding, id_system
    )
    try:
        with progress_display(settings.no_color) as progress:
            summary = run_batch(bank, options, warn, progress)
    except BrokenPipeError:
        # whoever read the results stopped (`| head`): no traceback, and no second error when
        # Python flushes stdout on the way out
        silence_stdout()
        raise Interrupted("the output was closed before every row was written") from None
    if output is not None:
        sys.stderr.write(f"Saved {summary.rows:,} results to {output}{replaced[output]}\n")
    if errors is not None and replaced[errors]:
        sys.stderr.write(f"Saved the row problems to {errors}{replaced[errors]}\n")
    print_summary(summary, bank)
    if summary.errors:
        why = f"{errors} lists" if errors is not None else fmt.problems_at
        sys.stderr.write(f"Rows with status error were not scored: {why} what to fix.\n")
    raise typer.Exit(int(summary.exit_code))


def _whole_short_help() -> None:
    """--help lists each command with the whole first paragraph of its help, wrapped: the
    shortened form would cut it with '...'."""
    for command in app.registered_commands:
        if command.short_help is None and command.callback is not None:
            command.short_help = (inspect.getdoc(command.callback) or "").split("\n\n")[0]


_whole_short_help()


def _report(error: SpinetriageError) -> int:
    from .errors import BankError, escape_controls

    if isinstance(error, BankError):
        lines = [str(problem) for problem in error.problems]
        count = len(error.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; {error.outcome}.")
        lines = [f"spinetriage: {line}" for line in lines]
    else:
        lines = [f"spinetriage: {escape_controls(line)}" for line in str(error).split("\n")]
    # a closed terminal (SIGHUP) cannot be told: the exit code still says what happened
    with contextlib.suppress(OSError):
        sys.stderr.write("".join(f"{line}\n" for line in lines))
        sys.stderr.flush()
    return int(error.exit_code)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: one clear message and a documented exit code, never a traceback.

    typer itself turns usage errors into exit 2 and Ctrl-C into exit 130; our own errors are
    reported here, with a traceback only under --debug. SIGTERM and SIGHUP stop a run as Ctrl-C
    does (signals.py), and a failed write to standard output (a full disk) is exit 2.
    """
    from .signals import interrupted_exit_code, stop_on_signals

    args = sys.argv[1:] if argv is None else argv
    stdout_before = _file_identity(1)
    stdout = StandardOutput()
    stop_on_signals()
    try:
        app(args=args, prog_name="spinetriage")
        code: int | str | None = 0
    except SpinetriageError as error:
        if "--debug" in args:
            raise
        code = _report(error)
    except OSError as error:  # writing standard output failed: our files report their own
        if "--debug" in args:
            raise
        code = _report(stdout.failed(error))
    except KeyboardInterrupt:  # a stop signal after the command was done with it
        code = ExitCode.INTERRUPTED
    except SystemExit as done:
        code = done.code
        if code == 1 and _output_closed(stdout_before):
            # whoever read the output stopped (`| head -1`): an interruption, as for a batch
            # run, not the "invalid" that exit 1 would say
            code = ExitCode.INTERRUPTED
    if code in (ExitCode.OK, ExitCode.INVALID):
        code = _flush_stdout(stdout, code)
    if code == ExitCode.INTERRUPTED:
        code = interrupted_exit_code()
    sys.exit(code)


def _flush_stdout(stdout: StandardOutput, code: int) -> int:
    """The run's exit code once what is left of its output is written (it may not fit)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        return ExitCode.INTERRUPTED
    except OSError as error:
        return _report(stdout.failed(error))
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    return code


def _file_identity(fd: int) -> tuple[int, int] | None:
    try:
        info = os.fstat(fd)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _output_closed(stdout_before: tuple[int, int] | None) -> bool:
    """Whether the exit 1 came from writing to a closed pipe.

    Both ways out exit 1: typer's click swaps stdout for a PacifyFlushWrapper, and rich points
    stdout at os.devnull (where it was not before). tests/test_exit_codes.py notices if either
    changes.
    """
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":
        return True
    now = _file_identity(1)
    if now is None or now == stdout_before:
        return False
    devnull = os.stat(os.devnull)
    return now == (devnull.st_dev, devnull.st_ino)
