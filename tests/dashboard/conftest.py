"""Every chart template a page builds under test is checked against the Vega-Lite schema."""

import pytest

from dashboard.charts import common


@pytest.fixture(autouse=True)
def validate_chart_templates(monkeypatch):
    monkeypatch.setattr(common, "VALIDATE_TEMPLATES", True)
    monkeypatch.setattr(common, "_TEMPLATES", {})  # built afresh, so validated, in each test
