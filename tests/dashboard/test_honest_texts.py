"""Every view, in scenarios drawn from the ranges its controls declare: no text on the page holds a
number that is not one (nan, inf, ∞ except the condition number of a matrix with no inverse), a
percentage of a zero total, or the old finish line "within ε". A failing example prints its link.

The claims themselves are checked against oracles per view (test_*_claims.py); this one looks at
every sentence of every view."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from dashboard.views import VIEWS

from .apptest_tools import NOT_A_NUMBER, errors, run_page, texts
from .property_tools import declared_controls, link, strategy

EXAMPLES = 6  # per view: 13 views, about 0.3 s a page


@pytest.mark.parametrize("view", [v.name for v in VIEWS])
def test_no_page_text_shows_a_non_number(view):
    declared = declared_controls(f"{view}.py")
    assert declared, f"{view} declares no control to draw"
    keys = sorted(declared)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.fixed_dictionaries({k: strategy(declared[k]) for k in keys}))
    def check(values):
        query = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in values.items()}
        note(f"link: {link(view, values)}")
        at = run_page(f"{view}.py", query)
        assert errors(at) == []
        for text in texts(at) + [h.value for h in at.get("header")]:
            assert not NOT_A_NUMBER.search(text), text

    check()
