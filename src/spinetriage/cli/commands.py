"""The commands: each parses its options, calls the core and prints what it returns."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..batch.writers import BatchFormat
from ..output_files import silence_stdout
from ..ui.output import ResultFormat

if TYPE_CHECKING:
    from ..bank.model import Questionnaire

from .app import (
    DebugOption,
    NoColorOption,
    QuestionsOption,
    Settings,
    app,
    choice_option,
    command_settings,
    formats_help,
    show_version,
)


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
        ResultFormat, choice_option(ResultFormat, f"Result format: {formats_help(ResultFormat)}")
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
            "--version", help="Print the version and exit.", is_eager=True, callback=show_version
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
    from ..ui.interview import interview_command

    interview_command(questions, fmt, output, no_color)


def _score_answer_file(
    path: Path,
    questions: Path | None,
    fmt: ResultFormat,
    output: Path | None,
    no_color: bool,
    id_system: str | None,
) -> None:
    from ..ui.output import emit
    from ..workflows import score_answer_file

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
    from ..workflows import check_bank

    bank_path = path or command_settings(ctx, questions).questions
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
    from ..bank.loader import load_questionnaire
    from ..errors import ExportError
    from ..output_files import refuse_overwriting, replaced_note, write_private

    bank_path = command_settings(ctx, questions).questions
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
    from ..errors import InputFileError

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

    from ..fhir import definitions_bundle, questionnaire_resource

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
    from ..forms import data_dictionary_csv

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
    from ..forms import xlsform_bytes

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
        choice_option(
            DictionaryFormat, "table (default), csv or json; csv and json list every choice."
        ),
    ] = DictionaryFormat.table,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Print the data dictionary: each question's id, text, allowed answers and when it is asked."""
    from ..bank.dictionary import data_dictionary
    from ..bank.loader import load_questionnaire
    from ..ui import dictionary_view

    settings = command_settings(ctx, questions, no_color)
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
    from ..bank.loader import load_questionnaire
    from ..batch.template import write_template

    write_template(
        sys.stdout, load_questionnaire(command_settings(ctx, questions).questions), example
    )


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
    fmt: Annotated[
        BatchFormat, choice_option(BatchFormat, formats_help(BatchFormat))
    ] = BatchFormat.csv,
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
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes scoring rows [default: the machine's cores for a file, 1 for stdin, "
            "so piped rows come out as they go in].",
            show_default=False,
        ),
    ] = None,
    questions: QuestionsOption = None,
    no_color: NoColorOption = False,
    debug: DebugOption = False,
) -> None:
    """Score every row of a CSV file; exit 0 all scored, 1 some rows are errors, 2 unusable."""
    from ..bank.loader import load_questionnaire
    from ..batch.parallel import available_cores
    from ..batch.reader import STDIN
    from ..batch.run import BatchOptions, run_batch
    from ..errors import Interrupted
    from ..output_files import replaced_note
    from ..ui.batch_progress import print_summary, progress_display, warn

    settings = command_settings(ctx, questions, no_color)
    bank = load_questionnaire(settings.questions)
    replaced = {path: replaced_note(path) for path in (output, errors) if path is not None}
    id_system = id_system if id_system is not None else settings.id_system
    options = BatchOptions(
        input_file,
        output,
        fmt.name,
        errors,
        id_column,
        strict,
        encoding,
        id_system,
        jobs=jobs if jobs is not None else 1 if input_file == STDIN else available_cores(),
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


#: every command, as registered on the app by the decorators above (importing this module
#: registers them)
COMMANDS = (root, check, export_fhir, export_redcap, export_xlsform, questions, template, batch)
