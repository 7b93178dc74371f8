"""python -m dashboard.deck: every view's charts at its default and its presets, as files and
an index, with no browser and no server; the same input gives the same files."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from dashboard import deck
from dashboard.views import VIEWS

ROOT = Path(__file__).resolve().parents[2]


def _deck(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard.deck", str(out), *args], capture_output=True, text=True,
                          timeout=600, cwd=out.parent)  # from another folder than the project's


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_one_view_twice_gives_the_same_files_with_a_line_per_view_and_no_warnings(tmp_path):
    one, two = _deck(tmp_path / "one", "--views", "learning_rate", "--scale", "1"), None
    assert one.returncode == 0, one.stderr
    assert one.stderr == ""  # no warnings, no log lines
    lines = one.stdout.splitlines()
    assert lines[0].startswith("learning_rate: 2 scenarios, 12 files, ")
    assert lines[1].startswith(f"13 files in {tmp_path / 'one'} (")
    two = _deck(tmp_path / "two", "--views", "learning_rate", "--scale", "1")
    assert two.returncode == 0 and _files(tmp_path / "one") == _files(tmp_path / "two")

    files = _files(tmp_path / "one")
    assert sorted(files) == ["index.md"] + [f"learning_rate/{folder}/{chart}.{ext}"
                                             for folder in ("default", "preset-lesson")
                                             for chart in ("learning-rate-sweep", "loss-curves", "loss-valley-paths")
                                             for ext in ("png", "svg")]
    index = files["index.md"].decode()
    assert "## Which learning rates crawl, converge, or blow up?" in index
    assert "Open it: [/learning_rate](/learning_rate)" in index
    assert "### Preset: Lesson: 0.00001, 0.01, 1.0 (small = 1e-05, good = 0.01, large = 1)" in index
    assert "[/learning_rate?small=1e-05&good=0.01&large=1](/learning_rate?small=1e-05&good=0.01&large=1)" in index
    assert "diverged at step 4" in index  # the preset's "What to notice", with its live numbers
    assert "[![Loss curves](learning_rate/preset-lesson/loss-curves.png)](learning_rate/preset-lesson/loss-curves.svg)" \
        in index
    # scale 1: the square valley is its own size plus axes and legends; at 2 (default) twice that
    with Image.open(tmp_path / "one/learning_rate/default/loss-valley-paths.png") as png:
        assert 290 < png.width < 420
    svg = ET.fromstring(files["learning_rate/default/loss-valley-paths.svg"])
    assert svg.tag.endswith("svg") and "Loss valley paths" in files["learning_rate/default/loss-valley-paths.svg"].decode()
    # each picture says which scenario it shows: its link under the title (a slide has no address bar)
    preset = files["learning_rate/preset-lesson/loss-curves.svg"].decode()
    assert ">/learning_rate?small=1e-05&amp;good=0.01&amp;large=1</text>" in preset


@pytest.mark.parametrize("view", VIEWS, ids=[v.name for v in VIEWS])
def test_every_view_becomes_pictures_of_each_scenario_and_its_part_of_the_index(view, tmp_path):
    # one test per view, so the workers share the conversions (one test of all views took 60-85 s); deck.build
    # joins the views' parts of the index in their order (the test above runs it, for one view)
    scenarios = deck.render_view(view, tmp_path, scale=1)
    assert scenarios[0].label == "Default scenario" and scenarios[0].charts
    index = deck.index_markdown([(view, scenarios)], tmp_path)
    assert f"## {view.question}" in index
    for scenario in scenarios:
        assert f"### {scenario.label}" in index
        for chart in scenario.charts:
            assert chart.png.stat().st_size > 5_000 and chart.svg.stat().st_size > 5_000
            assert f"[![{chart.title}]({view.name}/{scenario.folder}/{deck.slug(chart.name)}.png)]" in index
    labels = [s.label for s in scenarios]
    if view.name == "business_costs":
        # the lesson preset of business costs is the default scenario: not repeated; the two
        # "Equal costs" presets are told apart by what they set
        assert labels == ["Default scenario", "Preset: Equal costs: $1 vs $1 (miss = 1, alarm = 1)",
                          "Preset: Equal costs: $1 vs $1 (under = 1)"]
    if view.name == "mse_vs_mae":
        assert labels[1] == "Preset: Lagos houses (data = Lagos houses)"
        assert "MSE = 134 / 3 = 44.67" in index  # the Lagos worked example, in the deck's notes
    if view.name == "worked_examples":
        # cross-view 6: the page's tables reach the deck, as the Markdown the page shows (the worked examples'
        # cards were only tables, and none reached a slide)
        assert [title for title, _ in scenarios[0].tables][:2] == ["Three Lagos houses", "Archery"]
        assert "**Three Lagos houses**\n\n| house | y | ŷ | e | e² | \\|e\\| |" in index
        assert "| 3 | 50 | 60 | +10 | 100 | 10 |" in index and "| **mean** |  |  |  | **44.67** | **6.0** |" in index


def test_bad_options_get_one_line_and_exit_status_2(tmp_path):
    for args in (("--views", "nosuch"), ("--scale", "100")):
        result = _deck(tmp_path / "out", *args)
        assert result.returncode == 2 and "error:" in result.stderr.splitlines()[-1]
        assert not (tmp_path / "out").exists()
