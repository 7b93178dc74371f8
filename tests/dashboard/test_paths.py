"""dashboard.paths: the shared path and curve rows, on hand-made runs and on a core.surface_runs run."""

from __future__ import annotations

import numpy as np
import pytest

from core import surface_runs, surfaces
from dashboard import paths

BOX = (0.0, 10.0, 0.0, 10.0)


def test_window_holds_the_anchors_and_the_low_points_only():
    pts = np.array([[1.0, 1.0], [3.0, 5.0], [100.0, 100.0]])
    values = np.array([1.0, 4.0, 6.0])  # the last is above 5 x the start's value: left out
    box = paths.window(pts, values, start_value=1.0, anchors=np.array([[0.0, 0.0]]))
    span = np.array([3.0, 5.0])
    np.testing.assert_allclose(box, [-0.08 * span[0], 3 + 0.08 * span[0], -0.08 * span[1], 5 + 0.08 * span[1]])


def test_exit_point_is_on_the_edge_crossed():
    np.testing.assert_allclose(paths.exit_point(np.array([5.0, 5.0]), np.array([15.0, 10.0]), BOX), [10.0, 7.5])
    np.testing.assert_allclose(paths.exit_point(np.array([5.0, 5.0]), np.array([5.0, -5.0]), BOX), [5.0, 0.0])
    np.testing.assert_array_equal(paths.exit_point(np.array([5.0, 5.0]), np.array([np.inf, 1.0]), BOX), [5.0, 5.0])


def test_thinning_keeps_zigzags_and_drops_a_crawl():
    crawl = np.column_stack([np.linspace(0, 1e-3, 500), np.zeros(500)])  # moves 1e-3 in all
    assert paths.moving_points(crawl, 0.01).tolist() == [0, 499]
    zigzag = np.column_stack([np.arange(50.0), np.tile([0.0, 1.0], 25)])
    assert paths.moving_points(zigzag, 0.01).tolist() == list(range(50))
    assert paths.moving_points(np.column_stack([np.arange(1000.0), np.zeros(1000)]), 0.5, max_rows=100).size == 100
    assert paths.evenly(np.arange(10), 4).tolist() == [0, 3, 6, 9]


def test_a_diverging_run_ends_at_its_first_point_outside_with_an_exit():
    # Run 0 stays inside; run 1 leaves the box at step 2 and diverges at step 3.
    points = np.array([[[1.0, 1.0], [5.0, 5.0]],
                       [[2.0, 2.0], [8.0, 8.0]],
                       [[3.0, 3.0], [20.0, 8.0]],
                       [[4.0, 4.0], [1e9, 1e9]],
                       [[5.0, 5.0], [1e9, 1e9]]])
    values = np.array([[1.0, 1.0], [0.5, 2.0], [0.2, 40.0], [0.1, 1e13], [0.05, np.nan]])
    rows, exits = paths.path_rows(points, values, np.array([-1, 3]), BOX, order=[1, 0])
    assert rows["run"].tolist() == [1, 1, 1, 0, 0, 0, 0, 0]
    assert rows["step"].tolist() == [0, 1, 2, 0, 1, 2, 3, 4]
    assert exits["run"].tolist() == [1] and exits["step"].tolist() == [2]
    np.testing.assert_allclose(np.column_stack([exits["x"], exits["y"]]), [[10.0, 8.0]])
    curves = paths.curve_rows(values, np.array([-1, 3]))
    assert curves["run"].tolist() == [0] * 5 + [1] * 4 and curves["value"][-1] == 1e13


def test_curves_are_thinned_evenly_with_both_ends():
    values = np.linspace(10, 1, 2001)[:, None]
    rows = paths.curve_rows(values, np.array([-1]), max_rows=400)
    assert rows["step"].size == 400 and rows["step"][0] == 0 and rows["step"][-1] == 2000


def test_grid_and_bands():
    x, y, cell = paths.grid((0.0, 1.0, -2.0, 2.0), 4)
    np.testing.assert_allclose(x, [0.125, 0.375, 0.625, 0.875])
    np.testing.assert_allclose(y, [-1.5, -0.5, 0.5, 1.5])
    assert cell == (0.25, 1.0)
    np.testing.assert_allclose(paths.quarter_decades(np.array([1.0, 2.0, 10.0, 0.05])),
                               [1.0, 10**0.25, 10.0, 10**-1.5])


