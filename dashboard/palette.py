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

LOSSES = {
    "mse": BLUE,
    "mae": VERMILLION,
    "huber": GREEN,
    "log_cosh": PURPLE,
    "quantile": ORANGE,
    "asymmetric": ORANGE,
    "bce": SKY,
    "cce": BLACK,
}
LOSS_LABELS = {
    "mse": "MSE",
    "mae": "MAE",
    "huber": "Huber",
    "log_cosh": "log-cosh",
    "quantile": "Quantile",
    "asymmetric": "Cost-optimal quantile",
    "bce": "Binary cross-entropy",
    "cce": "Categorical cross-entropy",
}

OPTIMIZERS = {"sgd": BLUE, "momentum": GREEN, "adagrad": YELLOW, "rmsprop": PURPLE, "adam": VERMILLION, "adamw": ORANGE}
OPTIMIZER_LABELS = {
    "sgd": "Gradient descent",
    "momentum": "Momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}

SCHEDULES = {
    "constant": BLUE,
    "step": VERMILLION,
    "exponential": GREEN,
    "cosine": PURPLE,
    "warm_restarts": ORANGE,
    "warmup": SKY,
    "one_cycle": BLACK,
}
SCHEDULE_LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential decay",
    "cosine": "Cosine annealing",
    "warm_restarts": "Cosine with warm restarts",
    "warmup": "Warmup, then cosine",
    "one_cycle": "One-cycle",
}

PENALTIES = {"none": GREY, "l1": VERMILLION, "l2": BLUE, "elastic_net": GREEN}
PENALTY_LABELS = {"none": "No penalty", "l1": "L1 (lasso)", "l2": "L2 (ridge)", "elastic_net": "Elastic net"}

# The three learning rates of the crawl-or-diverge view, from cool (slow) to hot (explodes).
RATE_ROLES = {"too small": SKY, "good": GREEN, "too large": VERMILLION}

# Data and decisions.
DATA = GREY
OUTLIER = BLACK
TRAIN = BLUE
VALIDATION = VERMILLION
MARKER = BLACK


# Kinds of mistake in the decision views: letting a bad case through (a missed fraud; a
# forecast below demand, i.e. a stock-out) against acting when there was no need (a false
# alarm; a forecast above demand, i.e. leftovers). Correct decisions cost nothing.
MISTAKES = {"missed": VERMILLION, "false_alarm": SKY, "total": PURPLE, "correct": GREY,
            "under": VERMILLION, "over": SKY}
