"""Reading a learner's CSV file: from its bytes to checked (x, y) points, without Streamlit.

:func:`read_table` reads what a CSV file's bytes hold from its header and first rows (the
separator, the encoding, which columns hold numbers, how many rows there are), or raises
:class:`UploadError` with one sentence for the learner; :func:`pick` then reads only the x
and y columns, of at most :data:`MAX_ROWS` rows, checked the same way. Both are plain
functions, tested without Streamlit; :mod:`dashboard.upload` (the sidebar's file box) calls
them and exports every public name of this module.

What is read:

- at most :data:`MAX_BYTES` bytes (the file box's own limit too) and a header of at most
  :data:`MAX_COLUMNS` columns, refused from the header line before anything else is read;
- text in UTF-8 (with or without a byte-order mark) or, failing that, Latin-1;
- fields separated by commas, semicolons or tabs (the one that splits the header into the
  most fields, and the first rows alike); with semicolons, a decimal comma (``3,5``) is read
  too; quote marks must pair up within a line (a cell may not run over two lines);
- a header row of column names; a column is offered when its values in the first rows are
  numbers (empty cells are missing values, reported when that column is picked);
- at most :data:`MAX_ROWS` rows: from a longer file, a seeded random sample of that many
  rows, and the page says so. The sample is drawn from the line starts (found with numpy,
  :data:`CHUNK` bytes at a time) and only its lines are parsed, so the cost of a file is
  about the rows used, not the rows it has.

What it costs: counting the rows holds one chunk's lines at a time (about 1 MB, whatever the
file's size); picking holds the lines used twice over and the parser's buffers for a moment
(measured: 100,000 rows sampled from 5 million, 8 MB; a 5 MB file of 50 columns, all used,
17 MB), then only the picked (x, y) points, 16 bytes a row, which the session keeps; no
other column is converted.

The sentences quote names from the file (cut by :func:`dashboard.plain_text.short`): show them
through :func:`dashboard.plain_text.plain`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard.plain_text import short

MAX_ROWS = 100_000
MAX_COLUMNS = 50  # of a file's header; a wider file is refused from its first line
MAX_MB = 5  # the file box's limit, in Streamlit's megabytes (server.maxUploadSize counts MiB)
MAX_BYTES = MAX_MB * 1024 * 1024
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
SNIFF_LINES = 50  # the header and the first data lines: the separator and which columns hold numbers
CHUNK = 1 << 16  # bytes scanned at a time for line starts (a longer line is scanned whole)
LIMIT = 1e150  # a value this large squared overflows float64's 1.8e308 in any loss
SAMPLE_SEED = 0

_INK = re.compile(rb"[^\x00-\x20]")  # a byte that makes a line not blank
_QUOTED = re.compile(rb'"[^"\n]*"')  # a quoted cell within one line
_NUMBER = re.compile(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)", re.IGNORECASE)


class UploadError(ValueError):
    """A file that cannot be used; the message is one sentence for the learner, in plain text
    (it quotes names from the file: show it through :func:`dashboard.plain_text.plain`)."""


@dataclass(frozen=True, eq=False)
class Table:
    """What an uploaded file holds, read from its header and first rows; :func:`pick` reads the values.

    Attributes:
        name: the file's name.
        header: every column name of the header, in file order (blank ones named
            "Column k", repeated ones "name.1", "name.2", ...).
        numeric: the columns whose values in the first rows are numbers, in file order.
        rows_in_file: how many data rows (non-blank lines after the header) the file has.
        separator: the field separator found.
        encoding: "utf-8" or "latin-1".
        decimal_comma: whether numbers are written 3,5 (semicolon files only).
        data: the file's bytes (not copied).
        body: where the line after the header starts in ``data``.
    """

    name: str
    header: tuple[str, ...]
    numeric: tuple[str, ...]
    rows_in_file: int
    separator: str
    encoding: str
    decimal_comma: bool = False
    data: bytes = field(default=b"", repr=False)
    body: int = 0

    @property
    def columns(self) -> list[str]:
        """The columns offered for x and y: those that hold numbers in the first rows."""
        return list(self.numeric)

    @property
    def rows_used(self) -> int:
        return min(self.rows_in_file, MAX_ROWS)

    @property
    def sampled(self) -> bool:
        return self.rows_in_file > MAX_ROWS

    def rows(self) -> np.ndarray:
        """The data rows used (0-based, sorted): all of them, or the seeded sample of MAX_ROWS."""
        if not self.sampled:
            return np.arange(self.rows_in_file)
        return sample(self.rows_in_file, MAX_ROWS, SAMPLE_SEED)

    def note(self) -> str:
        """What was read, in one sentence ('' when nothing needs saying)."""
        if self.sampled:
            return (f"The file has {self.rows_in_file:,} rows; a random sample of {self.rows_used:,} of them "
                    f"(seed {SAMPLE_SEED}) is used.")
        return ""


@dataclass(frozen=True, eq=False)
class Points:
    """The picked (x, y) pairs of an upload: x, y of shape (n,), finite float64, n >= 3."""

    x: np.ndarray
    y: np.ndarray
    x_name: str
    y_name: str
    file_name: str
    note: str = ""

    @property
    def n(self) -> int:
        return int(self.x.size)

    @property
    def key(self) -> tuple:
        """What identifies these points within a session (for its own small cache)."""
        return (self.file_name, self.x_name, self.y_name, self.n, float(self.x.sum()), float(self.y.sum()))



def sample(n: int, k: int, seed: int) -> np.ndarray:
    """``k`` distinct integers of ``range(n)``, a uniform random choice drawn with ``seed``, sorted.

    Memory and time grow with ``k``, not ``n`` (numpy's ``choice(n, k, replace=False)``
    shuffles all of ``range(n)`` when k > n / 50): the first ``m`` distinct values of a stream
    of uniform draws are a uniform random set of ``m``; when more than half are kept, the
    ``n - k`` left out are drawn instead.
    """
    if not 0 <= k <= n:
        raise ValueError(f"k must be between 0 and n={n}; got {k}")
    rng = np.random.default_rng(seed)
    m = min(k, n - k)
    chosen = np.empty(0, dtype=np.int64)
    while chosen.size < m:
        drawn = np.concatenate([chosen, rng.integers(0, n, size=(m - chosen.size) * 3 // 2 + 16)])
        _, first = np.unique(drawn, return_index=True)
        chosen = drawn[np.sort(first)][:m]  # each value once, in the order first drawn
    chosen.sort()
    if m == k:
        return chosen
    keep = np.ones(n, dtype=bool)  # n < 2k here, so this is O(k)
    keep[chosen] = False
    return np.flatnonzero(keep)


# --------------------------------------------------------------------------- reading
def _line(data: bytes, begin: int) -> tuple[int, int] | None:
    """(start, end) of the first non-blank line at or after ``begin`` (end: its newline or the file's end)."""
    ink = _INK.search(data, begin)
    if ink is None:
        return None
    start = max(begin, data.rfind(b"\n", begin, ink.start()) + 1)
    end = data.find(b"\n", ink.start())
    return start, len(data) if end < 0 else end


def _fields(line: bytes, sep: str) -> int:
    """How many fields ``sep`` splits one line into (separators inside quotes do not count)."""
    return _QUOTED.sub(b"", line).count(sep.encode()) + 1


def _quote_error(line: int) -> UploadError:
    return UploadError(f'Line {line:,} has quote marks (") this reader cannot follow (a cell may run over two lines, '
                       "or a quote may lack its partner): remove them and upload again.")


def _encoding(data: bytes) -> str:
    """"utf-8" when every byte of ``data`` is valid UTF-8 (checked CHUNK bytes at a time), else "latin-1"."""
    if data.isascii():
        return "utf-8"
    decoder, view = codecs.getincrementaldecoder("utf-8")(), memoryview(data)
    try:
        for at in range(0, len(data), 16 * CHUNK):
            decoder.decode(view[at: at + 16 * CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def _chunks(data: bytes, begin: int):
    """The lines of ``data[begin:]``, about CHUNK bytes at a time, each chunk cut at a line's end.

    Yields ``(pos, a, starts, ends)``: the chunk's offset in ``data``, its bytes as uint8 (a
    view, not a copy), and where each of its lines starts and ends (its newline, or the end of
    the file) within it. A line spans ``starts[i]`` up to the next line's start, so
    ``np.add.reduceat(..., starts)`` sums over each line's bytes.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    pos, size = begin, len(data)
    while pos < size:
        stop = min(pos + CHUNK, size)
        if stop < size:
            cut = data.rfind(b"\n", pos, stop)
            stop = cut + 1 if cut >= 0 else (data.find(b"\n", stop) + 1 or size)
        a = arr[pos:stop]
        ends = np.flatnonzero(a == 10)
        if ends.size == 0 or ends[-1] != a.size - 1:
            ends = np.append(ends, a.size)
        starts = np.empty_like(ends)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        yield pos, a, starts, ends
        pos = stop


def _count_rows(data: bytes, body: int, sep: str, fields: int, first_line: int) -> int:
    """The non-blank lines from ``body`` on; :class:`UploadError` at the first with another number of
    fields, or with quote marks that do not pair up (``first_line``: the line number of ``body``)."""
    quoted = data.find(b'"', body) >= 0
    rows, line = 0, first_line
    for _, a, starts, _ in _chunks(data, body):
        kept = np.add.reduceat(a > 32, starts) > 0
        is_sep = a == ord(sep)
        wrong = np.zeros(starts.size, dtype=bool)
        if quoted:
            is_quote = a == 34
            # A separator after an odd number of quote marks is inside a quoted cell (every line
            # before the first with an odd count has an even one, so the count starts even).
            is_sep &= (np.cumsum(is_quote, dtype=np.uint8) & 1) == 0
            wrong = kept & (np.add.reduceat(is_quote, starts) % 2 == 1)
        seps = np.add.reduceat(is_sep, starts)
        ragged = kept & (seps != fields - 1)
        if ragged.any() or wrong.any():
            first = int(np.flatnonzero(ragged | wrong)[0])
            if wrong[first]:
                raise _quote_error(line + first)
            raise UploadError("The rows do not all have as many fields as the header "
                              f"(the first that differs is line {line + first:,}).")
        rows += int(np.count_nonzero(kept))
        line += starts.size
    return rows


def read_table(data: bytes, name: str = "upload.csv", *, max_bytes: int = MAX_BYTES) -> Table:
    """What a CSV file's bytes hold; :class:`UploadError` with one sentence if it cannot be used.

    Reads the header and the first :data:`SNIFF_LINES` lines, and counts the rows with numpy;
    no value is converted (that is :func:`pick`'s, for the two columns picked). ``max_bytes``:
    a larger file is refused unread (the file box refuses it too; a test may raise the limit).
    """
    data = bytes(data)
    if len(data) > max_bytes:
        raise UploadError(f"The file is {len(data) / 2**20:,.1f} MB, and at most {max_bytes / 2**20:g} MB can be read: "
                          "keep the rows and columns you need in a smaller file and upload that.")
    head = _line(data, 0)
    if head is None:
        raise UploadError("The file is empty.")
    if b"\x00" in data[:65536]:
        raise UploadError("This file holds binary bytes, not text: upload a CSV file saved as text.")
    header = data[head[0]:head[1]]
    widest = max(_fields(header, sep) for sep in SEPARATORS)
    if widest > MAX_COLUMNS:
        raise UploadError(f"The file has {widest:,} columns, and at most {MAX_COLUMNS} can be read: keep the x and y "
                          "columns (and a few more) in a smaller file and upload that.")
    encoding = _encoding(data)
    if encoding == "latin-1":
        start = data[:65536].decode("latin-1")
        if sum(ch < " " and ch not in "\t\r\n" for ch in start) > 0.01 * len(start):
            raise UploadError("This file holds binary bytes, not text: upload a CSV file saved as text.")

    first: list[tuple[int, bytes]] = []  # (line number, bytes) of the first data lines
    header_line = data.count(b"\n", 0, head[0]) + 1
    line, at = header_line, head[1]
    while len(first) < SNIFF_LINES - 1 and (found := _line(data, at + 1)) is not None:
        line += data.count(b"\n", at, found[0])
        first.append((line, data[found[0]:found[1]]))
        at = found[1]

    for line, raw in [(header_line, header), *first]:
        if raw.count(b'"') % 2:
            raise _quote_error(line)
    sep, best = None, 1
    for candidate in SEPARATORS:
        count = _fields(header, candidate)
        if count > best and all(_fields(line, candidate) == count for _, line in first):
            sep, best = candidate, count
    if sep is None:
        raise UploadError("Found no columns in this file: it needs a header row and at least two columns of "
                          "numbers separated by commas, semicolons or tabs.")

    def cells(line: int, raw: bytes) -> list[str]:
        text = raw.decode(encoding).rstrip("\r")
        row = next(csv.reader([text], delimiter=sep), [])
        if len(row) != best:
            raise _quote_error(line)
        return [cell.strip() for cell in row]

    names = _names(cells(header_line, header))
    if not first:
        raise UploadError("The file has a header row but no rows of data.")
    rows = [cells(line, raw) for line, raw in first]
    numeric = [n for i, n in enumerate(names) if _looks_numeric([r[i] for r in rows], decimal_comma=False)]
    decimal_comma = False
    if sep == ";" and len(numeric) < 2:  # 3,5 as in much of Europe
        comma = [n for i, n in enumerate(names) if _looks_numeric([r[i] for r in rows], decimal_comma=True)]
        if len(comma) > len(numeric):
            numeric, decimal_comma = comma, True
    if len(numeric) < 2:
        words = [c for c in names if c not in numeric]
        have = f"only {short(numeric[0])!r} is" if numeric else "none is"
        raise UploadError(f"The file needs two columns of numbers, and {have}: {short(words[0])!r} holds words "
                          "or other text.")
    total = _count_rows(data, head[1] + 1, sep, best, header_line + 1)
    return Table(name=name, header=tuple(names), numeric=tuple(numeric), rows_in_file=total, separator=sep,
                 encoding=encoding, decimal_comma=decimal_comma, data=data, body=head[1] + 1)


def _names(header: list[str]) -> list[str]:
    """The header's names: the first's byte-order mark dropped, blanks named, repeats numbered (as pandas does)."""
    names, seen = [], set()
    for i, name in enumerate(header):
        name = name.lstrip("\ufeff").strip() if i == 0 else name
        name = name or f"Column {i + 1}"
        base, k = name, 0
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen.add(name)
        names.append(name)
    return names


def _looks_numeric(values: list[str], *, decimal_comma: bool) -> bool:
    """Whether every non-empty value is a number (and one is there at all)."""
    filled = [v.replace(",", ".") if decimal_comma else v for v in values if v]
    return bool(filled) and all(_NUMBER.fullmatch(v) for v in filled)


def _gather(table: Table, rows: np.ndarray) -> bytes:
    """The lines of the data rows ``rows`` (sorted), each ending in a newline, in file order."""
    pieces, seen = [], 0
    for _, a, starts, _ in _chunks(table.data, table.body):
        kept = np.flatnonzero(np.add.reduceat(a > 32, starts) > 0)
        low, high = np.searchsorted(rows, [seen, seen + kept.size])
        if high > low:
            take = np.zeros(starts.size, dtype=bool)
            take[kept[rows[low:high] - seen]] = True
            piece = a[np.repeat(take, np.diff(starts, append=a.size))].tobytes()
            pieces.append(piece if piece.endswith(b"\n") else piece + b"\n")
        seen += kept.size
        if high == rows.size:
            break
    return b"".join(pieces)


def _columns(table: Table, blob: bytes, names: tuple[str, str], rows: np.ndarray) -> list[np.ndarray]:
    """The columns ``names`` of the lines ``blob`` as float64 (NaN for an empty cell); :class:`UploadError`
    naming the first cell that is not a number. Only these two columns are converted."""
    where = [table.header.index(n) for n in names]
    common = dict(sep=table.separator, header=None, usecols=where, engine="c", encoding=table.encoding,
                  skip_blank_lines=False, keep_default_na=False)
    try:
        frame = pd.read_csv(io.BytesIO(blob), dtype=np.float64, na_values=[""],
                            decimal="," if table.decimal_comma else ".", **common)
        values = [frame[i].to_numpy(dtype=np.float64) for i in where]
    except ValueError:  # a cell that is not a plain number (or spaces for a missing value): find it
        try:
            frame = pd.read_csv(io.BytesIO(blob), dtype=str, na_filter=False, **common)
        except ValueError:
            raise UploadError("The rows do not all have as many fields as the header.") from None
        values = []
        for i, name in zip(where, names):
            text = frame[i].str.strip()
            empty = text == ""
            if table.decimal_comma:
                text = text.str.replace(",", ".", regex=False)
            number = pd.to_numeric(text.where(~empty), errors="coerce")
            bad = np.flatnonzero((number.isna() & ~empty).to_numpy())
            if bad.size:
                raise UploadError(f"Column {short(name)!r} holds words or other text in data row "
                                  f"{rows[bad[0]] + 1:,} ({short(frame[i].iloc[bad[0]])!r}): pick a column of "
                                  "numbers, or fix that cell.") from None
            values.append(number.to_numpy(dtype=np.float64))
    if len(values[0]) != rows.size:  # a quote that pandas reads across a line's end
        raise UploadError('Some quote marks (") in this file join lines into one row: remove them and upload again.')
    return values


def pick(table: Table, x_name: str, y_name: str) -> Points:
    """The x and y columns of ``table`` as :class:`Points`; :class:`UploadError` if they cannot be fitted.

    Reads only the rows used (all, or the seeded sample) and converts only these two columns.
    """
    if x_name == y_name:
        raise UploadError("Pick two different columns for x and y.")
    used = table.rows_used
    if used < 3:
        raise UploadError(f"The file has {used} row{'s' if used != 1 else ''} of data: a line needs at least 3 "
                          "points to show anything.")
    for name in (x_name, y_name):
        if name not in table.numeric:
            raise UploadError(f"The file has no numeric column {short(name)!r}.")
    rows = table.rows()
    columns = _columns(table, _gather(table, rows), (x_name, y_name), rows)
    among = f" among the {used:,} rows used" if table.sampled else ""
    for role, name, values in zip("xy", (x_name, y_name), columns):
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            raise UploadError(f"Column {short(name)!r} has {missing.size:,} empty cell"
                              f"{'s' if missing.size > 1 else ''}{among} (the first in data row "
                              f"{rows[missing[0]] + 1:,}): fill or remove them and upload again.")
        huge = np.flatnonzero(~(np.abs(values) < LIMIT))
        if huge.size:
            what = "an infinite value" if np.isinf(values[huge[0]]) else "a number too large to square"
            raise UploadError(f"Column {short(name)!r} holds {what} in data row {rows[huge[0]] + 1:,}: every value "
                              "must be finite and below 1e150 in size.")
        if np.ptp(values) == 0:
            raise UploadError(f"Column {short(name)!r} has the same value in every row: "
                              + ("a line needs x values that differ." if role == "x" else "there is nothing to fit."))
    return Points(columns[0], columns[1], x_name, y_name, table.name, table.note())