def test_works_on_a_surface_run():
    run = surface_runs.optimize("bowl", optimizer="sgd", lr=np.array([0.05, 0.21]), steps=60)
    box = paths.window(run.params.reshape(-1, 2), run.loss.reshape(-1), start_value=float(run.loss[0, 0]),
                       anchors=np.array([[0.0, 0.0]]))
    rows, exits = paths.path_rows(run.params, run.loss, run.diverged_at, box)
    assert run.diverged_at.tolist() == [-1, -1]  # 0.21 x 10 = 2.1 > 2: grows 1.1x per step, not yet 1e12
    assert exits["run"].tolist() == [1] and set(rows["run"].tolist()) == {0, 1}
    assert paths.inside(np.column_stack([exits["x"], exits["y"]]), tuple(np.array(box) + [-1e-9, 1e-9] * 2)).all()
    assert rows["value"][rows["run"] == 0][-1] == pytest.approx(run.loss[-1, 0])


def test_shared_charts_take_any_number_of_series():
    """Seven optimizers on one surface: labels and colours filled in, every run drawn, valid spec."""
    import json

    import pandas as pd

    from dashboard import registry
    from dashboard.charts import common
    from dashboard.charts import paths as run_charts

    entries = list(registry.OPTIMIZERS.values())
    run = surface_runs.optimize("bowl", optimizer="sgd", lr=np.linspace(0.01, 0.25, len(entries)), steps=40)
    box = paths.window(run.params.reshape(-1, 2), run.loss.reshape(-1), start_value=float(run.loss[0, 0]),
                       anchors=np.array([[0.0, 0.0]]))
    rows, exits = paths.path_rows(run.params, run.loss, run.diverged_at, box)
    ids = np.array([e.id for e in entries])
    series = {e.id: (e.label, e.colour) for e in entries}
    label_of = {e.id: e.label for e in entries}

    def frame(cols):
        key = ids[cols["run"]]
        return pd.DataFrame({"series": key, "label": [label_of[k] for k in key],
                             **{k: v for k, v in cols.items() if k != "run"}})

    x, y, cell = paths.grid(box, 20)
    xx, yy = np.meshgrid(x, y)
    z = surfaces.get("bowl").value(np.stack([xx, yy], axis=-1))
    surface = pd.DataFrame({"x": xx.ravel(), "y": yy.ravel(), "value": z.ravel(),
                            "level": paths.quarter_decades(z).ravel()})
    spec = run_charts.contour_chart(surface, cell, box, frame(rows), frame(exits), series,
                                    [("minimum", 0.0, 0.0, "minimum")], titles=("x", "y", "f"))
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"}, ensure_ascii=False)
    assert "@" not in text
    assert all(e.label in text and e.colour in text for e in entries)
    assert set(common.dataset(spec, "paths")["series"]) == set(ids)
    curves = paths.curve_rows(run.loss, run.diverged_at)
    gone = ids[-1]  # said to have diverged (the fastest-growing run)
    spec = run_charts.loss_curves_chart(frame(curves), pd.DataFrame({"series": [gone], "step": [30]}), series,
                                        shown=curves["value"], low=1e-6, top=1e3, steps=40,
                                        titles=("step", "f (log)", "f"))
    assert "@" not in json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    drawn = common.dataset(spec, "curves")
    # A diverged run above the top ends at its first point above it, drawn on it; any other run above
    # it (rates past 2/10 that have not yet diverged) runs along the top edge, every step kept.
    for key in ids:
        mine = curves["value"][ids[curves["run"]] == key]
        first_above = np.flatnonzero(mine > 1e3)
        expected = mine.size if first_above.size == 0 or key != gone else first_above[0] + 1
        assert (drawn["series"] == key).sum() == expected, key
    assert np.flatnonzero(curves["value"][ids[curves["run"]] == gone] > 1e3).size > 1, "the test needs a run above"
    assert drawn["shown"].max() == 1e3 and drawn["shown"].min() >= 1e-6


