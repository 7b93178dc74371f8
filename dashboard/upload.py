"""The learner's own (x, y) data from a CSV file: read, checked, and kept in one session only.

:func:`read_table` turns the file's bytes into a table of its numeric columns, or raises
:class:`UploadError` with one sentence for the learner; :func:`pick` takes the x and y
columns out of it, checked the same way. Both are plain functions, tested without
Streamlit. :func:`choose` is the sidebar glue: the file box, the two column choices, the
sentence when a file cannot be used (the built-in data stays), and the address bar's note
that the data came from a file a link cannot carry.

What is read:

- text in UTF-8 (with or without a byte-order mark) or, failing that, Latin-1;
- fields separated by commas, semicolons or tabs (the one that splits the header into the
  most fields, and every row alike); with semicolons, a decimal comma (``3,5``) is read too;
- a header row of column names; a column is numeric when every one of its values is a
  number (empty cells are missing values, reported when that column is picked);
- at most :data:`MAX_ROWS` rows: a larger file is cut to a seeded random sample of that
  many rows, and the table says so.

Uploaded data never leaves the session that sent it: the parsed table is kept in that
session's state, keyed by the file's id, and never written to disk or put in a cache other
sessions can hit (``dashboard.cache`` is shared, so no upload may go through it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

MAX_ROWS = 100_000
MAX_NAME_CHARS = 40  # of a column name in a sentence
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
LIMIT = 1e150  # a value this large squared overflows float64's 1.8e308 in any loss
SAMPLE_SEED = 0
PARAM = "upload"  # the address bar's note: ?upload=file-not-in-link
PARAM_VALUE = "file-not-in-link"


class UploadError(ValueError):
    """A file that cannot be used; the message is one sentence for the learner."""


@dataclass(frozen=True, eq=False)
class Table:
    """The numeric columns of an uploaded file.

    Attributes:
        name: the file's name.
        frame: one float64 column per numeric column of the file (NaN where a cell is empty),
            at most MAX_ROWS rows, in file order.
        rows_in_file: how many data rows the file has.
        separator: the field separator found.
        encoding: "utf-8" or "latin-1".
    """

    name: str
    frame: pd.DataFrame
    rows_in_file: int
    separator: str
    encoding: str

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def sampled(self) -> bool:
        return self.rows_in_file > len(self.frame)

    def note(self) -> str:
        """What was read, in one sentence ('' when nothing needs saying)."""
        if self.sampled:
            return (f"The file has {self.rows_in_file:,} rows; a random sample of {len(self.frame):,} of them "
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


def short(name: str) -> str:
    """A column name cut to MAX_NAME_CHARS characters, for a sentence."""
    name = str(name)
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _decode(data: bytes) -> tuple[str, str]:
    if b"\x00" in data[:65536]:
        raise UploadError("This file holds binary bytes, not text: upload a CSV file saved as text.")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    controls = sum(ch < " " and ch not in "\t\r\n" for ch in text[:65536])
    if controls > 0.01 * min(len(text), 65536):
        raise UploadError("This file holds binary bytes, not text: upload a CSV file saved as text.")
    return text, "latin-1"


def _separator(lines: list[str]) -> str:
    """The separator that splits the header into the most fields and every sampled row alike."""
    best, best_count = None, 1
    for sep in SEPARATORS:
        counts = {len(row) for row in csv.reader(lines, delimiter=sep) if row}
        header = next(csv.reader(lines[:1], delimiter=sep), [])
        if len(counts) == 1 and len(header) > best_count:
            best, best_count = sep, len(header)
    if best is None:
        raise UploadError("Found no columns in this file: it needs a header row and at least two columns of "
                          "numbers separated by commas, semicolons or tabs.")
    return best


def _numeric(column: pd.Series, decimal_comma: bool) -> pd.Series | None:
    """The column as float64 (NaN for empty cells), or None when a value is not a number."""
    text = column.astype("string").str.strip()
    empty = text.isna() | (text == "")
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    values = pd.to_numeric(text.where(~empty), errors="coerce")
    if (values.isna() & ~empty).any() or empty.all():
        return None
    return values.astype("float64")


def read_table(data: bytes, name: str = "upload.csv") -> Table:
    """The numeric columns of a CSV file's bytes; :class:`UploadError` with one sentence if it cannot be used."""
    if not data.strip():
        raise UploadError("The file is empty.")
    text, encoding = _decode(data)
    lines = [line for line in text.splitlines() if line.strip()]
    sep = _separator(lines[:50])
    if len(lines) < 2:
        raise UploadError("The file has a header row but no rows of data.")
    try:
        raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True,
                          engine="c")
    except (pd.errors.ParserError, ValueError) as err:
        found = re.search(r"line (\d+)", str(err))
        where = f" (the first that differs is line {found.group(1)})" if found else ""
        raise UploadError(f"The rows do not all have as many fields as the header{where}.") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    if len(raw.columns) < 2:
        raise UploadError("The file has a single column: it needs one column for x and one for y.")
    if len(raw) < 1:
        raise UploadError("The file has a header row but no rows of data.")
    numeric = {c: _numeric(raw[c], decimal_comma=False) for c in raw.columns}
    if sep == ";" and sum(v is not None for v in numeric.values()) < 2:
        numeric = {c: _numeric(raw[c], decimal_comma=True) for c in raw.columns}  # 3,5 as in much of Europe
    numeric = {c: v for c, v in numeric.items() if v is not None}
    if len(numeric) < 2:
        words = [c for c in raw.columns if c not in numeric]
        have = f"only {short(next(iter(numeric)))!r} is" if numeric else "none is"
        raise UploadError(f"The file needs two columns of numbers, and {have}: {short(words[0])!r} holds words "
                          "or other text.")
    frame = pd.DataFrame(numeric)
    rows = len(frame)
    if rows > MAX_ROWS:
        keep = np.sort(np.random.default_rng(SAMPLE_SEED).choice(rows, MAX_ROWS, replace=False))
        frame = frame.iloc[keep].reset_index(drop=True)
    return Table(name=name, frame=frame, rows_in_file=rows, separator=sep, encoding=encoding)


