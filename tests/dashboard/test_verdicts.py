"""dashboard.verdicts: claims as data, and the one place their words live."""

from __future__ import annotations

import pytest


def test_a_claim_is_data_with_one_set_of_words():
    from dashboard import verdicts
    from dashboard.scenarios import lr_schedules  # noqa: F401  (registers the schedules' claims)

    claim = verdicts.Claim("schedules.lower", {"low": "B: Step decay", "high": "A: Constant", "ratio": 304785.2})
    assert verdicts.say([claim]) == "B: Step decay ends 304,785 times lower than A: Constant."
    with pytest.raises(ValueError, match="kind"):
        verdicts.Claim("no such claim")
    with pytest.raises(ValueError, match="words already"):
        verdicts.template("schedules.lower")(lambda v: "")
