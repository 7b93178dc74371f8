"""A view's controls as its first run declares them, and the links made of them (bench_abuse).

Each bound control is read from what a run draws (its ``query_param_key`` with its declared range or
options; a number box's range from its help, "From 0 to 999."), so the links follow the pages:
:data:`WORST`, each view's maximum-cost link (:func:`worst_link`) and the keys varied to make distinct
ones of the same cost (:func:`variants`); :data:`ISSUE_LINKS`, issue 24's three optimizer_race links;
:func:`random_links`, distinct random valid links.
"""

from __future__ import annotations

import math
import random
import re
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from streamlit.proto.NumberInput_pb2 import NumberInput
from streamlit.proto.Slider_pb2 import Slider

# --------------------------------------------------------------------------- the costliest links
MAX, MIN, ALL = "<max>", "<min>", "*"
# Each view's maximum-cost link: {control key: link text, MAX or MIN (the end of its declared range or
# options)}; ALL sets every numeric control not named. Then the controls varied at random to make
# distinct links of the same cost (the eight tabs' links, which must miss the cache). Hand-written from
# the pages' controls and checked by timing candidates in AppTest: where a choice (a surface, a
# schedule, a batch) changes the cost, the slowest one measured is taken.
WORST: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "fit_by_hand": ({"loss": "Absolute error (MAE)", "squares": "true", "reveal": "true", "w1": MAX, "w2": MAX,
                     "w3": MAX}, ("slope", "intercept")),
    "worked_examples": ({ALL: MAX}, ("lagos_1", "rain_a1", "usd_1", "miss_1")),
    "cross_entropy": ({"steps": MAX}, ("w0", "lr", "p")),
    "mse_vs_mae": ({"outliers": MAX, "shift": MAX}, ("seed", "delta")),
    "regularization": ({"degree": MAX, "n": MAX, "penalty": "Elastic net"}, ("seed", "noise")),
    "normal_equation": ({"n": MAX, "steps": MAX, "cost_n": MAX}, ("seed", "noise")),
    "learning_rate": ({"steps": MAX, "opt": "Adam", "sched": "Warmup, then cosine", "center": "true"},
                      ("small", "good", "large")),
    # Tuned: every racer at every one of the rates at once; the two-minima surface was the slowest.
    "optimizer_race": ({"surface": "Two wells (2-D)", "tuned": "true", "steps": MAX, "own_start": "true", "x0": MIN,
                        "y0": MAX, "mu": MAX, "beta1": MAX, "beta2": MAX,
                        **{f"run_{k}": "true" for k in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop",
                                                        "adam", "adamw")}},
                       ("x0", "y0", "mu", "beta1")),
    "lr_schedules": ({"epochs": MAX, "batch": "1 (SGD)", "a": "One-cycle", "b": "Reduce on plateau"},
                     ("lr", "pct_start", "patience")),
    "batch_size": ({"epochs": MAX, "accumulate": MAX, "batch": MIN}, ("seed", "lr")),
    "local_minima": ({"surface": "Two wells (2-D)", "restarts": MAX, "steps": MAX, "trap_steps": MAX, "nets": MAX,
                      "hidden": MAX}, ("seed", "net_seed")),
    "loss_curves": ({"degree": MAX, "n": MAX, "epochs": MAX, "batch": "1 (SGD)", "l2": "true", "quiz": "true"},
                    ("seed", "noise")),
    "business_costs": ({"n": MAX, "weights": "true"}, ("seed",)),
}
# The issue's three optimizer_race links (paths far off the plot: the exports that once asked for 552 TB).
ISSUE_LINKS = (
    "tuned=false&lr_momentum=0.1",
    "steps=1000&run_nesterov=true&run_adagrad=true&run_rmsprop=true&run_adamw=true&own_start=true&x0=-5&y0=5"
    "&mu=0.99&beta1=0.99&beta2=0.9999",
    "tuned=false&lr_sgd=0.01",
)
HEAVY_FALLBACK = ("local_minima", "optimizer_race", "lr_schedules", "loss_curves")


# --------------------------------------------------------------------------- a view's controls
@dataclass(frozen=True)
class Control:
    """One bound control as its first run declares it; values are written as a link writes them."""

    key: str
    kind: str  # slider, select_slider, select, toggle, number
    low: float = 0.0
    high: float = 0.0
    step: float = 0.0
    whole: bool = False
    options: tuple[str, ...] = ()

    def text(self, value: float) -> str:
        return str(int(round(value))) if self.whole else f"{round(value, 10):.10g}"

    def end(self, which: str) -> str:
        """The text of MAX or MIN of this control."""
        top = which == MAX
        if self.kind in ("select_slider", "select"):
            return self.options[-1 if top else 0]
        if self.kind == "toggle":
            return "true" if top else "false"
        return self.text(self.high if top else self.low)

    def random(self, rng: random.Random) -> str:
        if self.kind in ("select_slider", "select"):
            return rng.choice(self.options)
        if self.kind == "toggle":
            return rng.choice(("true", "false"))
        if self.kind == "slider":
            return self.text(min(self.high, self.low + self.step * rng.randint(0, round((self.high - self.low)
                                                                                        / self.step))))
        if self.whole:
            return str(rng.randint(int(self.low), int(self.high)))
        return self.text(round(rng.uniform(self.low, self.high), 2))

    def holds(self, text: str) -> bool:
        if self.kind in ("select_slider", "select"):
            return text in self.options
        if self.kind == "toggle":
            return text in ("true", "false")
        try:
            value = float(text)
        except ValueError:
            return False
        return self.low <= value <= self.high


