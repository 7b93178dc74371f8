"""A learner's own CSV: what is read, and one sentence for every file that cannot be used."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.upload import MAX_ROWS, UploadError, pick, plain, read_table

GOOD = "temp,sales,city\n21.5,120,Lagos\n25.0,150,Abuja\n30.5,190,Lagos\n28,170,Kano\n"


def test_a_comma_file_keeps_its_numeric_columns_in_order():
    table = read_table(GOOD.encode(), "shop.csv")
    assert table.columns == ["temp", "sales"], "the words column is left out"
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
])
def test_separators_encodings_and_decimal_commas_are_recognized(text, encoding):
    table = read_table(text.encode(encoding), "file.csv")
    assert table.encoding == encoding
    points = pick(table, table.columns[0], table.columns[1])
    np.testing.assert_allclose(points.x, [21.5, 25.0, 30.5])
    np.testing.assert_allclose(points.y, [120, 150, 190])
    if encoding == "latin-1":
        assert table.columns == ["température", "ventes"]


def test_a_file_of_300000_rows_is_cut_to_a_seeded_sample_with_a_note():
    rows = 300_000
    x = np.arange(rows, dtype=float)
    text = "x,y\n" + "\n".join(f"{v:.0f},{2 * v + 1:.0f}" for v in x)
    table = read_table(text.encode(), "big.csv")
    assert len(table.frame) == MAX_ROWS and table.rows_in_file == rows and table.sampled
    assert "300,000 rows" in table.note() and "100,000" in table.note()
    again = read_table(text.encode(), "big.csv")
    np.testing.assert_array_equal(table.frame["x"], again.frame["x"])  # the same sample every time
    points = pick(table, "x", "y")
    np.testing.assert_array_equal(points.y, 2 * points.x + 1)  # rows stay whole
    assert np.all(np.diff(points.x) > 0), "in file order"


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


def test_the_same_column_twice_and_a_column_the_file_lacks():
    table = read_table(GOOD.encode())
    with pytest.raises(UploadError, match="two different columns"):
        pick(table, "temp", "temp")
    with pytest.raises(UploadError, match="no numeric column 'city'"):
        pick(table, "temp", "city")


def test_names_from_a_file_are_shown_as_plain_text():
    assert plain("<img src=x onerror=alert(1)>") == r"\<img src=x onerror=alert\(1\)\>"
    assert plain("**bold** [link](javascript:x)") == r"\*\*bold\*\* \[link\]\(javascript:x\)"
    assert plain("a" * 100).endswith("…") and len(plain("a" * 100)) == 40
