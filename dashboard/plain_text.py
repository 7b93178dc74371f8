"""Text from outside the code (a file's name, its column names, sentences quoting them) as Markdown
that shows exactly its characters.

:func:`plain` escapes it for Streamlit's Markdown; :func:`short` cuts a name to
:data:`MAX_NAME_CHARS` characters for a sentence. Both are exported by :mod:`dashboard.upload` too.
"""

from __future__ import annotations

import re

MAX_NAME_CHARS = 40  # of a column name in a sentence


def short(name: str) -> str:
    """A column name cut to MAX_NAME_CHARS characters, for a sentence."""
    name = str(name)
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# GFM's literal autolinks (http://..., www...., x@y.z) are found in the text after escapes are undone
# (mdast-util-gfm-autolink-literal), so an escape cannot stop them: a word joiner (U+2060, invisible,
# no line break) splits each pattern where it starts.
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def plain(text: str, limit: int | None = MAX_NAME_CHARS) -> str:
    """Text from outside the code (a file's name, a column name, a sentence quoting them) as Streamlit
    Markdown that shows exactly its characters: every ASCII punctuation character is backslash-escaped,
    so no link, image, emphasis, HTML, formula, directive or autolink can form, and line breaks become
    spaces. A name is cut to ``limit`` characters first (None: a whole sentence, not cut).

    Use it for every such string that reaches st.markdown, st.caption, st.warning, st.info,
    st.error, or a widget's label or help; a selectbox's options are plain text already.
    """
    text = re.sub(r"\s+", " ", str(text) if limit is None else short(text))
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, text))
