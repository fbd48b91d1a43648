"""Reading a batch CSV as a stream: decoding, the header, and records with their line numbers.

Only one record is held at a time, so memory stays flat whatever the file size. What makes the
whole file unusable (missing, empty, undecodable) is an `InputFileError` (exit 2) with a hint.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import select
import sys
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import IO, Any

from ..errors import InputFileError

#: `-` as the input means standard input
STDIN = "-"
#: UTF-8 with or without a byte order mark (a spreadsheet's "CSV UTF-8")
DEFAULT_ENCODING = "utf-8-sig"
#: a NUL byte is replaced by this mark before the csv module sees it (Python 3.10 refuses NUL)
NUL_MARK = "\ufffe"
#: the longest header line taken: column names, not data (a few thousand REDCap fields take a
#: tenth of it); a longer one (a file of commas, /dev/zero) is refused at once
MAX_HEADER_CHARS = 1 << 20
#: a physical line longer than this is an error row, read past without being held in memory
MAX_LINE_CHARS = 1 << 20
#: a line that was too long, as the csv module is given it
_LONG_LINE = NUL_MARK + "long line"
DELIMITERS = (",", ";", "\t")
ENCODING_HINT = (
    "if the file was saved in another encoding, name it with --encoding "
    "(for example --encoding latin-1 or --encoding cp1252)"
)


@dataclass(slots=True)
class Record:
    """One CSV record: the line it starts on, its cells, and whether it holds a NUL byte."""

    line: int
    cells: list[str]
    #: the record runs over more than one line (a quoted cell with line breaks, or a stray quote)
    last_line: int
    has_nul: bool
    #: why the row could not be read into cells at all (a line or a cell too long), if so
    unreadable: str = ""


class CsvSource:
    """An open batch input: `header` and then `records()`, one at a time.

    Use as a context manager; it closes the file (never standard input).
    """

    def __init__(self, path: str, encoding: str | None = None) -> None:
        self.name = "stdin" if path == STDIN else path
        encoding = encoding or DEFAULT_ENCODING
        _refuse_encoding(encoding)
        self._binary: IO[bytes] = _open_binary(path)
        self._text = io.TextIOWrapper(self._binary, encoding=encoding, newline="")
        self._nul_lines = 0
        try:
            _refuse_workbook(self.name, self._binary)
            self.header, self.delimiter, self.header_line = self._read_header()
        except BaseException:
            self.close()
            raise
        self._reader = csv.reader(self._lines(), delimiter=self.delimiter)
        self._line_offset = self.header_line

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._binary is sys.stdin.buffer:
            self._text.detach()  # leave standard input open
        else:
            self._text.close()

    def bytes_read(self) -> int | None:
        """How far into the file reading has got (roughly), or None for a stream."""
        try:
            return self._binary.tell()
        except (OSError, ValueError):
            return None

    def waits(self) -> Callable[[], bool] | None:
        """For standard input, `ready()`: whether the next line is there without waiting (a
        batch scores the rows it has rather than wait for more); None for a file."""
        if self._binary is not sys.stdin.buffer:
            return None
        try:
            descriptor = self._binary.fileno()
        except (OSError, ValueError):  # not a real file (a test's stand-in): reads never wait
            return None

        def ready() -> bool:
            try:
                return bool(select.select([descriptor], [], [], 0)[0])
            except (OSError, ValueError):
                return True

        return ready

    def total_bytes(self) -> int | None:
        try:
            return Path(self.name).stat().st_size if self.name != "stdin" else None
        except OSError:
            return None

    def _pieces(self) -> Iterator[str]:
        """The file read line by line, at most MAX_LINE_CHARS characters at a time; a CR LF
        that the limit splits is joined again (else the LF would count as a blank line)."""
        readline = self._text.readline
        line = readline(MAX_LINE_CHARS)
        while line:
            following = None
            if len(line) == MAX_LINE_CHARS and line[-1] == "\r":
                following = readline(MAX_LINE_CHARS)
                if following == "\n":
                    line, following = line + following, None
            yield line
            line = readline(MAX_LINE_CHARS) if following is None else following

    def _lines(self) -> Iterator[str]:
        """The file's lines for the csv module; a line too long is skipped, without holding it,
        and given as `_LONG_LINE` (it has a NUL mark, so its record is looked at)."""
        pieces = self._pieces()
        for line in pieces:
            if "\0" in line:
                self._nul_lines += 1
                line = line.replace("\0", NUL_MARK)
            elif len(line) == MAX_LINE_CHARS and line[-1] not in "\r\n":
                for rest in pieces:
                    if rest[-1] in "\r\n":
                        break
                self._nul_lines += 1
                line = _LONG_LINE + "\n"
            yield line

    def _decode_error(self, exc: UnicodeError) -> InputFileError:
        """Text is decoded in chunks: read again to name the line of the first bad byte."""
        encoding = getattr(exc, "encoding", self._text.encoding)
        where = ""
        if self.name != "stdin":
            with contextlib.suppress(OSError):
                where = f" line {_first_undecodable_line(Path(self.name), encoding)}:"
        what = ""
        if isinstance(exc, UnicodeDecodeError):
            what = f" (byte 0x{exc.object[exc.start : exc.start + 1].hex()})"
        elif codecs.lookup(encoding).name in ("utf-16", "utf-32"):
            # these need a byte order mark to know the byte order
            what = f" (no byte order mark: name the order, {encoding}-le or {encoding}-be)"
        return InputFileError(
            f"{self.name}:{where} cannot be read as {encoding}{what}; {ENCODING_HINT}"
        )

    def _read_header(self) -> tuple[list[str], str, int]:
        """The first non-blank line as column names, and the delimiter it uses."""
        line_number = 0
        try:
            while line := self._text.readline(MAX_HEADER_CHARS + 1):
                line_number += 1
                if len(line) > MAX_HEADER_CHARS:
                    raise InputFileError(
                        f"{self.name}: line {line_number}: the header is longer than "
                        f"{MAX_HEADER_CHARS:,} characters; expected a line of question ids "
                        "(`spinetriage template` writes one)"
                    )
                if line.strip():
                    break
            else:
                raise InputFileError(
                    f"{self.name}: the file is empty; expected a header line of question ids "
                    "(`spinetriage template` writes one)"
                )
        except UnicodeError as exc:
            raise self._decode_error(exc) from None
        except OSError as exc:
            raise InputFileError(f"{self.name}: cannot read the file: {exc.strerror}") from None
        delimiter = max(DELIMITERS, key=line.count)
        try:
            cells = next(csv.reader([line.replace("\0", NUL_MARK)], delimiter=delimiter), [])
        except csv.Error:
            raise InputFileError(
                f"{self.name}: line {line_number}: a column name is longer than "
                f"{csv.field_size_limit():,} characters; expected question ids"
            ) from None
        if cells:
            cells[0] = cells[0].removeprefix("\ufeff")
        # a NUL in a column name is shown as what it is (an escaped \x00), not as our mark
        return [cell.strip().replace(NUL_MARK, "\0") for cell in cells], delimiter, line_number

    def records(self) -> Iterator[Record]:
        """The data records after the header; blank lines are not records and are skipped."""
        with self._reading():
            yield from _records(self._reader, self._line_offset, self._marked)

    def _marked(self) -> bool:
        """Whether a line read since the last record held a NUL or was too long."""
        marked, self._nul_lines = self._nul_lines > 0, 0
        return marked

    def line_chunks(self, rows: int, max_lines: int) -> Iterator[LineChunk]:
        """The lines after the header, in chunks of `rows` records (and at most `max_lines`
        lines, however many are blank), each ending where a record ends, so that
        `records_in_lines` reads each back into the records `records()` would give.

        For `batch --jobs`: only a record with a quote is parsed here, to find where it ends
        (a quoted cell may run over lines); every other line is one record, or blank.
        Use instead of `records()`, not with it.
        """
        offset = self.header_line
        lines = self._lines()
        chunk: list[str] = []
        marked: list[int] = []
        count = 0

        def take(line: str) -> str:
            chunk.append(line)
            if self._nul_lines:
                self._nul_lines = 0
                marked.append(len(chunk))
            return line

        full = False
        with self._reading():
            for line in lines:
                if full:  # sent once a line after it shows the file goes on
                    yield LineChunk(chunk, offset, tuple(marked))
                    offset += len(chunk)
                    chunk, marked, count, full = [], [], 0, False
                take(line)
                if '"' in line:
                    # the rest of the record, as the csv module reads it from this line on
                    with contextlib.suppress(csv.Error):
                        rest = map(take, lines)
                        next(csv.reader(chain([line], rest), delimiter=self.delimiter), None)
                    count += 1
                elif line.strip("\r\n"):
                    count += 1
                full = count == rows or len(chunk) >= max_lines
            if chunk:
                yield LineChunk(chunk, offset, tuple(marked), ended=True)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """A problem reading the rest of the file as an InputFileError."""
        try:
            yield
        except UnicodeError as exc:
            raise self._decode_error(exc) from None
        except OSError as exc:
            raise InputFileError(f"{self.name}: cannot read the file: {exc.strerror}") from None


@dataclass(frozen=True, slots=True)
class LineChunk:
    """Lines of a batch file that hold whole records (`CsvSource.line_chunks`)."""

    lines: list[str]
    #: the line before the first
    line_offset: int
    #: the lines (1 for the first) that held a NUL byte or were too long, and were replaced
    marked: tuple[int, ...] = ()
    #: the file ends with this chunk
    ended: bool = False


def _records(reader: Any, offset: int, marked: Callable[[], bool]) -> Iterator[Record]:
    """The records a csv reader gives, numbered from the line after `offset`; `marked()`: a
    line read since the last record held a NUL byte or was too long (then the cells are
    looked at)."""
    previous = 0
    while True:
        try:
            for cells in reader:
                last = reader.line_num
                if not cells:
                    previous = last
                    continue
                if marked():
                    if cells == [_LONG_LINE]:
                        yield Record(previous + 1 + offset, [], last + offset, False, LONG)
                        previous = last
                        continue
                    has_nul = any(NUL_MARK in cell for cell in cells)
                    yield Record(previous + 1 + offset, cells, last + offset, has_nul)
                else:
                    yield Record(previous + 1 + offset, cells, last + offset, False)
                previous = last
            return
        except csv.Error:
            # a cell past the csv module's limit: this row is an error row, the next goes on
            # (a NUL in its lines is this row's, not the next one's)
            marked()
            last = reader.line_num
            yield Record(previous + 1 + offset, [], last + offset, False, _too_long_cell())
            previous = last


def records_in_lines(chunk: LineChunk, delimiter: str) -> Iterator[Record]:
    """The records of a chunk of lines (`CsvSource.line_chunks`), as `CsvSource.records` read
    them, numbered as it numbered them. A worker reads its chunk of rows this way (parallel.py).
    """
    reader = csv.reader(chunk.lines, delimiter=delimiter)
    pending = deque(chunk.marked)

    def marked() -> bool:
        hit = False
        while pending and pending[0] <= reader.line_num:
            pending.popleft()
            hit = True
        return hit

    return _records(reader, chunk.line_offset, marked)


#: why a line too long is not read
LONG = (
    f"the line is longer than {MAX_LINE_CHARS:,} characters and was not read; "
    "allowed: one row of answers per line"
)


def _too_long_cell() -> str:
    return (
        f"a cell is longer than {csv.field_size_limit():,} characters and the row was not read; "
        "allowed: cells up to that length"
    )


def _refuse_encoding(encoding: str) -> None:
    """Refuse at once an encoding Python does not know, or a codec that is not a text encoding
    (rot13, hex, bz2_codec turn bytes into bytes or text into text)."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InputFileError(
            f"unknown encoding '{encoding}' (try utf-8, latin-1 or cp1252)"
        ) from None
    try:
        io.TextIOWrapper(io.BytesIO(), encoding=encoding)
    except LookupError:
        raise InputFileError(
            f"'{encoding}' is not a text encoding (try utf-8, latin-1 or cp1252)"
        ) from None


