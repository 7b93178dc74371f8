"""The list of what-if views: one source for the navigation and the start page's gallery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dashboard import registry

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class Probe:
    """The browser test's hand on a view: one slider moved by one ArrowRight from the default."""

    label: str  # the slider's label
    key: str  # its link key
    start: str  # the value it shows at the default
    moved: str  # the value one ArrowRight later
    shown: str  # a live number the default scenario states
    unchanged: tuple[str, ...] = ()  # charts (names of ``Tags.charts``) that do not depend on the slider


@dataclass(frozen=True, eq=False)  # eq=False: hashed by identity, so a View holding one stays hashable
class Tags:
    """What the shared test suites, the deck and the benchmarks need to know about a view, declared once
    beside it (as scikit-learn's estimator tags): contract, text at the ends, switching, present mode,
    the browser's page and phone tests read these and nothing else."""

    charts: tuple[str, ...]  # each chart drawn at the default scenario, top to bottom
    present: tuple[str, str]  # one (link key, value) away from the default, for present mode's back link
    probe: Probe | None = None  # None: the view has no slider (a test holds it)
    main_chart: int = 0  # the chart (index in ``charts``) that draws a pinned scenario in grey
    live_formulas: int = 0  # typeset formulas outside "The math" (they carry live numbers)
    phone: tuple[tuple[str, int], ...] = ()  # other scenarios (link query, charts drawn) worth a phone's look
    enabled_by: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # greyed-out key -> the link making it live
    pin_keeps: Mapping[str, str] = field(default_factory=dict)  # control key -> why pinning leaves it where it is


@dataclass(frozen=True)
class View:
    file: str  # file name in pages/; its stem names the view's modules and its address (st.Page's URL path)
    title: str  # short name in the navigation
    icon: str  # Material icon
    section: str
    question: str  # the page's title (a test holds them equal)
    sentence: str  # the start page's one sentence: what the learner does there and sees
    lesson: str = ""  # which of the lesson's own examples the view reproduces, and how to get there
    texts: tuple[str, ...] = ()  # the lesson texts (keys of LESSON_TEXTS) its examples come from
    tags: Tags | None = None  # its facts for the shared suites (every view has them: a test holds it)

    @property
    def name(self) -> str:
        return self.file.removesuffix(".py")

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


