"""Checks on the Vega-Lite dicts the chart builders return, shared by the views' tests."""

from __future__ import annotations

import altair as alt

from dashboard.charts import common


def assert_valid_vega_lite(spec: dict) -> None:
    """A chart dict as the page draws it (placeholders filled in) against the Vega-Lite schema.

    The data are Arrow tables, so the datasets are left empty. The legend layout is Vega's,
    which Vega-Lite passes on but its schema types as an expression (charts.common sets it
    after its own check), so it is checked on its own.
    """
    legend = dict(spec["config"]["legend"])
    assert legend.pop("layout") == common.BOTTOM_LEGENDS_STACKED
    root = alt.TopLevelLayerSpec if "layer" in spec else alt.TopLevelUnitSpec
    root.validate({**spec, "config": {**spec["config"], "legend": legend},
                   "datasets": {name: [] for name in spec["datasets"]}})
