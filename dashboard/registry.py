"""The menus every view picks from: optimizers, learning-rate schedules, losses and penalties.

Each menu is a dict ``id -> entry``, in menu order. An entry holds everything a view shows or
builds of one item, written once:

- ``id``: the item's name in links and in the frames' ``key`` columns;
- ``label``: its name on screen;
- ``colour``: its hue in every chart (:mod:`dashboard.palette`);
- ``description``: one line saying what it does;
- ``latex``: its formula;
- ``build(...)``: the :mod:`core` object.

Optimizers carry torch's hyperparameter names (``defaults``: the menu item's settings, e.g.
momentum 0.9); schedules carry their settings for a run of a given length
(:meth:`ScheduleEntry.settings`), so a schedule keeps its shape whatever the run's length,
and their formula and sentence with those numbers filled in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from core import losses, optimizers, penalties, schedules, surfaces
from dashboard import palette
from dashboard.formatting import setting_number


@dataclass(frozen=True)
class Entry:
    """One menu item (see the module docstring)."""

    id: str
    label: str
    colour: str
    description: str
    latex: str
    build: Callable[..., Any] = field(repr=False)
    short: str = ""  # penalties: the shorter name in a link and on a radio button ("L1")


def labels(menu: Mapping[str, Entry], ids=None) -> dict[str, str]:
    """``id -> label`` of a menu (of ``ids`` only, in that order, when given)."""
    return {k: menu[k].label for k in (menu if ids is None else ids)}


def colours(menu: Mapping[str, Entry], ids=None) -> dict[str, str]:
    """``id -> colour`` of a menu (of ``ids`` only, in that order, when given)."""
    return {k: menu[k].colour for k in (menu if ids is None else ids)}


# ------------------------------------------------------------------------------ optimizers


@dataclass(frozen=True)
class OptimizerEntry(Entry):
    """An optimizer: ``build(**hyper)`` is ``core.optimizers.get(core_name, **defaults, **hyper)``.

    ``torch_class`` is the torch.optim class that makes the same run (``defaults`` are its arguments);
    ``knobs`` the settings a view may set on it (``"momentum"``: μ, ``"betas"``: (β₁, β₂)); ``race_rate``
    its rate in the optimizer race until the learner picks one.
    """

    core_name: str = ""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    torch_class: str = ""
    knobs: tuple[str, ...] = ()
    race_rate: float = 0.0

    def set(self, *, momentum: float, betas: tuple[float, float]) -> dict[str, Any]:
        """The hyperparameters of the knobs this optimizer reads, from a view's μ and (β₁, β₂)."""
        given = {"momentum": momentum, "betas": betas}
        return {knob: given[knob] for knob in self.knobs}

    def torch_arguments(self, lr: str, knobs: Mapping[str, str] | None = None) -> list[str]:
        """Its torch.optim constructor's arguments as code: ``lr``, each of its knobs a view sets (written by
        the caller, ``knobs[name]``), then the rest of its ``defaults`` (``momentum=0.9`` where no view sets
        μ, ``nesterov=True``, AdamW's weight decay)."""
        given = {k: knobs[k] for k in self.knobs if knobs and k in knobs}
        fixed = [f"{k}={v!r}" for k, v in self.defaults.items() if k not in given]
        return [f"lr={lr}", *(f"{k}={v}" for k, v in given.items()), *fixed]


def _optimizer(id: str, label: str, colour: str, description: str, latex: str, core_name: str, torch_class: str,
               race_rate: float, knobs: tuple[str, ...] = (), **defaults: Any) -> OptimizerEntry:
    def build(**hyper: Any) -> optimizers.Optimizer:
        return optimizers.get(core_name, **{**defaults, **hyper})

    return OptimizerEntry(id, label, colour, description, latex, build, core_name=core_name, defaults=defaults,
                          torch_class=torch_class, knobs=knobs, race_rate=race_rate)