def pick(table: Table, x_name: str, y_name: str) -> Points:
    """The x and y columns of ``table`` as :class:`Points`; :class:`UploadError` if they cannot be fitted."""
    if x_name == y_name:
        raise UploadError("Pick two different columns for x and y.")
    if len(table.frame) < 3:
        raise UploadError(f"The file has {len(table.frame)} row{'s' if len(table.frame) != 1 else ''} of data: a "
                          "line needs at least 3 points to show anything.")
    columns = {}
    for role, name in (("x", x_name), ("y", y_name)):
        if name not in table.frame:
            raise UploadError(f"The file has no numeric column {short(name)!r}.")
        values = table.frame[name].to_numpy(dtype=np.float64)
        missing = np.flatnonzero(np.isnan(values))
        if missing.size:
            raise UploadError(f"Column {short(name)!r} has {missing.size:,} empty cell"
                              f"{'s' if missing.size > 1 else ''} (the first in data row {missing[0] + 1:,}): "
                              "fill or remove them and upload again.")
        huge = np.flatnonzero(~(np.abs(values) < LIMIT))
        if huge.size:
            what = "an infinite value" if np.isinf(values[huge[0]]) else "a number too large to square"
            raise UploadError(f"Column {short(name)!r} holds {what} in data row {huge[0] + 1:,}: every value must be "
                              f"finite and below 1e150 in size.")
        if np.ptp(values) == 0:
            raise UploadError(f"Column {short(name)!r} has the same value in every row: "
                              + ("a line needs x values that differ." if role == "x" else "there is nothing to fit."))
        columns[role] = values
    return Points(columns["x"], columns["y"], x_name, y_name, table.name, table.note())


