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
    assert "config" not in one  # no Altair default theme, as Streamlit draws it
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