def test_bands_cover_every_cell_with_its_level_in_fewer_rectangles():
    """A 4 x 3 grid by hand: runs along x give 6 rectangles, along y 8, so x is chosen."""
    xs, ys = np.array([0.0, 1.0, 2.0, 3.0]), np.array([10.0, 12.0, 14.0])
    level = np.array([[1, 1, 2, 2],
                      [1, 1, 1, 2],
                      [3, 3, 3, 3]], dtype=float)
    xx, yy = np.meshgrid(xs, ys)
    order = np.random.default_rng(0).permutation(12)  # any row order
    out = paths.bands(xx.ravel()[order], yy.ravel()[order], level.ravel()[order], (1.0, 2.0))
    assert len(out["level"]) == 5
    assert out["x_lo"].tolist() == [-0.5, 1.5, -0.5, 2.5, -0.5]
    assert out["x_hi"].tolist() == [1.5, 3.5, 2.5, 3.5, 3.5]
    assert out["y_lo"].tolist() == [9.0, 9.0, 11.0, 11.0, 13.0]
    assert out["level"].tolist() == [1.0, 2.0, 1.0, 2.0, 3.0]
    # every cell centre lies in exactly one rectangle, of its own level
    for x, y, want in zip(xx.ravel(), yy.ravel(), level.ravel(), strict=True):
        inside = (out["x_lo"] < x) & (x < out["x_hi"]) & (out["y_lo"] < y) & (y < out["y_hi"])
        assert inside.sum() == 1 and out["level"][inside][0] == want
    # transposed, the runs go along y and the count stays the same
    out_t = paths.bands(yy.ravel(), xx.ravel(), level.ravel(), (2.0, 1.0))
    assert len(out_t["level"]) == 5 and out_t["y_lo"].tolist() == [-0.5, 1.5, -0.5, 2.5, -0.5]
    wide = paths.bands(xx.ravel(), yy.ravel(), level.ravel(), (1.0, 2.0), seam=1.5)
    assert wide["x_lo"][0] == -0.75 and wide["y_hi"][0] == 11.5


def test_a_square_window_widens_the_shorter_side_about_its_centre():
    pts = np.array([[1.0, 1.0], [3.0, 5.0]])
    box = paths.window(pts, np.array([1.0, 1.0]), start_value=1.0, anchors=np.array([[0.0, 0.0]]), square=True)
    # y: 0..5 padded by 0.08 x 5 -> -0.4..5.4 (5.8 long); x: 0..3 widened to 5.8 about 1.5
    np.testing.assert_allclose(box, [1.5 - 2.9, 1.5 + 2.9, -0.4, 5.4])


def test_staggered_labels_move_a_line_apart_only_when_they_would_overlap():
    from dashboard.charts.paths import staggered

    # two labels at one place: the second moves up one line; a far one stays
    np.testing.assert_allclose(staggered([5.0, 5.1, 9.0], [1.0, 1.0, 1.0], near_x=1.0, step_y=0.5, low=0.0, high=10.0),
                               [1.0, 1.5, 1.0])
    # at the top there is no room above: down instead, past every label in the way
    np.testing.assert_allclose(staggered([1.0, 1.0, 1.0], [10.0, 10.0, 10.0], near_x=1.0, step_y=0.5, low=0.0,
                                         high=10.0), [10.0, 9.5, 9.0])
    # with extents: anchors 8 apart still overlap when one label reads right from 0 and the other left
    # from 8 (the batch-size review's "start (0, 0)" under "left at step 7"); touching extents do not
    spans = (np.array([0.0, 3.0, 9.0]), np.array([5.0, 8.0, 12.0]))
    np.testing.assert_allclose(staggered([0.0, 8.0, 9.0], [1.0, 1.0, 1.0], near_x=0.0, step_y=0.5, low=0.0,
                                         high=10.0, spans=spans), [1.0, 1.5, 1.0])


def test_contour_labels_that_would_cross_are_a_line_apart():
    """The batch-size review at lr = 0.5: five names piled up by the start. In the drawn SVG, every two
    bold 12 px labels whose extents meet across (at ~6 px a character) are at least 12 px apart in height."""
    import re

    from dashboard.charts import batch_size as charts
    from dashboard.export import chart_svg
    from dashboard.scenarios import batch_size as sc

    svg = chart_svg(charts.contour_chart(sc.compute({**sc.DEFAULTS, "lr": 0.5})))
    drawn = {(anchor, float(x), float(y), text) for anchor, x, y, text in re.findall(
        r'text-anchor="(start|end)" transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*font-size="12px"'
        r'[^>]*font-weight="bold"[^>]*>([^<]+)<', svg)}
    assert {t for *_, t in drawn} >= {"start (0, 0)", "optimum", "left at step 7", "left at step 3"}
    boxes = [(x - 6 * len(t), x) if a == "end" else (x, x + 6 * len(t)) for a, x, _, t in drawn]
    heights = [y for _, _, y, _ in drawn]
    for i in range(len(boxes)):
        for j in range(i):
            if boxes[i][0] < boxes[j][1] and boxes[j][0] < boxes[i][1]:
                assert abs(heights[i] - heights[j]) >= 12, sorted(drawn)
