"""The learner's own (x, y) data from a CSV file: the sidebar's file box, kept in one session only.

:func:`choose` is the sidebar glue: the file box, the two column choices, the sentence when a
file cannot be used (the built-in data stays), and the address bar's note that the data came
from a file a link cannot carry. Reading the file is :mod:`dashboard.upload_read`'s
(:func:`read_table`, :func:`pick`: plain functions, tested without Streamlit); showing what a
file brings as Markdown is :mod:`dashboard.plain_text`'s (:func:`plain`).

A new column choice reads the file's bytes again (Streamlit keeps them while the file box holds
the file).

Uploaded data never leaves the session that sent it: the picked points are kept in that
session's state, keyed by the file's id, and never written to disk or put in a cache other
sessions can hit (``dashboard.cache`` is shared, so no upload may go through it).

Everything a file brings (its name, its column names, the sentences that quote them) reaches
Markdown only through :func:`plain`, which makes it show as the very characters it holds.
"""

from __future__ import annotations

from dashboard.plain_text import plain
from dashboard.upload_read import MAX_COLUMNS, MAX_MB, MAX_ROWS, Points, UploadError, pick, read_table

PARAM = "upload"  # the address bar's note: ?upload=file-not-in-link
PARAM_VALUE = "file-not-in-link"

_STATE = "_upload_state"  # session state: this session's file: its id, columns, picked points or sentence
_WROTE = "_upload_in_address"  # session state: this session has put PARAM in its address
_MEMO = "_upload_results"  # session state: {key: result}, results computed from this session's upload
MEMO_SIZE = 8


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
    st.warning(plain(f"{sentence} The built-in data is shown.", limit=None), icon=":material/upload_file:")


def loaded(key: str = "upload") -> bool:
    """Whether this session has a file in the box ``key`` (readable before the box is drawn, to grey
    out the built-in data choice above it)."""
    import streamlit as st

    return st.session_state.get(key) is not None


def forget() -> None:
    """Drop everything this session holds of an upload: its points, its sentence, its results."""
    import streamlit as st

    st.session_state.pop(_STATE, None)
    st.session_state.pop(_MEMO, None)


def choose(box, *, key: str = "upload", label: str = "Or your own data (CSV)") -> Points | None:
    """The file box and, with a usable file, its x and y column choices; the picked points or None.

    Draw it beside the view's data choice (``box``: the sidebar, as the Panel's). A file that
    cannot be used gets one sentence on the page and None (the view keeps its built-in data).
    With points, the address bar carries ``upload=file-not-in-link``: a link cannot carry the
    file, and whoever opens it is told so and sees the built-in data.

    The session keeps only the file's column names and the picked points (or the sentence):
    a rerun with the same file and columns reads nothing; another column choice reads the
    file's bytes again; removing the file drops it all.
    """
    import streamlit as st

    from dashboard.reconnect import reconnected

    file = box.file_uploader(label, type=["csv", "tsv", "txt"], key=key, max_upload_size=MAX_MB,
                             help="A header row, then rows of numbers separated by commas, semicolons or tabs: "
                                  f"up to {MAX_MB} MB and {MAX_COLUMNS} columns, of which {MAX_ROWS:,} rows are "
                                  "used. The file stays in this browser session.")
    if file is None:
        forget()
        if st.query_params.get(PARAM) is not None:
            del st.query_params[PARAM]
            # A link someone sent, not this session's own address (nor its own page rebuilt after its
            # server went away: reconnect's sentence already says the file must be uploaded again).
            if not (st.session_state.get(_WROTE) or reconnected()):
                st.info("This link was made with an uploaded file, which a link cannot carry: the built-in data "
                        "is shown. Upload the file to see it again.", icon=":material/link_off:")
        return None
    state = st.session_state.get(_STATE)
    table = None
    if not isinstance(state, dict) or state.get("id") != file.file_id:
        forget()  # one file at a time: the last one's points and results go
        try:
            table = read_table(file.getvalue(), file.name)
            state = {"id": file.file_id, "columns": table.columns, "picked": None, "points": None, "problem": ""}
        except UploadError as err:
            state = {"id": file.file_id, "problem": str(err)}
        st.session_state[_STATE] = state
    if "columns" not in state:
        _say(state["problem"])
        return None
    columns = state["columns"]
    x_name = box.selectbox("x column", columns, index=0, key=f"{key}-x")
    y_name = box.selectbox("y column", columns, index=min(1, len(columns) - 1), key=f"{key}-y")
    if state["picked"] != (x_name, y_name):
        try:
            table = table or read_table(file.getvalue(), file.name)  # the bytes again, not a kept table
            state["points"], state["problem"] = pick(table, x_name, y_name), ""
        except UploadError as err:
            state["points"], state["problem"] = None, str(err)
        state["picked"] = (x_name, y_name)
    del table
    if state["points"] is None:
        _say(state["problem"])
        return None
    if st.query_params.get(PARAM) != PARAM_VALUE:
        st.query_params[PARAM] = PARAM_VALUE
        st.session_state[_WROTE] = True
    return state["points"]


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
