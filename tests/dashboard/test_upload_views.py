"""The learner's own data on every view that fits a line or a curve to (x, y) points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import plain_text, upload, upload_read

from .apptest_tools import errors, metrics, run_page, signature
from .test_upload import BAD_FILES, inert, rows_csv

UPLOAD_VIEWS = ("mse_vs_mae.py", "learning_rate.py", "regularization.py")


def shop_csv(n: int = 120, seed: int = 2) -> bytes:
    rng = np.random.default_rng(seed)
    temp = rng.uniform(15, 38, n)
    sales = 6 * temp - 40 + rng.normal(0, 8, n)
    sales[:3] += 200  # three wild days
    rows = "\n".join(f"{t:.2f};{s:.1f};Lagos" for t, s in zip(temp, sales))
    return f"temperature;sales;city\n{rows}\n".encode()


def with_file(file: str, name: str, data: bytes) -> AppTest:
    at = run_page(file)
    at.file_uploader(key="upload").set_value((name, data, "text/csv"))
    return at.run()


def warnings(at: AppTest) -> list[str]:
    """What the learner reads in each warning, checked for markup first (the warning says names from the file)."""
    return [inert(w.value) for w in at.warning]


@pytest.mark.parametrize("file", UPLOAD_VIEWS)
def test_an_upload_replaces_the_data_and_the_address_says_so(file):
    at = with_file(file, "shop.csv", shop_csv())
    assert errors(at) == [] and warnings(at) == []
    assert at.query_params[upload.PARAM] in (upload.PARAM_VALUE, [upload.PARAM_VALUE])
    assert at.selectbox(key="upload-x").value == "temperature" and at.selectbox(key="upload-y").value == "sales"
    assert any("Your data: sales against temperature, 120 rows of shop\\.csv." in c.value for c in at.caption)
    assert signature(at) != signature(run_page(file))
    # Picking other columns refits: here x and y swap.
    at.selectbox(key="upload-x").set_value("sales")
    at.selectbox(key="upload-y").set_value("temperature")
    at.run()
    assert errors(at) == [] and any("temperature against sales" in c.value for c in at.caption)


# Every bad file on one view (but the quote marks', which are the reader's alone); on the others (same
# reader, same sentence path) a few.
BAD_CASES = [("mse_vs_mae.py", bad) for bad in sorted(BAD_FILES) if not bad.startswith("quote")] + [
    (file, bad) for file in UPLOAD_VIEWS[1:] for bad in ("binary", "missing values", "constant column")]


@pytest.mark.parametrize(("file", "bad"), BAD_CASES)
def test_a_bad_file_gets_one_sentence_and_the_built_in_data_stays(file, bad):
    data, expected = BAD_FILES[bad]
    at = with_file(file, f"{bad}.csv", data)
    assert errors(at) == [], f"{bad}: {errors(at)}"
    said = warnings(at)
    assert len(said) == 1 and expected in said[0] and "built-in data is shown" in said[0], said
    assert signature(at) == signature(run_page(file)), "the built-in data stays"
    assert upload.PARAM not in at.query_params


def test_a_bad_file_after_a_good_one_drops_the_address_note_in_the_same_rerun():
    at = with_file("regularization.py", "shop.csv", shop_csv())
    assert at.query_params[upload.PARAM] in (upload.PARAM_VALUE, [upload.PARAM_VALUE])
    data, expected = BAD_FILES["binary"]
    at.file_uploader(key="upload").set_value(("photo.csv", data, "text/csv"))
    at.run()
    assert len(warnings(at)) == 1 and expected in warnings(at)[0]
    assert upload.PARAM not in at.query_params, "the page shows the built-in data, so the link must not say otherwise"


def test_the_mse_view_flags_the_wild_days_and_fits_all_rows():
    at = with_file("mse_vs_mae.py", "shop.csv", shop_csv())
    notes = "\n".join(m.value for m in at.markdown)
    assert "3 of the 120 points lie more than 3 robust widths" in notes
    shares = metrics(at)
    assert float(shares["Outliers' share of MSE"].rstrip("%")) > 80
    # The outliers, switched off by the slider on the built-in line, are greyed out here.
    assert at.slider(key="outliers").proto.disabled and at.number_input(key="seed").proto.disabled


def test_a_file_of_300000_rows_is_sampled_and_said_so():
    at = with_file("learning_rate.py", "big.csv", rows_csv(300_000))
    assert errors(at) == [] and warnings(at) == []
    assert any("The file has 300,000 rows; a random sample of 100,000" in c.value for c in at.caption)


def test_an_upload_stays_in_its_session_and_a_sent_link_says_it_cannot_carry_it():
    mine = with_file("regularization.py", "shop.csv", shop_csv())
    assert errors(mine) == []
    other = run_page("regularization.py")  # another learner, at the same time
    assert signature(other) == signature(run_page("regularization.py"))
    sent = run_page("regularization.py", {upload.PARAM: upload.PARAM_VALUE})
    assert [i.value for i in sent.info] and "a link cannot carry" in sent.info[0].value
    assert upload.PARAM not in sent.query_params
    assert signature(sent) == signature(other)


def test_column_names_are_never_markup():
    data = b"<img src=x onerror=alert(1)>,**bold** [x](javascript:y)\n1,2\n2,4\n3,7\n4,8\n"
    at = with_file("mse_vs_mae.py", "<b>evil</b>.csv", data)
    assert errors(at) == []
    caption = next(c.value for c in at.caption if "Your data" in c.value)
    assert (f"Your data: {plain_text.plain('**bold** [x](javascript:y)')} against "
            f"{plain_text.plain('<img src=x onerror=alert(1)>')}, 4 rows of {plain_text.plain('<b>evil</b>.csv')}.") in caption
    assert r"\<img src\=x onerror\=alert\(1\)\>" in caption and r"\*\*bold\*\* \[x\]" in caption
    assert not any("<img" in h.proto.body for h in at.get("html")), "no file text goes through st.html"


IMAGE = "![t](http://example.invalid/x.png)"  # the browser would fetch it inside the app's warning box
LINK = "[Session expired: log in](http://x.co)"  # a live link in the app's own words


def test_a_header_of_markdown_in_a_sentence_shows_as_text_with_no_link_or_image():
    data = f"x,{IMAGE},{LINK}\n1,2,3\n2,,5\n3,7,\n4,8,9\n".encode()
    table = upload_read.read_table(data, "trap.csv")
    at = with_file("mse_vs_mae.py", "trap.csv", data)
    for name in (IMAGE, LINK):
        at.selectbox(key="upload-y").set_value(name)
        at.run()
        assert errors(at) == [] and len(at.warning) == 1
        body = at.warning[0].value  # the Markdown the browser renders
        with pytest.raises(upload_read.UploadError) as caught:
            upload_read.pick(table, "x", name)
        assert f"{name!r} has 1 empty cell" in str(caught.value), "the sentence names the column"
        assert inert(body) == f"{caught.value} The built-in data is shown.", "shown as the very characters"
        assert not any(mark in body for mark in ("](", "![", "http://")), body


def test_the_session_keeps_only_the_points_and_forgets_them_with_the_file():
    at = with_file("regularization.py", "shop.csv", shop_csv())
    kept = at.session_state[upload._STATE]
    assert isinstance(kept["points"], upload_read.Points) and kept["picked"] == ("temperature", "sales")
    assert not any(isinstance(v, (upload_read.Table, pd.DataFrame, bytes)) for v in kept.values()), "no table, no frame"
    at.file_uploader(key="upload").clear()
    at.run()
    assert upload._STATE not in at.session_state and upload._MEMO not in at.session_state
    assert upload.PARAM not in at.query_params