VIEWS: tuple[View, ...] = (
    View("fit_by_hand.py", "Fit by hand", ":material/straighten:", "Losses",
         "Can you beat least squares by hand?",
         "Set a line's slope and intercept, watch every residual and its square, and race the total squared error "
         "down before revealing the best line.",
         "The lesson's start, slope 0.5 and intercept 3 (the default): a total squared error of 11.9, against 2.18 "
         "for the best line.",
         texts=('004',),
         tags=Tags(charts=("your line", "loss surface"), present=("slope", "1"),
                  probe=Probe("Slope", "slope", "0.5", "0.525", shown="11.9"),
                  phone=(("squares=true&reveal=true&loss=Absolute+error+%28MAE%29", 2),))),
    View("worked_examples.py", "Worked examples", ":material/calculate:", "Losses",
         "Do the lesson's numbers add up?",
         "Every worked example of the lesson on one page, computed step by step: change a prediction and watch the "
         "errors, squares and means follow.",
         "All of them at the default: Lagos MSE 44.67 and MAE 6.0, rainfall A 4.4 against B 32, an RMSE of $14,142, "
         "2,500,000,000 for a $50,000 miss.",
         texts=('000', '001', '003', '004'),
         tags=Tags(charts=("worked table",), present=("rain_b4", "40"),
                  phone=(("worksheet=true", 0),),
                  pin_keeps={"worksheet": "a worksheet hides the answers: no headline, no chart to compare"})),
    View("mse_vs_mae.py", "MSE vs MAE", ":material/scatter_plot:", "Losses",
         "What does one outlier do to MSE and MAE?",
         "Push a few points off a tidy line and see how far squared, absolute and Huber error let them "
         "drag the fit.",
         "The lesson's Lagos houses (preset): MSE 44.67 against MAE 6.0, one house carrying 75% of the "
         "squared error.",
         texts=('000',),
         tags=Tags(charts=("fitted lines", "slope moves", "slope against shift", "loss contributions", "loss shapes",
                          "loss pulls"), present=("outliers", "3"),
                  probe=Probe("How far the outliers sit", "shift", "20", "21", shown="+0.2901"),
                  phone=(("data=Lagos+houses", 3),),
                  pin_keeps={"data": "the Lagos houses are scored, not fitted: the main chart of fitted lines "
                                     "is not drawn"})),
    View("cross_entropy.py", "Cross-entropy", ":material/percent:", "Losses",
         "Why does a confident wrong answer cost so much?",
         "Score a predicted probability with cross-entropy and with squared error, see which one keeps pushing a "
         "wrong model, and turn three logits into a softmax.",
         "The lesson's spam email (the default): p = 0.9 costs 0.105, p = 0.1 costs 2.303 (preset), and the cat "
         "picture scored 0.70 costs 0.357.",
         texts=('001', '003'),
         tags=Tags(charts=("loss against probability", "push on the logit", "softmax", "spam training"),
                  present=("p", "0.5"), main_chart=3,
                  probe=Probe("Predicted probability of spam, p", "p", "0.90", "0.91", shown="0.105",
                              unchanged=("softmax", "spam training")))),
    View("regularization.py", "Regularization", ":material/tune:", "Losses",
         "How strong should the penalty be?",
         "Turn the L1 or L2 penalty up on a wiggly polynomial and find the λ where validation error is "
         "lowest, and which weights L1 sets to exactly zero.",
         "The lesson's tradeoff: λ too small overfits, too large underfits, and validation data picks it.",
         texts=('002',),
         tags=Tags(charts=("fitted curve", "U-curve", "coefficient paths", "two-weight picture"), present=("degree", "9"),
                  probe=Probe("Penalty strength λ", "lam", "0.0001", "0.00016", shown="3 of 12",
                              unchanged=("two-weight picture",)),
                  phone=(("penalty=Elastic+net", 4),),
                  # only elastic net has an L1 ratio
                  enabled_by={"ratio": {"penalty": registry.PENALTIES["elastic_net"].short}})),
    View("normal_equation.py", "Normal equation", ":material/function:", "Optimization",
         "When can you skip the descent?",
         "Solve a linear fit in one step with the normal equation, watch gradient descent slow down as two features "
         "grow alike, and time both as the data grow.",
         "The lesson's point that linear regression with MSE has a closed form (the default: 3 equations, one solve, "
         "where gradient descent needs 12 steps); an exact copy of a feature leaves XᵀX without an inverse (preset).",
         texts=('002',),
         tags=Tags(charts=("descent path", "distance per step", "steps against condition", "operation counts",
                          "measured times"), present=("n", "80"), main_chart=1, live_formulas=1,
                  probe=Probe("Rows n", "n", "50", "51", shown="1.467",
                              unchanged=("operation counts", "measured times")),
                  phone=(("likeness=an+exact+copy+of+x%E2%82%81", 5),),
                  # the gap applies to a near copy only, the ridge strength once ridge is on
                  enabled_by={"gap": {"likeness": "nearly a copy of x₁"}, "lam": {"ridge": "true"}})),
    View("learning_rate.py", "Learning rate", ":material/speed:", "Optimization",
         "Which learning rates crawl, converge, or blow up?",
         "Three step sizes walk down one loss valley: one crawls, one arrives, one overshoots off the map.",
         "The lesson's rates 0.00001, 0.01 and 1.0 (preset): one barely moves, one closes in on the "
         "bottom, one blows up.",
         texts=('000',),
         tags=Tags(charts=("loss valley", "loss curves", "sweep"), present=("large", "0.04"), main_chart=1,
                  probe=Probe("Too large η", "large", "0.032", "0.04", shown="diverged at step 36"),
                  phone=(("sched=Cosine+annealing", 4), ("present=1", 3)))),
    View("optimizer_race.py", "Optimizer race", ":material/sports_score:", "Optimization",
         "Which optimizer reaches the bottom first?",
         "Race gradient descent, momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW across six surfaces, "
         "each at its own rate or its best one, and look inside any of them step by step.",
         "The lesson's claim, tested: a well-tuned gradient descent with momentum can beat a poorly tuned Adam "
         "(preset).",
         texts=('002',),
         tags=Tags(charts=("race paths", "race loss curves", "optimizer internals"), present=("steps", "100"),
                  main_chart=1,
                  probe=Probe("Steps", "steps", "300", "310", shown="First: Momentum"),
                  phone=(("surface=line_fit&run_adamw=true", 3),),
                  # the start point is the surface's own until the learner chooses one; a racer's own rate
                  # counts when the racers are not tuned, and when it races
                  enabled_by={"x0": {"own_start": "true"}, "y0": {"own_start": "true"},
                              **{f"lr_{key}": {"tuned": "false", f"run_{key}": "true"}
                                 for key in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")}})),
    View("lr_schedules.py", "Schedules", ":material/timeline:", "Optimization",
         "How should the learning rate change during training?",
         "Put two learning-rate schedules side by side on noisy mini-batches or above the critical rate, and "
         "find a starting rate with the range test.",
         "The lesson's step decay, 0.1 then 0.01 after 30 epochs and 0.001 after 60 (the default), and its "
         "exponential decay η₀·e^(−kt) (preset).",
         texts=('002',),
         tags=Tags(charts=("schedules rate and loss", "schedules range test"), present=("epochs", "60"),
                  probe=Probe("Epochs", "epochs", "90", "95", shown="0.002784", unchanged=("schedules range test",)),
                  phone=(("batch=64+%28full+batch%29&lr=1.3&b=Warmup%2C+then+cosine", 2),),
                  # a schedule's settings are live while schedule B is that schedule
                  enabled_by={knob: {"b": registry.SCHEDULES[s].label} for s in
                              ("exponential", "warm_restarts", "warmup", "one_cycle", "cyclic", "reduce_on_plateau")
                              for knob in registry.SCHEDULES[s].knobs})),
    View("batch_size.py", "Batch size", ":material/stacks:", "Optimization",
         "What does the batch size change?",
         "Train one line with the full batch, mini-batches and single points: count the steps per epoch, watch the "
         "noise fall as 1/B, and accumulate batches into a bigger one.",
         "The lesson's mini-batch trade-off (the default): per epoch, batches of 16 end 4.7 times closer to the best "
         "line than the full batch, while SGD's noise keeps it 4.3 times further (each averaged over the last "
         "epoch).",
         texts=('002',),
         tags=Tags(charts=("batch paths", "batch loss curves", "batch gradient noise"), present=("epochs", "5"),
                  main_chart=1,
                  probe=Probe("Learning rate η", "lr", "0.1", "0.13", shown="0.005033",
                              unchanged=("batch gradient noise",)))),
    View("local_minima.py", "Local minima", ":material/landscape:", "Optimization",
         "Can training get stuck?",
         "Restart descent from a hundred random points on a surface with a shallow and a deep valley, shake it with "
         "noise, stall it on a saddle and a plateau, and train a small network from many starts.",
         "The lesson's claims, tested: noise helps escape a shallow minimum (preset), and a network's many minima "
         "have nearly the same loss (the default: 28 of 30 runs within 10% of the best).",
         texts=('001', '002'),
         tags=Tags(charts=("restarts", "rate sweep", "trap paths", "trap loss curves", "network final losses",
                          "network loss landscape"), present=("restarts", "50"), main_chart=2,
                  # the sweep keeps the first 100 starts: 110 add none to it
                  probe=Probe("Restarts", "restarts", "100", "110", shown="46 of 100",
                              unchanged=("rate sweep", "trap paths", "trap loss curves", "network final losses",
                                         "network loss landscape")),
                  phone=(("surface=Two+wells+%282-D%29&trap=Plateau", 6),),
                  # each restart surface keeps its own rate; the offset is the saddle's start
                  enabled_by={"lr_1d": {"surface": registry.SURFACES["two_minima_1d"].label},
                              "lr_2d": {"surface": registry.SURFACES["two_minima_2d"].label},
                              "offset": {"trap": registry.SURFACES["saddle"].label}})),
    View("loss_curves.py", "Loss curves", ":material/monitor_heart:", "Optimization",
         "What is your loss curve telling you?",
         "Train a polynomial by mini-batch gradient descent and read its training and validation curves: converged, "
         "overfitting, underfitting, unstable or too slow, with early stopping marked and a quiz mode.",
         "The lesson's list of what a loss curve says, one preset each: validation rising while training falls is "
         "overfitting (preset: it turns at epoch 36), both levelling off high is underfitting.",
         texts=('002',),
         tags=Tags(charts=("loss curves", "fitted curves"), present=("degree", "5"),
                  probe=Probe("Polynomial degree (capacity)", "degree", "3", "4", shown="261 of 300"),
                  phone=(("quiz=true", 2),),
                  enabled_by={"lam": {"l2": "true"}})),
    View("business_costs.py", "Business costs", ":material/payments:", "Decisions",
         "When a miss costs more than a false alarm, where should the line go?",
         "Price the two kinds of mistake differently and watch the best fraud threshold and the best "
         "stock level move away from the middle.",
         "The lesson's fraud prices, a missed fraud $1,000 against a false alarm $10 (the default): flag "
         "from P(fraud) = 0.0099.",
         texts=('002',),
         tags=Tags(charts=("fraud cost curve", "confusion matrices", "demand fits", "demand costs"),
                  present=("miss", "500"),
                  probe=Probe("Transactions", "n", "10000", "11000", shown="$61,290",
                              unchanged=("demand fits", "demand costs")),
                  phone=(("weights=true", 4),))),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(v.section for v in VIEWS))

# The lesson texts of ../shared/seeds, by their file prefix: a teacher planning a class from one text finds its views.
LESSON_TEXTS: dict[str, str] = {
    "000": "Finding the Bottom",
    "001": "The Objective: Minimizing Loss",
    "002": "Chapter 10: Loss Functions and Optimization",
    "003": "Deep Learning Loss Functions and Optimization",
    "004": "Loss functions & objectives (LearnMathora)",
}

# A path through the lesson, the order of VIEWS, so the start page's numbered cards and the sidebar agree:
# score a line by hand, score errors, keep the model simple, solve in one step where a formula exists, then
# descend; then price the mistakes.
SUGGESTED_ORDER: tuple[str, ...] = tuple(v.name for v in VIEWS)
