"""One colour-blind-safe palette: each loss, optimizer and schedule keeps its colour on every page.

The colours are Okabe & Ito's eight (distinguishable with the common colour-vision
deficiencies), reused by meaning: the same hue always means the same thing.
"""

from __future__ import annotations

BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
PURPLE = "#CC79A7"
ORANGE = "#E69F00"
SKY = "#56B4E9"
YELLOW = "#F0E442"
BLACK = "#000000"
GREY = "#8C8C8C"

# The colours of the menu items (losses, optimizers, schedules, penalties) are in dashboard.registry.

# The three learning rates of the crawl-or-diverge view, from cool (slow) to hot (explodes).
RATE_ROLES = {"too small": SKY, "good": GREEN, "too large": VERMILLION}

# Data and decisions.
DATA = GREY
OUTLIER = BLACK
TRAIN = BLUE
VALIDATION = VERMILLION
MARKER = BLACK
PINNED = "#BDBDBD"  # a pinned scenario's result: lighter than the data's grey, drawn under everything
PINNED_TEXT = "#707070"  # the name of a pinned line: the grey darkened to 4.9:1 on white, so it can be read
# The data's grey at 55% on white, solid: a background line that looks see-through without
# opacity, which the PNG export's rasterizer pays for per line (the two-weight picture's
# ellipses took 1.1 s to draw translucent, 0.1 s solid).
FAINT_DATA = "#C0C0C0"


# Kinds of mistake in the decision views: letting a bad case through (a missed fraud; a
# forecast below demand, i.e. a stock-out) against acting when there was no need (a false
# alarm; a forecast above demand, i.e. leftovers). Correct decisions cost nothing.
MISTAKES = {"missed": VERMILLION, "false_alarm": SKY, "total": PURPLE, "correct": GREY,
            "under": VERMILLION, "over": SKY}
