"""dashboard.checks.one_of: the menu check every scenario makes of a value no control offers."""

import pytest

from dashboard.checks import one_of
from dashboard.scenarios import fit_by_hand, local_minima


def test_a_menu_value_comes_back_and_another_names_the_argument_the_menu_and_the_value():
    assert one_of("surface", "saddle", ("saddle", "plateau")) == "saddle"
    with pytest.raises(ValueError, match=r"^surface must be one of saddle, plateau; got 'bowl'$"):
        one_of("surface", "bowl", ("saddle", "plateau"))


def test_the_scenarios_check_their_menus_through_it():
    with pytest.raises(ValueError, match=r"^trap must be one of saddle, plateau; got 'cliff'$"):
        local_minima.traps({**local_minima.DEFAULTS, "trap": "cliff"})
    with pytest.raises(ValueError, match=r"^loss must be one of .*; got 'hinge'$"):
        fit_by_hand.fit_of({**fit_by_hand.DEFAULTS, "loss": "hinge"})