# --------------------------------------------------------------------------- the sidebar
_TABLES = "_upload_tables"  # session state: {file id: Table}, this session's files only
_WROTE = "_upload_in_address"  # session state: this session has put PARAM in its address
_MEMO = "_upload_results"  # session state: {key: result}, results computed from this session's upload
MEMO_SIZE = 8
MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def plain(text: str) -> str:
    """A name from a file, safe in Streamlit markdown: every markdown character escaped (no link, no HTML)."""
    return MARKDOWN.sub(r"\\\1", short(text))


def caption(points: Points, *more: str) -> str:
    """The line over a view's numbers that says the data are the learner's: columns, rows, file,
    then the view's own sentences (``more``) and the sampling note, if any."""
    head = (f":material/upload_file: Your data: {plain(points.y_name)} against {plain(points.x_name)}, "
            f"{points.n:,} rows of {plain(points.file_name)}.")
    return " ".join(part for part in (head, *more, points.note) if part)


def _say(sentence: str) -> None:
    """One sentence on why the file cannot be used; the address bar loses its upload note at once,
    since the page now shows the built-in data (not left to whichever later rerun rewrites the link)."""
    import streamlit as st

    if st.query_params.get(PARAM) is not None:
        del st.query_params[PARAM]
    st.warning(f"{sentence} The built-in data is shown.", icon=":material/upload_file:")


def loaded(key: str = "upload") -> bool:
    """Whether this session has a file in the box ``key`` (readable before the box is drawn, to grey
    out the built-in data choice above it)."""
    import streamlit as st

    return st.session_state.get(key) is not None


def choose(box, *, key: str = "upload", label: str = "Or your own data (CSV)") -> Points | None:
    """The file box and, with a usable file, its x and y column choices; the picked points or None.

    Draw it beside the view's data choice (``box``: the sidebar, as the Panel's). A file that
    cannot be used gets one sentence on the page and None (the view keeps its built-in data).
    With points, the address bar carries ``upload=file-not-in-link``: a link cannot carry the
    file, and whoever opens it is told so and sees the built-in data.
    """
    import streamlit as st

    file = box.file_uploader(label, type=["csv", "tsv", "txt"], key=key,
                             help="A header row, then rows of numbers separated by commas, semicolons or tabs. "
                                  f"Up to {MAX_ROWS:,} rows are used. The file stays in this browser session.")
    tables = st.session_state.setdefault(_TABLES, {})
    if file is None:
        tables.clear()
        st.session_state.pop(_MEMO, None)
        if st.query_params.get(PARAM) is not None:
            del st.query_params[PARAM]
            if not st.session_state.get(_WROTE):  # a link someone sent, not this session's own address
                st.info("This link was made with an uploaded file, which a link cannot carry: the built-in data "
                        "is shown. Upload the file to see it again.", icon=":material/link_off:")
        return None
    table = tables.get(file.file_id)
    if table is None:
        try:
            table = read_table(file.getvalue(), file.name)
        except UploadError as err:
            _say(str(err))
            return None
        tables.clear()  # one file at a time
        tables[file.file_id] = table
    columns = table.columns
    x_name = box.selectbox("x column", columns, index=0, key=f"{key}-x")
    y_name = box.selectbox("y column", columns, index=min(1, len(columns) - 1), key=f"{key}-y")
    try:
        points = pick(table, x_name, y_name)
    except UploadError as err:
        _say(str(err))
        return None
    if st.query_params.get(PARAM) != PARAM_VALUE:
        st.query_params[PARAM] = PARAM_VALUE
        st.session_state[_WROTE] = True
    return points


def remembered(points: Points, what: str, fn, /, *args):
    """``fn(points, *args)``, kept in this session only (never in the shared cache) for a few reruns."""
    import streamlit as st

    memo = st.session_state.setdefault(_MEMO, {})
    key = (what, points.key, args)
    if key not in memo:
        if len(memo) >= MEMO_SIZE:
            memo.pop(next(iter(memo)))
        memo[key] = fn(points, *args)
    return memo[key]
