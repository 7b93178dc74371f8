"""A learner's own CSV: what is read, what it costs, and one sentence for every file that cannot be used."""

from __future__ import annotations

import re
import tracemalloc

import numpy as np
import pytest

from dashboard.plain_text import MAX_NAME_CHARS, WORD_JOINER, plain
from dashboard.upload_read import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, SAMPLE_SEED, UploadError, pick, read_table, sample

GOOD = "temp,sales,city\n21.5,120,Lagos\n25.0,150,Abuja\n30.5,190,Lagos\n28,170,Kano\n"


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """Each value's ``width`` decimal digits (leading zeros) as ASCII bytes, shape (n, width)."""
    return (values[:, None] // 10 ** np.arange(width - 1, -1, -1) % 10 + 48).astype(np.uint8)


def rows_csv(n: int) -> bytes:
    """A CSV of ``n`` rows "x,y" with x = the row's index (0, 1, ...) and y = 2x + 1, made with numpy."""
    i = np.arange(n)
    w = len(str(2 * n))
    line = np.concatenate([digits(i, w), np.full((n, 1), ord(",")), digits(2 * i + 1, w),
                           np.full((n, 1), ord("\n"))], axis=1).astype(np.uint8)
    return b"x,y\n" + line.tobytes()


def wide_csv(columns: int, size: int) -> bytes:
    """A CSV of ``columns`` one-digit columns, about ``size`` bytes."""
    header = ",".join(f"c{i}" for i in range(columns)).encode() + b"\n"
    row = ",".join(str(i % 10) for i in range(columns)).encode() + b"\n"
    return header + row * max(1, (size - len(header)) // len(row))


def peak_bytes(fn, *args, **kwargs) -> tuple[object, int]:
    """``fn(*args, **kwargs)`` (or the UploadError it raised) and the most memory it held at once
    (tracemalloc, which counts numpy's arrays too)."""
    tracemalloc.start()
    try:
        try:
            result = fn(*args, **kwargs)
        except UploadError as err:
            result = err
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_comma_file_keeps_its_numeric_columns_in_order():
    table = read_table(GOOD.encode(), "shop.csv")
    assert table.columns == ["temp", "sales"], "the words column is not offered"
    assert table.header == ("temp", "sales", "city")
    assert table.separator == "," and table.encoding == "utf-8" and not table.sampled
    points = pick(table, "temp", "sales")
    np.testing.assert_array_equal(points.x, [21.5, 25.0, 30.5, 28.0])
    np.testing.assert_array_equal(points.y, [120, 150, 190, 170])
    assert points.n == 4 and points.note == ""


@pytest.mark.parametrize(("text", "encoding"), [
    ("temp;sales\n21,5;120\n25,0;150\n30,5;190\n", "utf-8"),  # semicolons and decimal commas
    ("temp\tsales\n21.5\t120\n25.0\t150\n30.5\t190\n", "utf-8"),  # tabs
    ("\ufefftemp,sales\n21.5,120\n25.0,150\n30.5,190\n", "utf-8"),  # a byte-order mark
    ("température,ventes\n21.5,120\n25.0,150\n30.5,190\n", "latin-1"),  # Latin-1 bytes
    ("temp , sales \n 21.5 , 120\n\n25.0,150\n30.5,190\n", "utf-8"),  # spaces and a blank line
    ("temp,sales\r\n21.5,120\r\n25.0,150\r\n30.5,190\r\n", "utf-8"),  # Windows line ends
    ('"temp, °C","sales"\n"21.5",120\n"25.0",150\n30.5,"190"\n', "utf-8"),  # quoted cells holding commas
])
def test_separators_encodings_and_decimal_commas_are_recognized(text, encoding):
    table = read_table(text.encode(encoding), "file.csv")
    assert table.encoding == encoding
    points = pick(table, table.columns[0], table.columns[1])
    np.testing.assert_allclose(points.x, [21.5, 25.0, 30.5])
    np.testing.assert_allclose(points.y, [120, 150, 190])
    if encoding == "latin-1":
        assert table.columns == ["température", "ventes"]
    if '"' in text:
        assert table.columns == ["temp, °C", "sales"]


def test_a_longer_file_is_cut_to_a_seeded_sample_and_the_note_is_true():
    rows = 300_000
    data = rows_csv(rows)
    table = read_table(data, "big.csv")
    assert table.rows_in_file == rows and table.sampled and table.rows_used == MAX_ROWS
    assert table.note() == f"The file has 300,000 rows; a random sample of 100,000 of them (seed {SAMPLE_SEED}) is used."
    points = pick(table, "x", "y")
    assert points.n == MAX_ROWS and points.note == table.note()
    np.testing.assert_array_equal(points.y, 2 * points.x + 1)  # rows stay whole
    # x is the row's index: the rows used are the seeded sample, distinct, in file order, from the whole file.
    np.testing.assert_array_equal(points.x, sample(rows, MAX_ROWS, SAMPLE_SEED))
    assert np.all(np.diff(points.x) > 0), "in file order, no row twice"
    assert points.x.min() < rows / 100 and points.x.max() > rows * 0.99, "a file sorted by x keeps its range"


def test_a_file_of_exactly_max_rows_is_used_whole():
    table = read_table(rows_csv(MAX_ROWS), "edge.csv")
    assert not table.sampled and table.note() == ""
    np.testing.assert_array_equal(pick(table, "x", "y").x, np.arange(MAX_ROWS))


@pytest.mark.parametrize(("n", "k"), [(10, 3), (10, 7), (10, 10), (10, 0), (5_000_000, MAX_ROWS), (MAX_ROWS + 1, MAX_ROWS)])
def test_the_sample_is_distinct_sorted_and_seeded(n, k):
    drawn = sample(n, k, 0)
    assert drawn.size == k and np.all(np.diff(drawn) > 0) and (k == 0 or (drawn[0] >= 0 and drawn[-1] < n))
    np.testing.assert_array_equal(drawn, sample(n, k, 0))
    if 0 < k < n and n > 10:
        assert not np.array_equal(drawn, sample(n, k, 1)), "another seed, another sample"


def test_the_sample_is_uniform():
    counts = np.zeros(10)
    for seed in range(1000):
        counts[sample(10, 3, seed)] += 1  # and sample(10, 7) draws the 3 it leaves out
        counts[sample(10, 7, seed + 10_000)] += 1
    np.testing.assert_allclose(counts / 1000, 1.0, atol=0.08)  # each kept 0.3 + 0.7 of the time (sd 0.02)


def test_a_file_of_five_million_rows_costs_about_the_rows_used():
    block = b"".join(b"%d,%d\n" % (i % 10, 3 * i % 10) for i in range(1_000))
    data = b"x,y\n" + block * 5_000  # the review's file: 5,000,000 rows of two columns, 20 MB
    table, peak = peak_bytes(read_table, data, "huge.csv", max_bytes=len(data))
    # Counting the rows holds one chunk's lines at a time, whatever the file's size.
    assert table.rows_in_file == 5_000_000 and peak < 2_000_000, f"counting the rows held {peak:,} bytes"
    points, peak = peak_bytes(pick, table, "x", "y")
    assert points.n == MAX_ROWS
    used = 16 * MAX_ROWS  # the (x, y) points kept
    assert peak < 8 * used, f"picking held {peak:,} bytes at once, {peak / used:.1f} times the points"
    refused, peak = peak_bytes(read_table, data, "huge.csv")  # the file box's limit
    assert str(refused).startswith("The file is 19.1 MB, and at most 5 MB can be read") and peak < 100_000


@pytest.mark.parametrize("size", [5 * 2**20, 20_000_000])
def test_a_file_of_ten_thousand_columns_is_refused_from_its_header(size):
    data = wide_csv(10_000, size)
    refused, peak = peak_bytes(read_table, data, "wide.csv", max_bytes=len(data))
    assert str(refused) == ("The file has 10,000 columns, and at most 50 can be read: keep the x and y columns "
                            "(and a few more) in a smaller file and upload that.")
    header = data.index(b"\n")
    assert peak < 2 * header + 100_000, f"refusing held {peak:,} bytes; the header has {header:,}"


def test_a_header_as_wide_as_allowed_is_read():
    data = wide_csv(MAX_COLUMNS, 10_000)
    assert len(read_table(data).header) == MAX_COLUMNS


def test_only_the_picked_columns_are_converted():
    rows = [f"{i},{3 * i + 1},{'Lagos' if i % 2 else 'Kano'},{i % 7 if i != 100 else 'n/a'},{1e200 if i == 5 else i}"
            for i in range(1, 400)]
    data = ("x,y,city,later words,huge\n" + "\n".join(rows) + "\n").encode()
    table = read_table(data, "mixed.csv")
    assert table.columns == ["x", "y", "later words", "huge"], "judged by the first rows; words are not offered"
    points = pick(table, "x", "y")  # a column of words, one with words later and one out of range stop nothing
    np.testing.assert_array_equal(points.y, 3 * points.x + 1)
    with pytest.raises(UploadError, match=r"^Column 'later words' holds words or other text in data row 100 \('n/a'\)"):
        pick(table, "x", "later words")
    with pytest.raises(UploadError, match="'huge' holds a number too large to square in data row 5"):
        pick(table, "x", "huge")
    with pytest.raises(UploadError, match="no numeric column 'city'"):
        pick(table, "x", "city")


def test_a_sampled_file_names_its_own_row_numbers():
    rows = MAX_ROWS + 50_000
    data = bytearray(rows_csv(rows))
    row = int(sample(rows, MAX_ROWS, SAMPLE_SEED)[-1])  # the last row used
    width = data.index(b"\n", 4) - 4 + 1
    start = 4 + row * width + width // 2  # the y cell of that row
    data[start: start + width // 2 - 1] = b" " * (width // 2 - 1)
    with pytest.raises(UploadError) as caught:
        pick(read_table(bytes(data)), "x", "y")
    assert str(caught.value) == (f"Column 'y' has 1 empty cell among the 100,000 rows used (the first in data row "
                                 f"{row + 1:,}): fill or remove them and upload again.")


BAD_FILES = {
    "empty": (b"", "The file is empty."),
    "blank lines": (b"\n \n\n", "The file is empty."),
    "header only": (b"x,y\n", "header row but no rows of data"),
    "prose": (b"Dear teacher, here is my homework.\nI measured the plants, and they grew\nquite a lot this week.\n",
              "Found no columns"),
    "one row": (b"x,y\n1,2\n", "1 row of data"),
    "constant column": (b"x,y\n1,5\n2,5\n3,5\n4,5\n", "'y' has the same value in every row"),
    "constant x": (b"x,y\n7,1\n7,2\n7,3\n", "'x' has the same value in every row"),
    "missing values": (b"x,y\n1,2\n2,\n3,7\n4,9\n", "'y' has 1 empty cell (the first in data row 2)"),
    "words instead of numbers": (b"x,y\n1,two\n2,three\n3,four\n", "'y' holds words"),
    "binary": (bytes(range(256)) * 4, "binary bytes"),
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary bytes"),
    "inf": (b"x,y\n1,2\n2,inf\n3,7\n", "'y' holds an infinite value in data row 2"),
    "overflow": (b"x,y\n1,2\n2,1e308\n3,7\n", "'y' holds a number too large to square in data row 2"),
    "beyond float": (b"x,y\n1,2\n2,1e400\n3,7\n", "'y' holds an infinite value"),
    "single column": (b"x\n1\n2\n3\n", "Found no columns"),
    "ragged rows": (b"x,y\n" + b"1,2\n" * 60 + b"3,4,5,6\n",
                    "as many fields as the header (the first that differs is line 62)"),
    "too wide": (b",".join(b"c%d" % i for i in range(51)) + b"\n" + b",".join([b"1"] * 51) + b"\n",
                 "The file has 51 columns, and at most 50 can be read"),
    "quote over two lines": (b'x,y\n1,2\n2,"3\n4"\n5,6\n', 'Line 3 has quote marks (")'),
    "quote over two lines, later": (b"x,y\n" + b"1,2\n" * 70 + b'2,"3\n4"\n5,6\n', 'Line 72 has quote marks (")'),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gets_one_clear_sentence(name):
    data, expected = BAD_FILES[name]
    with pytest.raises(UploadError) as caught:
        table = read_table(data, f"{name}.csv")
        pick(table, table.columns[0], table.columns[1])
    message = str(caught.value)
    assert expected in message, message
    assert message.count(". ") <= 1 and message.endswith("."), f"one sentence: {message}"
    assert "Traceback" not in message and "Error" not in message


def test_a_file_over_the_limit_is_refused_unread():
    data = b"x,y\n" + b"1,2\n" * (MAX_BYTES // 4)
    with pytest.raises(UploadError, match=r"^The file is 5\.0 MB, and at most 5 MB can be read"):
        read_table(data)


def test_the_same_column_twice_and_a_column_the_file_lacks():
    table = read_table(GOOD.encode())
    with pytest.raises(UploadError, match="two different columns"):
        pick(table, "temp", "temp")
    with pytest.raises(UploadError, match="no numeric column 'city'"):
        pick(table, "temp", "city")


MARKUP = re.compile(r"[!-/:-@\[-`{-~]")  # ASCII punctuation: every character Markdown might read
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# GFM's literal autolinks, which remark finds in the text after escapes are undone
# (mdast-util-gfm-autolink-literal's patterns): escaping alone cannot stop them.
AUTOLINK = re.compile(r"(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.IGNORECASE | re.ASCII)


def inert(markdown: str) -> str:
    """The text a learner reads of ``markdown``, after checking that no Markdown can form in it: no
    ASCII punctuation is left unescaped (no link, image, emphasis, HTML, formula or directive), and
    the text with its escapes undone holds no literal autolink."""
    assert not MARKUP.search(ESCAPED.sub("", markdown)), f"unescaped markup in {markdown!r}"
    text = ESCAPED.sub(r"\1", markdown)
    assert not AUTOLINK.search(text), f"GFM would make a link in {markdown!r}"
    return text.replace(WORD_JOINER, "")


def test_the_markup_check_catches_what_escaping_alone_lets_through():
    for markdown in (r"\[x\](http://x.co)", "a [b](c)", r"http\:\/\/x\.co", r"www\.x\.co", r"a\@b\.co"):
        with pytest.raises(AssertionError):
            inert(markdown)


@pytest.mark.parametrize("text", [
    "<img src=x onerror=alert(1)>", "**bold** [link](javascript:x)", "![t](http://example.invalid/x.png)",
    "[Session expired: log in](http://x.co)", "www.example.com", "a@b.co", "HTTPS://X.CO", "x@y.example.org", ":red[alarm] :material/home: $x^2$",
    "# heading", "1. list", "`code`", "&lt;b&gt;", "back\\slash", "line\nbreak",
])
def test_names_from_a_file_are_shown_as_plain_text(text):
    assert inert(plain(text, limit=None)) == text.replace("\n", " ")


def test_a_name_is_cut_and_a_sentence_is_not():
    assert plain("a" * 100).endswith("…") and len(plain("a" * 100)) == MAX_NAME_CHARS
    assert plain("<img src=x onerror=alert(1)>") == r"\<img src\=x onerror\=alert\(1\)\>"
    sentence = "Column 'y' has 1 empty cell (the first in data row 2): fill or remove them and upload again." * 2
    assert inert(plain(sentence, limit=None)) == sentence
