"""charts.common.render, the one way a chart is made: cached template, placeholders, renamed Arrow data."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pyarrow as pa

from dashboard.charts import common


def _template(*, title):
    _template.calls.append(title)
    points = alt.Chart(alt.NamedData("rows")).mark_point(color="@colour@").encode(
        x=alt.X("a:Q", scale=alt.Scale(domain=["@x0@", "@x1@"])), tooltip=alt.Tooltip("a:Q", title="@name@ (units)"))
    rules = alt.Chart(alt.NamedData("rules")).mark_rule().encode(y=alt.Y("b:Q"))
    return alt.layer(points, rules).properties(title=title)


def test_template_is_built_once_per_parameters():
    _template.calls = []
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    rules = pd.DataFrame({"b": [0.5]})
    one = common.render(_template, {"rows": frame, "rules": rules}, title="t")
    two = common.render(_template, {"rows": frame.assign(a=[3.0, 4.0]), "rules": rules}, title="t")
    common.render(_template, {"rows": frame, "rules": rules}, title="u")
    assert _template.calls == ["t", "u"]
    # No Altair default theme, as Streamlit draws it; no ARIA descriptions on the screen's canvas;
    # legends below a plot stacked (not side by side, wider than a phone).
    assert one["config"] == {"aria": False, "legend": {"layout": {"bottom": {"anchor": "start", "direction": "vertical",
                                                                              "margin": 6}}}}
    # Datasets keep their keys, so new data leave the spec as it was (the browser then only
    # swaps the data); each distinct content is converted to Arrow once.
    names = [layer["data"]["name"] for layer in one["layer"]]
    assert sorted(names) == sorted(one["datasets"]) == ["rows", "rules"]
    assert {k: v for k, v in one.items() if k != "datasets"} == {k: v for k, v in two.items() if k != "datasets"}
    assert all(isinstance(t, pa.Table) for t in one["datasets"].values())
    assert one["datasets"]["rules"] is two["datasets"]["rules"]  # converted once
    assert one["datasets"]["rows"] is not two["datasets"]["rows"]
    assert two["datasets"]["rows"].column("a").to_pylist() == [3.0, 4.0]


def test_placeholders_take_values_whole_or_inside_text():
    _template.calls = []
    spec = common.render(_template, {"rows": pd.DataFrame({"a": [1.0]}), "rules": pd.DataFrame({"b": [0.0]})},
                         values={"@colour@": "#123456", "@x0@": -1.5, "@x1@": 2, "@name@": "slope"}, title="v")
    points = spec["layer"][0]
    assert points["mark"]["color"] == "#123456"
    assert points["encoding"]["x"]["scale"]["domain"] == [-1.5, 2]  # numbers, not text
    assert points["encoding"]["tooltip"]["title"] == "slope (units)"
    assert common.dataset(spec, "rows")["a"].tolist() == [1.0]


def test_built_once_reuses_a_chart_for_the_same_frames_and_values_only():
    calls = []

    @common.built_once
    def chart(frame, labels, *, title):
        calls.append(title)
        return {"rows": len(frame), "title": title, "labels": dict(labels)}

    frame = pd.DataFrame({"a": [1.0, 2.0]})
    first = chart(frame, {"mse": "MSE"}, title="t")
    assert chart(frame, {"mse": "MSE"}, title="t") is first  # same frame object, same values
    assert calls == ["t"]
    chart(frame, {"mse": "MSE"}, title="u")  # another value
    chart(frame, {"mse": "MAE"}, title="t")  # another label
    equal_copy = frame.copy()  # equal content, another object: built again (identity, not content)
    assert chart(equal_copy, {"mse": "MSE"}, title="t") is not first
    assert calls == ["t", "u", "t", "t"]
    # A frame that is gone never matches a new one, even if it reuses its address.
    import gc

    del frame, equal_copy, first
    gc.collect()
    for _ in range(20):
        fresh = pd.DataFrame({"a": [5.0, 6.0, 7.0]})
        assert chart(fresh, {"mse": "MSE"}, title="t")["rows"] == 3
        del fresh


def test_built_once_builds_unhashable_arguments_every_time():
    calls = []

    @common.built_once
    def chart(options):
        calls.append(1)
        return {"n": len(options)}

    chart([{1, 2}])  # a set: no hash
    chart([{1, 2}])  # a set: no hash
    assert len(calls) == 2


def test_every_public_builder_is_built_once():
    import inspect

    from dashboard.charts import business_costs, learning_rate, mse_vs_mae, paths, regularization

    for module in (business_costs, learning_rate, mse_vs_mae, paths, regularization):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and name.endswith(("_chart", "_curve", "_bars", "_shapes",
                                                                    "_scatter", "_moves")):
                assert hasattr(fn, "__wrapped__"), f"{module.__name__}.{name} is not @built_once"


def test_the_browser_gets_no_aria_descriptions_but_a_file_keeps_them():
    from dashboard import export

    def points():
        return alt.Chart(alt.NamedData("rows")).mark_point().encode(x="a:Q", y="a:Q")

    spec = common.render(points, {"rows": pd.DataFrame({"a": [1.0, 2.0]})})
    assert spec["config"]["aria"] is False  # the expressions Streamlit would evaluate per point
    svg = export.chart_svg(spec)
    # Two points and two axes are described to a screen reader in the file.
    assert svg.count("aria-label") == 4
    assert spec["config"]["aria"] is False  # the shared dict is left as it was