# g_t is the gradient at step t, eta the learning rate (torch.optim's order of operations).
OPTIMIZERS: dict[str, OptimizerEntry] = {e.id: e for e in (
    _optimizer("sgd", "Gradient descent", palette.BLUE,
               "Steps straight down the gradient, the same rate for every weight.",
               r"\theta_t = \theta_{t-1} - \eta\, g_t", "sgd", "SGD", 0.001),
    _optimizer("momentum", "Momentum", palette.GREEN,
               "Keeps a running sum of past gradients, so steps build up along a steady slope.",
               r"v_t = \mu v_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\, v_t", "sgd", "SGD", 0.0001,
               ("momentum",), momentum=0.9),
    _optimizer("nesterov", "Nesterov", palette.SKY,
               "Momentum that looks ahead: the step adds the gradient once more on top of the velocity.",
               r"v_t = \mu v_{t-1} + g_t,\quad \theta_t = \theta_{t-1} - \eta\,(g_t + \mu v_t)", "sgd", "SGD", 0.0001,
               ("momentum",), momentum=0.9, nesterov=True),
    _optimizer("adagrad", "AdaGrad", palette.YELLOW,
               "Divides each weight's step by the root of all its squared gradients so far, so steps only shrink.",
               r"s_t = s_{t-1} + g_t^2,\quad \theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{s_t} + \epsilon}",
               "adagrad", "Adagrad", 0.5),
    _optimizer("rmsprop", "RMSprop", palette.PURPLE,
               "Divides each weight's step by a running average of its squared gradients, which forgets the past.",
               r"s_t = \alpha s_{t-1} + (1-\alpha) g_t^2,\quad "
               r"\theta_t = \theta_{t-1} - \eta\,\frac{g_t}{\sqrt{s_t} + \epsilon}", "rmsprop", "RMSprop", 0.01),
    _optimizer("adam", "Adam", palette.VERMILLION,
               "Momentum divided by a running size of the gradients, per weight, with both averages debiased.",
               r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\quad "
               r"\theta_t = \theta_{t-1} - \eta\,\frac{m_t/(1-\beta_1^t)}{\sqrt{v_t/(1-\beta_2^t)} + \epsilon}",
               "adam", "Adam", 0.05, ("betas",)),
    _optimizer("adamw", "AdamW", palette.ORANGE,
               "Adam whose weight decay shrinks the weights directly instead of passing through the gradient.",
               r"\theta \leftarrow \theta\,(1 - \eta\lambda),\quad \text{then Adam's step}", "adamw", "AdamW", 0.05,
               ("betas",), weight_decay=0.01),  # torch's default, named so the code says it
)}


# ------------------------------------------------------------------------------ schedules


