"""Reading a batch CSV as a stream: decoding, the header, and records with their line numbers.

Only one record is held at a time, so memory stays flat whatever the file size. What makes the
whole file unusable (missing, empty, undecodable) is an `InputFileError` (exit 2) with a hint.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import InputFileError

#: `-` as the input means standard input
STDIN = "-"
#: UTF-8 with or without a byte order mark (a spreadsheet's "CSV UTF-8")
DEFAULT_ENCODING = "utf-8-sig"
#: a NUL byte is replaced by this mark before the csv module sees it (Python 3.10 refuses NUL)
NUL_MARK = "\ufffe"
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


class CsvSource:
    """An open batch input: `header` and then `records()`, one at a time.

    Use as a context manager; it closes the file (never standard input).
    """

    def __init__(self, path: str, encoding: str | None = None) -> None:
        self.name = "stdin" if path == STDIN else path
        encoding = encoding or DEFAULT_ENCODING
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputFileError(
                f"unknown encoding '{encoding}' (try utf-8, latin-1 or cp1252)"
            ) from None
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

    def total_bytes(self) -> int | None:
        try:
            return Path(self.name).stat().st_size if self.name != "stdin" else None
        except OSError:
            return None

    def _lines(self) -> Iterator[str]:
        for line in self._text:
            if "\0" in line:
                self._nul_lines += 1
                line = line.replace("\0", NUL_MARK)
            yield line

    def _decode_error(self, exc: UnicodeDecodeError) -> InputFileError:
        """Text is decoded in chunks: read again, line by line, to name the first bad line."""
        where = ""
        if self.name != "stdin":
            with contextlib.suppress(OSError):
                where = f" line {_first_undecodable_line(Path(self.name), exc.encoding)}:"
        byte = exc.object[exc.start : exc.start + 1].hex()
        return InputFileError(
            f"{self.name}:{where} cannot be read as {exc.encoding} (byte 0x{byte}); {ENCODING_HINT}"
        )

    def _read_header(self) -> tuple[list[str], str, int]:
        """The first non-blank line as column names, and the delimiter it uses."""
        line_number = 0
        try:
            for line in self._text:
                line_number += 1
                if line.strip():
                    break
            else:
                raise InputFileError(
                    f"{self.name}: the file is empty; expected a header line of question ids "
                    "(`spinetriage template` writes one)"
                )
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None
        line = line.replace("\0", NUL_MARK)
        delimiter = max(DELIMITERS, key=line.count)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        if cells:
            cells[0] = cells[0].removeprefix("\ufeff")
        return [cell.strip() for cell in cells], delimiter, line_number

    def records(self) -> Iterator[Record]:
        """The data records after the header; blank lines are not records and are skipped."""
        reader = self._reader
        offset = self._line_offset
        previous = 0
        try:
            for cells in reader:
                last = reader.line_num
                if not cells:
                    previous = last
                    continue
                has_nul = False
                if self._nul_lines:
                    self._nul_lines = 0
                    has_nul = any(NUL_MARK in cell for cell in cells)
                yield Record(previous + 1 + offset, cells, last + offset, has_nul)
                previous = last
        except UnicodeDecodeError as exc:
            raise self._decode_error(exc) from None
        except csv.Error as exc:
            raise InputFileError(
                f"{self.name}: line {previous + 1 + offset}: cannot be read as CSV ({exc}); "
                'is a quote (") left open?'
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
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    with path.open("rb") as stream:
        for number, line in enumerate(stream, 1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return number