def _open_binary(path: str) -> IO[bytes]:
    if path == STDIN:
        if sys.stdin is None:  # started with standard input closed (`<&-`)
            raise InputFileError("stdin: standard input is closed; give a file, or pipe the CSV in")
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read the file: {exc.strerror}") from None


def _refuse_workbook(name: str, binary: IO[bytes]) -> None:
    peek = getattr(binary, "peek", None)
    start = peek(8)[:8] if peek is not None else b""
    if start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise InputFileError(
            f"{name}: this is a spreadsheet workbook, not CSV; save it as CSV "
            '("CSV UTF-8" in Excel) and try again'
        )


def _first_undecodable_line(path: Path, encoding: str) -> int:
    """The line of the first byte `encoding` cannot decode (or of the end, when the file stops
    inside a character), counted in bounded chunks whatever the line lengths."""
    decoder = codecs.getincrementaldecoder(encoding)()
    newlines = 0
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(1 << 16)
            pending, flag = decoder.getstate()
            try:
                newlines += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeError as exc:
                if isinstance(exc, UnicodeDecodeError):
                    # what decoded before the bad byte, from the state before this chunk
                    before = codecs.getincrementaldecoder(encoding)()
                    before.setstate((b"", flag))
                    with contextlib.suppress(UnicodeError):
                        newlines += before.decode((pending + chunk)[: exc.start]).count("\n")
                return newlines + 1
            if not chunk:
                return newlines + 1
