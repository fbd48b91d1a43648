"""Batch triage of a pandas DataFrame: what Dask's `map_partitions` and PySpark's `mapInPandas`
call on each worker.

`triage_frame(df)` takes the columns of a batch CSV, as `pandas.read_csv(path, dtype=str,
keep_default_na=False)` gives them, and returns the columns and values `spinetriage batch
--format csv` writes for those rows, as text (what `read_csv(..., dtype=str,
keep_default_na=False)` reads back from the command's output), with the input's index. It is the
batch core itself, not a copy: the header is read by `read_layout`, each row is checked and scored
by `RowScorer` and rendered by the CSV writer, so a row the command refuses is an error row here
too, with the same message.

- Lines. The `line` column (and the line an error names) is the frame's index + 2 when the
  index is of integers: the file's line for a frame `pandas.read_csv` read from a file whose
  header is on line 1, with no blank lines and no line breaks inside cells (the command counts
  those lines; pandas does not). With any other index it is the row's position + 2. Dask's
  `read_csv` starts every partition's index at 0: `with_file_lines(ddf)` numbers the rows
  across partitions first (one extra pass to count them), so the lines are those of the file.
  PySpark gives each batch an index from 0: lines there count within a batch; match rows by the
  id column.
- The header. A header that cannot work (no question column, a column twice, a required question
  without a column, checkbox columns for a question that has no such choice) raises the
  `InputFileError` the command raises, naming the source `DataFrame`. Columns that are not
  question ids are not used, with a `UserWarning` naming them, as the command warns on stderr;
  `strict=True` refuses them, as `--strict` does (and refuses rows of another form version).
- Cells. Text is used as it is; a cell holding NUL makes an error row, as in the command. A
  missing value (None, NaN, pandas.NA) is a blank cell: unanswered. Any other value (a number,
  a boolean) is refused with `InvalidArgument`: its text is not the file's (`7` reads as `7.0`
  in a column with blanks), hence dtype=str; and keep_default_na=False, or pandas reads a cell
  `NA` or `null` as missing, which is blank here where the command refuses the text.
- What pandas reads differently. A row with fewer cells than the header is filled with blank
  cells by pandas: here it is a row with those answers blank (an error row if they are
  required), where the command refuses the row for its shape. pandas refuses a row longer than
  the header (ParserError) unless `on_bad_lines` says otherwise, and renames a column that
  appears twice (`age`, `age.1`), where the command refuses the header; pandas before 3.0 cuts
  a cell at a NUL byte. For files that may be malformed, `spinetriage batch` reports more.
- The bank: None is the packaged one (loaded once per process); or a loaded `Questionnaire`.

pandas is imported when `triage_frame` is called and dask when `with_file_lines` is: both come
with the `dask` extra (`pip install 'spinetriage[dask]'`), and the rest of spinetriage never
imports them.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import math
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..bank.model import Questionnaire
from ..errors import InvalidArgument, escape_controls
from .layout import check_unknown_columns, other_version_text, read_layout
from .reader import NUL_MARK, Record
from .rows import RowScorer
from .sink import BatchSummary, RowSink
from .writers import BatchContext, BatchFormat

if TYPE_CHECKING:
    import dask.dataframe
    import pandas

#: how messages name the input, where the command names the file
SOURCE = "DataFrame"
#: how messages name the strict setting
STRICT_SWITCH = "strict=True"
INSTALL_EXTRA = "pip install 'spinetriage[dask]'"
#: the file line of the row at index 0: the header is line 1
FIRST_LINE = 2


def triage_frame(
    df: pandas.DataFrame,
    bank: Questionnaire | None = None,
    *,
    id_column: str | None = None,
    strict: bool = False,
) -> pandas.DataFrame:
    """Score every row of `df` as `spinetriage batch --format csv` does (see the module's notes).

    `id_column` and `strict` are the command's `--id-column` and `--strict`. Raises
    InputFileError for a header that cannot work, InvalidArgument for a cell that is not text.
    """
    pd = _pandas()
    if not isinstance(df, pd.DataFrame):
        raise InvalidArgument(f"df must be a pandas DataFrame, not {type(df).__name__}")
    bank = _bank(bank)
    header = _header(df.columns)
    layout = read_layout(bank, header, SOURCE, id_column)
    # stacklevel: the warning points at triage_frame's caller
    check_unknown_columns(layout, SOURCE, strict, STRICT_SWITCH, lambda m: _warn(m, 4))
    scorer = RowScorer(bank, layout, strict_version=strict)
    out = io.StringIO(newline="")
    writer = BatchFormat.csv.open(out, BatchContext(bank, layout.id_column))
    sink = RowSink(writer, None, BatchSummary())
    for outcome in scorer.score_all(_records(df, header, pd)):
        sink.take(outcome)
        for line, version in sink.new_versions:
            _warn(other_version_text(SOURCE, line, version, bank, strict, STRICT_SWITCH), 2)
        sink.new_versions.clear()
    out.seek(0)
    rows = list(csv.reader(out))
    result = pd.DataFrame(rows[1:], columns=rows[0], dtype=str)
    result.index = df.index
    return result


def with_file_lines(ddf: dask.dataframe.DataFrame) -> dask.dataframe.DataFrame:
    """`ddf` with each row's number in the whole frame as its index (0, 1, ... across partitions),
    so that `map_partitions(triage_frame)` gives each row its file line, as the command does.

    Dask's `read_csv` starts every partition's index at 0. The rows of each partition are
    counted first (one pass over the input), then every partition is numbered from where the one
    before it ended. For a frame read from one file.
    """
    _dask()
    frame: Any = ddf  # dask's map_partitions is not annotated
    lengths = frame.map_partitions(len).compute()
    starts = tuple(itertools.accumulate((int(n) for n in lengths), initial=0))
    numbered: dask.dataframe.DataFrame = frame.map_partitions(_numbered, starts=starts, meta=frame)
    return numbered


def _numbered(
    part: pandas.DataFrame, starts: tuple[int, ...], partition_info: dict[str, Any] | None = None
) -> pandas.DataFrame:
    """One partition with the index it has in the whole frame (dask passes `partition_info`)."""
    start = starts[partition_info["number"]] if partition_info is not None else 0
    numbered = part.copy(deep=False)
    numbered.index = _pandas().RangeIndex(start, start + len(part))
    return numbered


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(f"triage_frame needs pandas: {INSTALL_EXTRA}") from None
    return pandas


def _dask() -> None:
    try:
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise ImportError(f"with_file_lines needs dask: {INSTALL_EXTRA}") from None


@functools.cache
def _packaged_bank() -> Questionnaire:
    """The packaged bank, loaded once per process: a worker scores many partitions."""
    from ..bank.loader import load_questionnaire

    return load_questionnaire()


def _bank(bank: object) -> Questionnaire:
    if bank is None:
        return _packaged_bank()
    if not isinstance(bank, Questionnaire):
        raise InvalidArgument(
            f"bank must be a Questionnaire (load_questionnaire() returns one) or None, "
            f"not {type(bank).__name__}"
        )
    return bank


def _header(columns: Sequence[object]) -> list[str]:
    """The column names as the command reads a header line: trimmed, without a BOM."""
    header = [str(name).strip() for name in columns]
    if header:
        header[0] = header[0].removeprefix("\ufeff").strip()
    return header


def _records(df: pandas.DataFrame, header: list[str], pd: Any) -> Iterator[Record]:
    """The rows as the command's reader gives them: cells as text, a NUL marked."""
    lines = _lines(df.index, pd)
    columns = [
        _cells(df.iloc[:, position].tolist(), name, lines, pd)
        for position, name in enumerate(header)
    ]
    with_nul = {
        row
        for column in columns
        if "\0" in "".join(column)
        for row, cell in enumerate(column)
        if "\0" in cell
    }
    for row, (line, cells) in enumerate(zip(lines, zip(*columns, strict=True), strict=True)):
        if row in with_nul:
            marked = [cell.replace("\0", NUL_MARK) for cell in cells]
            yield Record(line, marked, line, has_nul=True)
        else:
            yield Record(line, list(cells), line, has_nul=False)


def _lines(index: pandas.Index, pd: Any) -> list[int]:
    if pd.api.types.is_integer_dtype(index.dtype):
        return [int(value) + FIRST_LINE for value in index]
    return list(range(FIRST_LINE, len(index) + FIRST_LINE))


def _cells(values: list[Any], column: str, lines: list[int], pd: Any) -> list[str]:
    """A column's cells as text: a missing value is blank; anything but text is refused."""
    if set(map(type, values)) <= {str}:  # the usual case, checked at C speed
        return values
    cells: list[str] = []
    for row, value in enumerate(values):
        if isinstance(value, str):
            cells.append(str(value))
        elif value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            cells.append("")
        else:
            raise InvalidArgument(
                f"{SOURCE}: line {lines[row]}: column '{column}' holds a "
                f"{type(value).__name__}, not text; read the CSV with dtype=str, "
                "keep_default_na=False (as `spinetriage batch` reads it)"
            )
    return cells


def _warn(message: str, stacklevel: int) -> None:
    warnings.warn(escape_controls(message), UserWarning, stacklevel=stacklevel + 1)
