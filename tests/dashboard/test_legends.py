"""Every legend draws its entries as the chart draws them.

A line drawn dashed must be dashed in the legend. Streamlit's Vega-Lite merges the colour
legend with the dash (or shape) legend only when every layer encodes both with one field; a
layer whose colour comes from another field (the points' own ink, say) splits them, and the
colour legend then shows solid strokes for dashed lines. Checked on every chart every view
draws at its default scenario and at each of the links below.
"""

from __future__ import annotations

import json

import pytest

from dashboard.views import VIEWS

from .apptest_tools import errors, run_page

LINKS = [(view.file, {}) for view in VIEWS] + [
    ("mse_vs_mae.py", {"data": "Lagos houses"}), ("learning_rate.py", {"opt": "Momentum", "sched": "Cosine annealing"}),
    ("regularization.py", {"penalty": "Elastic net"}), ("business_costs.py", {"weights": "true"}),
]


def _layers(node):
    """Every unit spec (a dict with a mark) under ``node``."""
    if isinstance(node, dict):
        if "mark" in node:
            yield node
        for key in ("layer", "hconcat", "vconcat", "concat"):
            for child in node.get(key, []):
                yield from _layers(child)
        if "spec" in node:
            yield from _layers(node["spec"])


def split_legends(spec: dict) -> list[str]:
    """Why the legend of ``spec`` draws its lines otherwise than the chart does (nothing: [])."""
    units = list(_layers(spec))
    faults = []
    for channel in ("strokeDash",):
        with_legend = [u["encoding"][channel] for u in units
                       if channel in u.get("encoding", {}) and u["encoding"][channel].get("legend", {}) is not None
                       and "field" in u["encoding"][channel]]
        if not with_legend:
            continue
        fields = {e["field"] for e in with_legend}
        colours = {u["encoding"]["color"].get("field") for u in units if "color" in u.get("encoding", {})}
        if len(fields) != 1 or colours != fields:
            faults.append(f"{channel} by {sorted(fields)}, colour by {sorted(map(str, colours))}")
    # Dashes that vary with a field whose colour legend is shown, but are left out of it.
    shown = {u["encoding"]["color"].get("field") for u in units
             if "color" in u.get("encoding", {}) and u["encoding"]["color"].get("legend", {}) is not None}
    for u in units:
        dash = u.get("encoding", {}).get("strokeDash", {})
        if dash.get("legend", {}) is None and dash.get("field") in shown:
            faults.append(f"strokeDash by {dash['field']!r} left out of its colour legend")
    return faults


@pytest.mark.parametrize(("page", "link"), LINKS, ids=lambda v: str(v))
def test_dashed_lines_are_dashed_in_their_legend(page, link):
    at = run_page(page, link)
    assert not errors(at) and all(at.query_params[k] == v for k, v in link.items())  # the link was taken
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        assert not split_legends(spec), (page, link, split_legends(spec))


def test_the_check_finds_a_split_legend():
    line = {"mark": "line", "encoding": {"color": {"field": "label"}, "strokeDash": {"field": "label"}}}
    dots = {"mark": "point", "encoding": {"color": {"field": "ink", "scale": None}}}
    assert split_legends({"layer": [line]}) == []
    assert split_legends({"layer": [line, dots]}) == ["strokeDash by ['label'], colour by ['ink', 'label']"]
    hidden = {"mark": "rule", "encoding": {"strokeDash": {"field": "kind", "legend": None}}}
    assert split_legends({"layer": [dots, hidden]}) == []  # labelled rules: no legend at all
    solid = {"mark": "line", "encoding": {"color": {"field": "label"}, "strokeDash": {"field": "label", "legend": None}}}
    assert split_legends({"layer": [solid]}) == ["strokeDash by 'label' left out of its colour legend"]


def test_a_series_drawn_only_as_diamonds_has_a_diamond_in_its_legend():
    # The review (normal equation 8): the sweep's "your data" is a diamond, its legend swatch was a dot.
    from dashboard.charts import normal_equation as charts
    from dashboard.scenarios import normal_equation as sc

    spec = charts.sweep_chart(sc.result_of(sc.DEFAULTS))
    for unit in _layers(spec):
        shape = unit["encoding"]["shape"]
        assert shape.get("legend") is not None and dict(zip(shape["scale"]["domain"], shape["scale"]["range"])) == {
            "as the features grow alike": "circle", "your data": "diamond"}


def test_one_colour_means_one_route_in_the_normal_equation_s_cost_pair():
    # The review: dark blue was "n d² + d³" (the XᵀX route) in one chart and "by SVD" in the next.
    from dashboard.charts import normal_equation as charts
    from dashboard.scenarios import normal_equation as sc
    from dashboard.shared.normal_equation import METHOD_NAMES

    res = sc.result_of(sc.DEFAULTS)

    def colours(spec):
        scale = next(u["encoding"]["color"]["scale"] for u in _layers(spec))
        return dict(zip(scale["domain"], scale["range"]))

    counted, measured = colours(charts.count_chart(res)), colours(charts.cost_chart(res))
    assert counted["normal equation: n d² + d³"] == measured[METHOD_NAMES["solve"]]
    assert counted["gradient descent: T n d, T = 100"] == measured[METHOD_NAMES["descent"]]
    assert measured[METHOD_NAMES["svd"]] not in counted.values()