_RANGE_HELP = re.compile(r"From (-?[\d,.]+) to (-?[\d,.]+)\.")


def control_of(element) -> Control | None:
    """The bound control an element of a run's delta declares (None: not a bound control)."""
    kind = element.WhichOneof("type")
    if kind not in ("slider", "selectbox", "radio", "checkbox", "number_input"):
        return None
    w = getattr(element, kind)
    key = w.query_param_key
    if not key:
        return None
    if kind == "slider":
        if w.type == Slider.Type.SELECT_SLIDER:
            return Control(key, "select_slider", options=tuple(w.options))
        if len(w.default) != 1:
            return None
        return Control(key, "slider", w.min, w.max, w.step, w.data_type == Slider.DataType.INT)
    if kind in ("selectbox", "radio"):
        return Control(key, "select", options=tuple(w.options))
    if kind == "checkbox":
        return Control(key, "toggle")
    found = _RANGE_HELP.search(w.help)
    if found is None:
        return None
    low, high = (float(s.replace(",", "")) for s in found.groups())
    return Control(key, "number", low, high, w.step, w.data_type == NumberInput.DataType.INT)


def shown_of(element) -> tuple[str, str] | None:
    """(key, the value it shows, as link text) of a bound control in a run's delta."""
    kind = element.WhichOneof("type")
    if kind not in ("slider", "selectbox", "radio", "checkbox", "number_input"):
        return None
    w = getattr(element, kind)
    if not w.query_param_key:
        return None
    if kind == "slider":
        if w.set_value and w.raw_value:
            return w.query_param_key, w.raw_value[0]
        value = (w.value if w.set_value else w.default) or [math.nan]
        if w.type == Slider.Type.SELECT_SLIDER:
            return w.query_param_key, w.options[int(value[0])] if 0 <= value[0] < len(w.options) else "?"
        return w.query_param_key, f"{value[0]:.10g}"
    if kind in ("selectbox", "radio"):
        if w.set_value:
            return w.query_param_key, w.raw_value
        return w.query_param_key, w.options[w.default] if 0 <= w.default < len(w.options) else "?"
    if kind == "checkbox":
        return w.query_param_key, "true" if (w.value if w.set_value else w.default) else "false"
    return w.query_param_key, f"{w.value if w.set_value else w.default:.10g}"


def same(a: str, b: str) -> bool:
    """Two link texts of one value (1000 and 1e+03, 0.5 and 0.50)."""
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return False


def worst_link(view: str, controls: dict[str, Control]) -> tuple[dict[str, str], list[str]]:
    """The view's maximum-cost link as {key: text}, and the problems (keys or values the page does not
    declare: the spec is stale)."""
    spec, _ = WORST[view]
    link, problems = {}, []
    if ALL in spec:
        for key, control in controls.items():
            if control.kind in ("slider", "number") and key not in spec:
                link[key] = control.end(spec[ALL])
    for key, value in spec.items():
        if key == ALL:
            continue
        control = controls.get(key)
        if control is None:
            problems.append(f"{view}: no control {key!r}")
            continue
        text = control.end(value) if value in (MAX, MIN) else value
        if not control.holds(text):
            problems.append(f"{view}: {key}={text!r} is not one of its values")
            continue
        link[key] = text
    return link, problems


def query_of(link: dict[str, str]) -> str:
    return urllib.parse.urlencode(sorted(link.items()), quote_via=urllib.parse.quote)


def variants(views: list[str], controls: dict[str, dict[str, Control]], rng: random.Random,
             taken: set[tuple[str, str]]) -> Iterator[tuple[str, str]]:
    """Endless distinct maximum-cost links of ``views`` (in turn): the worst link with its varied keys
    at random values."""
    while True:
        for view in views:
            base, vary = worst_link(view, controls[view])[0], WORST[view][1]
            for _ in range(100):
                link = dict(base)
                for key in vary:
                    if key in controls[view]:
                        link[key] = controls[view][key].random(rng)
                query = query_of(link)
                if (view, query) not in taken:
                    taken.add((view, query))
                    yield view, query
                    break


def random_links(count: int, controls: dict[str, dict[str, Control]], rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct links (view, query): a random view, every bound control at a random value."""
    views, links, seen = sorted(controls), [], set()
    while len(links) < count:
        view = rng.choice(views)
        query = query_of({key: c.random(rng) for key, c in sorted(controls[view].items())})
        if (view, query) not in seen:
            seen.add((view, query))
            links.append((view, query))
    return links
