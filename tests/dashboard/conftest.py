"""Every chart template a page builds under test is checked against the Vega-Lite schema."""

import pytest

from dashboard.charts import common


@pytest.fixture(autouse=True, scope="session")
def validate_chart_templates():
    """Validate each template the first time this process builds it. A template is a pure function of its
    builder and parameters (the app caches it so for every session), so checking it again in the next test
    adds nothing and cost 0.1-0.5 s a chart in every test that runs a page."""
    saved = common.VALIDATE_TEMPLATES
    common.VALIDATE_TEMPLATES = True
    common._TEMPLATES.clear()  # one built before the suite started (at import) is built, and checked, again
    yield
    common.VALIDATE_TEMPLATES = saved


@pytest.fixture(autouse=True, scope="session")
def scan_installed_components_once():
    """One scan of the installed packages for Streamlit components per process, not one per AppTest: the
    suite's largest single cost (``dashboard.deck.scan_components_once`` says why it is the same answer)."""
    from dashboard.deck import scan_components_once

    scan_components_once()


@pytest.fixture(autouse=True)
def count_instead_of_timing(monkeypatch):
    """The normal equation's timing grid (2.5 s quiet, 20 s on a busy machine, in every test process that
    opens the view) is the operation counts here; its real measurement is tested in
    tests/dashboard/test_normal_equation.py (through ``tests.stubs.real_measure``), tests/core/test_costs.py
    and, in the worker process, tests/dashboard/test_offload.py. Per test, so tests/core always meets the real one."""
    from core import costs
    from tests.stubs import counted_timings

    monkeypatch.setattr(costs, "measure", counted_timings)
