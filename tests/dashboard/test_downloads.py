"""The page's one row of downloads: the chart picked is the chart whose files the buttons give."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard.layout import DOWNLOAD_KEY
from dashboard.scenarios import learning_rate as sc

from .apptest_tools import errors, run_page


@pytest.fixture
def deferred(monkeypatch):
    """label -> the callable behind each download button of the last run (what a click would run)."""
    seen: dict[str, object] = {}
    original = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        seen[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return seen


def test_the_files_are_those_of_the_chart_picked(deferred):
    at = run_page("learning_rate.py")
    assert at.selectbox(key=DOWNLOAD_KEY).options == ["Loss valley paths", "Loss curves", "Learning rate sweep"]
    deferred.clear()
    at.selectbox(key=DOWNLOAD_KEY).set_value("Learning rate sweep").run()
    assert errors(at) == []
    assert sorted(deferred) == ["learning-rate-sweep.csv", "learning-rate-sweep.png", "learning-rate-sweep.svg"]
    d = sc.DEFAULTS
    sweep = sc.cached_sweep(d["opt"], d["sched"], d["steps"], d["center"])
    csv = pd.read_csv(io.StringIO(deferred["learning-rate-sweep.csv"]()))
    assert list(csv.columns) == list(sweep.table.columns) and len(csv) == len(sweep.table) == sc.SWEEP_SIZE
    svg = deferred["learning-rate-sweep.svg"]()
    assert svg.lstrip().startswith("<svg") and "learning rate η (log scale)" in svg and "final MSE" in svg
    assert ">Learning rate sweep</text>" in svg  # the title a slide needs, above the chart


def test_the_files_carry_the_charts_title(deferred):
    at = run_page("regularization.py")
    at.selectbox(key=DOWNLOAD_KEY).set_value("error against lambda").run()
    assert ">Error against λ: the U-curve</text>" in deferred["error-against-lambda.svg"]()


def test_a_picked_chart_the_new_scenario_does_not_draw_falls_back_to_the_first():
    at = run_page("learning_rate.py", {"sched": "cosine"})
    assert "Learning rate schedule" in at.selectbox(key=DOWNLOAD_KEY).options
    at.selectbox(key=DOWNLOAD_KEY).set_value("Learning rate schedule").run()
    at.selectbox(key="sched").set_value("Constant").run()
    assert errors(at) == []
    picker = at.selectbox(key=DOWNLOAD_KEY)
    assert "Learning rate schedule" not in picker.options and picker.value == "loss valley paths"


def test_a_picture_says_which_scenario_it_shows(deferred):
    # The review (cross-view 5): an exported chart said only "Loss curves"; a slide needs its scenario.
    assert not errors(run_page("learning_rate.py", {"small": "1e-05", "opt": "momentum"}))
    svg = deferred["loss-valley-paths.svg"]()
    assert "small=1e-05" in svg and "opt=Momentum" in svg  # the link as the address bar has it


def test_a_long_link_breaks_after_an_ampersand_to_fit_a_slide():
    from dashboard.export import SUBTITLE_LINE, subtitle_lines

    link = "http://class.example/optimizer_race?" + "&".join(f"lr_{k}=0.00{k}1" for k in range(12))
    lines = subtitle_lines(link)
    assert "".join(lines) == link and len(lines) > 1
    assert all(len(line) <= SUBTITLE_LINE or "&" not in line[:-1] for line in lines)
    assert all(line.endswith("&") for line in lines[:-1])


def test_a_csv_writes_numbers_as_a_worksheet_would():
    # The review (cross-view 7): your-line.csv held -1.2000000000000002 and 0.04000000000000007.
    from dashboard.export import frame_csv

    text = frame_csv(pd.DataFrame({"error": [2.3 - 3.5, 0.2 ** 2], "loss": [1e-12, 123456.789]}))
    assert text.splitlines() == ["error,loss", "-1.2,1e-12", "0.04,123456.789"]