@dataclass(frozen=True)
class ScheduleEntry(Entry):
    """A learning-rate schedule whose settings follow the run's length.

    ``build(base, steps)`` is ``make(base, settings(steps))``, by default
    ``core.schedules.get(core_name, base, **settings(steps))``; ``latex`` is the formula in
    symbols, :meth:`latex_at` the same formula with the numbers of a run of ``steps`` updates,
    and :meth:`sentence` says what it does over that run. A view that lets the learner set a
    schedule's settings passes them as ``overrides`` (keys of ``settings(steps)``).
    """

    settings: Callable[[int], dict[str, Any]] = field(default=lambda steps: {}, repr=False)
    formula: Callable[[Callable[[str, str], str]], str] = field(default=lambda v: "", repr=False)
    explain: Callable[[dict[str, Any], int], str] = field(default=lambda p, steps: "", repr=False)
    make: Callable[[Any, dict[str, Any]], Any] = field(default=None, repr=False)
    knobs: tuple[str, ...] = ()  # the link keys of the settings a learner sets (the schedules view)
    from_knobs: Callable[[Mapping[str, Any], int], dict[str, Any]] = field(default=lambda v, steps: {}, repr=False)
    torch: Callable[[dict[str, Any], float], str] = field(default=lambda p, lr: "", repr=False)  # its lr_scheduler line

    def with_settings(self, steps: int, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The settings of a run of ``steps`` updates, with ``overrides`` on top."""
        return {**self.settings(steps), **(overrides or {})}

    def build_with(self, base, steps: int, overrides: Mapping[str, Any] | None = None):
        """The core schedule of a run of ``steps`` updates with ``overrides`` of its settings."""
        return self.make(base, self.with_settings(steps, overrides))

    def latex_at(self, steps: int, overrides: Mapping[str, Any] | None = None) -> str:
        p = self.with_settings(steps, overrides)
        return self.formula(lambda key, symbol: setting_number(p[key]))

    def sentence(self, steps: int, overrides: Mapping[str, Any] | None = None) -> str:
        return self.explain(self.with_settings(steps, overrides), steps)


def _schedule(id: str, label: str, colour: str, description: str, formula, settings, explain,
              core_name: str | None = None, make=None, *, knobs=(), from_knobs, torch) -> ScheduleEntry:
    if make is None:
        def make(base, p):
            return schedules.get(core_name or id, base, **p)

    def build(base, steps: int):
        return make(base, settings(steps))

    return ScheduleEntry(id, label, colour, description, formula(lambda key, symbol: symbol), build,
                         settings=settings, formula=formula, explain=explain, make=make, knobs=knobs,
                         from_knobs=from_knobs, torch=torch)


def _warmup_settings(steps: int) -> dict[str, Any]:
    warm = max(1, steps // 10)
    return {"steps": warm, "start_factor": 0.1, "after": "cosine", "t_max": max(1, steps - warm)}


def _warmup_from_knobs(values: Mapping[str, Any], steps: int) -> dict[str, Any]:
    warm = min(int(values["warm"]), steps - 1)
    return {"steps": warm, "t_max": steps - warm}


def _step_sentence(p, steps):
    k = p["step_size"]
    return (f"Step decay keeps η for steps 0–{k - 1}, then η/10 from step {k}"
            f" and η/100 from step {2 * k}" + (" onwards." if 3 * k >= steps else f", η/1000 from step {3 * k}."))


_GAMMA, _T_MULT = r"\gamma", r"T_{\text{mult}}"  # (no backslash inside an f-string's braces before 3.12)

# Each formula takes v(setting, symbol): the setting's number, or its symbol for the general form.
SCHEDULES: dict[str, ScheduleEntry] = {e.id: e for e in (
    _schedule("constant", "Constant", palette.BLUE, "The same rate at every step.",
              lambda v: r"\eta_t = \eta", lambda steps: {},
              lambda p, steps: "The rate stays at the slider's value for every step.",
              knobs=(), from_knobs=lambda v, steps: {},
              torch=lambda p, lr: "None  # a constant rate needs no scheduler"),
    _schedule("step", "Step decay", palette.VERMILLION,
              "Cuts the rate by a fixed factor after each block of steps (a third of the run here).",
              lambda v: rf"\eta_t = \eta\cdot {v('gamma', _GAMMA)}^{{\lfloor t/{v('step_size', 's')} \rfloor}}",
              lambda steps: {"step_size": max(1, steps // 3), "gamma": 0.1}, _step_sentence,
              knobs=("step_size", "gamma"),
              from_knobs=lambda v, steps: {"step_size": int(v["step_size"]), "gamma": float(v["gamma"])},
              torch=lambda p, lr: f"lr_scheduler.StepLR(optimizer, step_size={p['step_size']}, gamma={p['gamma']:g})"),
    _schedule("exponential", "Exponential decay", palette.GREEN,
              "Multiplies the rate by the same factor every step (100 times smaller by the end here).",
              lambda v: rf"\eta_t = \eta\, e^{{-k t}} = \eta\cdot {v('gamma', _GAMMA)}^{{t}}",
              lambda steps: {"gamma": math.exp(-math.log(100.0) / steps)},
              lambda p, steps: (f"Exponential decay multiplies the rate by e^(−k) = {p['gamma']:.5g} each step "
                                f"(k = {-math.log(p['gamma']):.4g}), so it ends about 100 times smaller than it "
                                "started."),
              knobs=("k",), from_knobs=lambda v, steps: {"gamma": math.exp(-float(v["k"]))},
              torch=lambda p, lr: f"lr_scheduler.ExponentialLR(optimizer, gamma={p['gamma']!r})"),
    _schedule("cosine", "Cosine annealing", palette.PURPLE,
              "Lowers the rate to 0 along half a cosine wave over the run.",
              lambda v: rf"\eta_t = \tfrac12\,\eta\,\bigl(1 + \cos(\pi t / {v('t_max', 'T')})\bigr)",
              lambda steps: {"t_max": steps},
              lambda p, steps: (f"Cosine annealing lowers the rate from η to 0 along half a cosine wave over the "
                                f"{p['t_max']} steps."),
              knobs=(), from_knobs=lambda v, steps: {"t_max": steps},
              torch=lambda p, lr: f"lr_scheduler.CosineAnnealingLR(optimizer, T_max={p['t_max']})"),
    _schedule("warm_restarts", "Cosine with warm restarts", palette.ORANGE,
              "Cosine annealing that jumps back to the full rate at each restart, each cycle twice as long.",
              lambda v: (rf"\eta_t = \tfrac12\,\eta\,\bigl(1 + \cos(\pi\, t_{{\text{{cur}}}} / T_i)\bigr),\quad "
                         rf"T_0 = {v('t_0', 'c')},\ T_{{i+1}} = {v('t_mult', _T_MULT)}\, T_i"),
              lambda steps: {"t_0": max(1, steps // 7), "t_mult": 2},
              lambda p, steps: (f"Warm restarts run a cosine from η to 0 over {p['t_0']} steps, then restart at "
                                f"η with each cycle {p['t_mult']} times longer than the last."),
              knobs=("t_0", "t_mult"), from_knobs=lambda v, steps: {"t_0": int(v["t_0"]), "t_mult": int(v["t_mult"])},
              torch=lambda p, lr: (f"lr_scheduler.CosineAnnealingWarmRestarts(optimizer, T_0={p['t_0']}, "
                                   f"T_mult={p['t_mult']})")),
    _schedule("warmup", "Warmup, then cosine", palette.SKY,
              "Ramps the rate up from a tenth over the first tenth of the run, then anneals it along a cosine.",
              lambda v: (rf"\eta_t = \eta\,\bigl({v('start_factor', 'f')} + (1 - {v('start_factor', 'f')})\,"
                         rf"t/{v('steps', 'W')}\bigr)\ \ (t < {v('steps', 'W')}),\qquad "
                         rf"\eta_t = \tfrac12\,\eta\,\bigl(1 + \cos(\pi (t-{v('steps', 'W')}) / {v('t_max', 'T')})"
                         rf"\bigr)\ \ \text{{after}}"),
              _warmup_settings,
              lambda p, steps: (f"Warmup starts at {p['start_factor']:g}η, climbs linearly to η over the first "
                                f"{p['steps']} steps, then a cosine brings it down to 0 over the remaining "
                                f"{p['t_max']} steps."),
              knobs=("warm",), from_knobs=_warmup_from_knobs,
              torch=lambda p, lr: (
                  "lr_scheduler.SequentialLR(optimizer, [\n"
                  f"    lr_scheduler.LinearLR(optimizer, start_factor={p['start_factor']:g}, total_iters={p['steps']}),\n"
                  f"    lr_scheduler.CosineAnnealingLR(optimizer, T_max={p['t_max']}),\n"
                  f"], milestones=[{p['steps']}])")),
    _schedule("one_cycle", "One-cycle", palette.BLACK,
              "Climbs from a small rate to the peak over the first 30% of the run, then anneals far below the start.",
              lambda v: (rf"\eta_t:\ \tfrac{{\eta}}{{{v('div_factor', 'd')}}} \nearrow \eta\ \ "
                         rf"(t \le {v('pct_start', 'p')}\,{v('total_steps', 'T')}),\qquad \eta \searrow "
                         rf"\tfrac{{\eta}}{{{v('div_factor', 'd')}\cdot {v('final_div_factor', 'd_f')}}}\ \ "
                         rf"\text{{(half cosines)}}"),
              lambda steps: {"total_steps": max(2, steps), "pct_start": 0.3, "div_factor": 25.0,
                             "final_div_factor": 1e4},
              lambda p, steps: (f"One-cycle starts at η/{p['div_factor']:g}, climbs to η over the first "
                                f"{round(p['pct_start'] * p['total_steps'])} steps, then falls along a cosine to "
                                f"η/{p['div_factor'] * p['final_div_factor']:,.0f}."),
              knobs=("pct_start",),
              from_knobs=lambda v, steps: {"total_steps": steps, "pct_start": float(v["pct_start"])},
              # it cycles an optimizer's momentum by default, which the pages' plain SGD has none of
              torch=lambda p, lr: (f"lr_scheduler.OneCycleLR(optimizer, max_lr={lr:g}, total_steps={p['total_steps']}, "
                                   f"pct_start={p['pct_start']:g}, cycle_momentum=False)")),
    _schedule("cyclic", "Cyclic (triangular)", palette.YELLOW,
              "Climbs from a tenth of the rate to the full rate and back, over and over.",
              lambda v: (rf"\eta_t = \tfrac{{\eta}}{{{v('div', 'd')}}} + \bigl(\eta - \tfrac{{\eta}}{{{v('div', 'd')}}}"
                         rf"\bigr)\,\bigl(1 - \bigl|\tfrac{{t}}{{{v('step_size_up', 'c')}}} - 2\,"
                         rf"\mathrm{{cycle}} + 1\bigr|\bigr)"),
              lambda steps: {"step_size_up": max(1, steps // 8), "div": 10.0},
              lambda p, steps: (f"Cyclic climbs in a straight line from η/{p['div']:g} to η over "
                                f"{p['step_size_up']} steps, comes back down over as many, and starts again."),
              make=lambda base, p: schedules.cyclic(base / p["div"], base, step_size_up=p["step_size_up"]),
              knobs=("half",), from_knobs=lambda v, steps: {"step_size_up": int(v["half"])},
              torch=lambda p, lr: (f"lr_scheduler.CyclicLR(optimizer, base_lr={lr / p['div']!r}, max_lr={lr:g}, "
                                   f"step_size_up={p['step_size_up']}, cycle_momentum=False)")),
    _schedule("reduce_on_plateau", "Reduce on plateau", palette.GREY,
              "Cuts the rate tenfold whenever the loss has not improved for a while.",
              lambda v: (rf"\eta \leftarrow {v('factor', 'f')}\,\eta\ \text{{after }}{v('patience', 'p')} + 1"
                         rf"\text{{ steps in a row with no new best loss}}"),
              lambda steps: {"factor": 0.1, "patience": 10},
              lambda p, steps: (f"Reduce on plateau keeps η until {p['patience'] + 1} steps in a row bring no new "
                                f"best loss (better by 0.01%), then multiplies it by {p['factor']:g}, and waits "
                                "again."),
              knobs=("factor", "patience"),
              from_knobs=lambda v, steps: {"factor": float(v["factor"]), "patience": int(v["patience"])},
              torch=lambda p, lr: (f"lr_scheduler.ReduceLROnPlateau(optimizer, factor={p['factor']:g}, "
                                   f"patience={p['patience']})")),
)}


# ------------------------------------------------------------------------------ losses


@dataclass(frozen=True)
class LossEntry(Entry):
    """A loss: ``build(**params)`` is ``core.losses.get(id, **params)``; ``derivative`` its pull on ŷ."""

    derivative: str = ""


def _loss(id: str, label: str, colour: str, description: str, latex: str, derivative: str = "") -> LossEntry:
    def build(**params: float) -> losses.Loss:
        return losses.get(id, **params)

    return LossEntry(id, label, colour, description, latex, build, derivative=derivative)


LOSSES: dict[str, LossEntry] = {e.id: e for e in (
    _loss("mse", "MSE", palette.BLUE, "Squares each error, so one large miss outweighs many small ones.",
          r"\mathrm{MSE}=\frac1n\sum_{i=1}^n(\hat y_i-y_i)^2",
          r"\frac{\partial (\hat y_i-y_i)^2}{\partial\hat y_i}=2(\hat y_i-y_i)"),
    _loss("mae", "MAE", palette.VERMILLION, "Counts each error at its size, so a far point pulls no harder.",
          r"\mathrm{MAE}=\frac1n\sum_{i=1}^n|\hat y_i-y_i|",
          r"\frac{\partial |\hat y_i-y_i|}{\partial\hat y_i}=\operatorname{sign}(\hat y_i-y_i)"),
    _loss("huber", "Huber", palette.GREEN, "Squares small errors and counts large ones linearly beyond δ.",
          r"H_\delta(r)=\begin{cases}\tfrac12 r^2 & |r|\le\delta\\ \delta\,(|r|-\tfrac12\delta) & |r|>\delta"
          r"\end{cases},\quad r=\hat y-y",
          r"H_\delta'(r)=\operatorname{clip}(r,-\delta,\delta)"),
    _loss("log_cosh", "log-cosh", palette.PURPLE, "Smooth everywhere: close to half the square near 0, to |r| far out.",
          r"\ell(r)=\log\cosh(r),\quad r=\hat y-y", r"\ell'(r)=\tanh(r)"),
    _loss("quantile", "Quantile", palette.ORANGE,
          "Weights errors below and above by q and 1 − q, so its best constant is the q-quantile.",
          r"\ell_q(r)=\max\bigl(q\,(y-\hat y),\ (1-q)\,(\hat y-y)\bigr)"),
    _loss("asymmetric", "Cost-optimal quantile", palette.ORANGE,
          "Charges a forecast below demand and one above at their own prices.",
          r"\ell(\hat y, y)=c_{\text{under}}\max(y-\hat y, 0)+c_{\text{over}}\max(\hat y-y, 0)"),
    _loss("bce", "Binary cross-entropy", palette.SKY,
          "The surprise of the true label: a confident wrong probability costs without bound.",
          r"\ell(p, y)=-\bigl(y\log p+(1-y)\log(1-p)\bigr)"),
    _loss("cce", "Categorical cross-entropy", palette.BLACK,
          "Minus the log of the probability given to the true class.",
          r"\ell(p, y)=-\sum_{k} y_k\log p_k"),
)}


# ------------------------------------------------------------------------------ penalties


def _penalty(id: str, label: str, colour: str, description: str, latex: str, short: str = "") -> Entry:
    def build(lam: float = 0.0, l1_ratio: float = 0.5) -> penalties.Penalty:
        return penalties.get(id, lam, l1_ratio)

    return Entry(id, label, colour, description, latex, build, short or label)


PENALTIES: dict[str, Entry] = {e.id: e for e in (
    _penalty("none", "No penalty", palette.GREY, "The data loss alone.", r"R(w)=0"),
    # Not blue or vermillion: those are training and validation error wherever a penalty is drawn.
    _penalty("l1", "L1 (lasso)", palette.PURPLE, "Charges the size of each weight; sets weights exactly to 0.",
             r"R_{L1}(w)=\sum_j |w_j|", short="L1"),
    _penalty("l2", "L2 (ridge)", palette.ORANGE, "Charges the square of each weight; shrinks all, zeroes none.",
             r"R_{L2}(w)=\sum_j w_j^2", short="L2"),
    _penalty("elastic_net", "Elastic net", palette.GREEN, "Splits the penalty between L1 and L2 with the ratio α.",
             r"R_{EN}(w)=\alpha\sum_j|w_j|+(1-\alpha)\sum_j w_j^2"),
)}


# ------------------------------------------------------------------------------ surfaces


@dataclass(frozen=True)
class SurfaceEntry:
    """A test surface of ``core.surfaces``: one name on every view. ``axes`` are its axis titles; ``former``
    labels it had on some view, which a link may still carry (``Panel.select``'s ``aliases``)."""

    id: str
    label: str
    axes: tuple[str, str] = ("x", "y")
    former: tuple[str, ...] = ()

    def build(self, **params: float) -> surfaces.Surface:
        return surfaces.get(self.id, **params)


SURFACES: dict[str, SurfaceEntry] = {e.id: e for e in (
    SurfaceEntry("rosenbrock", "Rosenbrock's valley"),
    SurfaceEntry("bowl", "Elongated bowl"),
    SurfaceEntry("saddle", "Saddle", former=("The saddle",)),
    SurfaceEntry("plateau", "Plateau", former=("The plateau",)),
    SurfaceEntry("two_minima_1d", "Double well (1-D)"),
    SurfaceEntry("two_minima_2d", "Two wells (2-D)", former=("Two minima",)),
    SurfaceEntry("line_fit", "A line fit's MSE valley", axes=("slope w", "intercept b")),
)}


def former_labels(menu: Mapping[str, SurfaceEntry], ids) -> dict[str, str]:
    """``former label -> id`` of ``ids``: what an old link may still say."""
    return {old: k for k in ids for old in menu[k].former}


def torch_line_header(data: Mapping[str, Any], center: bool = False) -> list[str]:
    """The opening lines of a view's PyTorch code that fits a line: the imports, and the view's points
    rebuilt exactly as :func:`core.datasets.line_with_outliers` draws them from ``data`` (its arguments,
    with no outliers), as float64 tensors x and y (x centered when ``center``), and w = (slope, intercept)
    at zero."""
    d = data
    return [
        "import numpy as np",
        "import torch",
        "from torch.optim import lr_scheduler",
        "",
        f"# The page's {d['n']} points: y = {d['slope']:g} x + {d['intercept']:g} + noise, x in "
        f"[{d['x_range'][0]:g}, {d['x_range'][1]:g}].",
        f"rng = np.random.default_rng({d['seed']})",
        f"x_np = np.sort(rng.uniform({d['x_range'][0]:g}, {d['x_range'][1]:g}, size={d['n']}))",
        f"y_np = {d['slope']:g} * x_np + {d['intercept']:g} + {d['noise']:g} * rng.standard_normal({d['n']})",
        ("x, y = torch.tensor(x_np - x_np.mean()), torch.tensor(y_np)  # centered x" if center else
         "x, y = torch.tensor(x_np), torch.tensor(y_np)"),
        "w = torch.zeros(2, dtype=torch.float64, requires_grad=True)  # slope, intercept",
    ]
