"""The list of what-if views: one source for the navigation and the start page's gallery."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


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
         texts=('004',)),
    View("worked_examples.py", "Worked examples", ":material/calculate:", "Losses",
         "Do the lesson's numbers add up?",
         "Every worked example of the lesson on one page, computed step by step: change a prediction and watch the "
         "errors, squares and means follow.",
         "All of them at the default: Lagos MSE 44.67 and MAE 6.0, rainfall A 4.4 against B 32, an RMSE of $14,142, "
         "2,500,000,000 for a $50,000 miss.",
         texts=('000', '001', '003', '004')),
    View("mse_vs_mae.py", "MSE vs MAE", ":material/scatter_plot:", "Losses",
         "What does one outlier do to MSE and MAE?",
         "Push a few points off a tidy line and see how far squared, absolute and Huber error let them "
         "drag the fit.",
         "The lesson's Lagos houses (preset): MSE 44.67 against MAE 6.0, one house carrying 75% of the "
         "squared error.",
         texts=('000',)),
    View("cross_entropy.py", "Cross-entropy", ":material/percent:", "Losses",
         "Why does a confident wrong answer cost so much?",
         "Score a predicted probability with cross-entropy and with squared error, see which one keeps pushing a "
         "wrong model, and turn three logits into a softmax.",
         "The lesson's spam email (the default): p = 0.9 costs 0.105, p = 0.1 costs 2.303 (preset), and the cat "
         "picture scored 0.70 costs 0.357.",
         texts=('001', '003')),
    View("regularization.py", "Regularization", ":material/tune:", "Losses",
         "How strong should the penalty be?",
         "Turn the L1 or L2 penalty up on a wiggly polynomial and find the λ where validation error is "
         "lowest, and which weights L1 sets to exactly zero.",
         "The lesson's tradeoff: λ too small overfits, too large underfits, and validation data picks it.",
         texts=('002',)),
    View("normal_equation.py", "Normal equation", ":material/function:", "Optimization",
         "When can you skip the descent?",
         "Solve a linear fit in one step with the normal equation, watch gradient descent slow down as two features "
         "grow alike, and time both as the data grow.",
         "The lesson's point that linear regression with MSE has a closed form (the default: 3 equations, one solve, "
         "where gradient descent needs 12 steps); an exact copy of a feature leaves XᵀX without an inverse (preset).",
         texts=('002',)),
    View("learning_rate.py", "Learning rate", ":material/speed:", "Optimization",
         "Which learning rates crawl, converge, or blow up?",
         "Three step sizes walk down one loss valley: one crawls, one arrives, one overshoots off the map.",
         "The lesson's rates 0.00001, 0.01 and 1.0 (preset): one barely moves, one closes in on the "
         "bottom, one blows up.",
         texts=('000',)),
    View("optimizer_race.py", "Optimizer race", ":material/sports_score:", "Optimization",
         "Which optimizer reaches the bottom first?",
         "Race gradient descent, momentum, Nesterov, AdaGrad, RMSprop, Adam and AdamW across six surfaces, "
         "each at its own rate or its best one, and look inside any of them step by step.",
         "The lesson's claim, tested: a well-tuned gradient descent with momentum can beat a poorly tuned Adam "
         "(preset).",
         texts=('002',)),
    View("lr_schedules.py", "Schedules", ":material/timeline:", "Optimization",
         "How should the learning rate change during training?",
         "Put two learning-rate schedules side by side on noisy mini-batches or above the critical rate, and "
         "find a starting rate with the range test.",
         "The lesson's step decay, 0.1 then 0.01 after 30 epochs and 0.001 after 60 (the default), and its "
         "exponential decay η₀·e^(−kt) (preset).",
         texts=('002',)),
    View("batch_size.py", "Batch size", ":material/stacks:", "Optimization",
         "What does the batch size change?",
         "Train one line with the full batch, mini-batches and single points: count the steps per epoch, watch the "
         "noise fall as 1/B, and accumulate batches into a bigger one.",
         "The lesson's mini-batch trade-off (the default): per epoch, batches of 16 end 4.7 times closer to the best "
         "line than the full batch, while SGD's noise keeps it 4.3 times further (each averaged over the last "
         "epoch).",
         texts=('002',)),
    View("local_minima.py", "Local minima", ":material/landscape:", "Optimization",
         "Can training get stuck?",
         "Restart descent from a hundred random points on a surface with a shallow and a deep valley, shake it with "
         "noise, stall it on a saddle and a plateau, and train a small network from many starts.",
         "The lesson's claims, tested: noise helps escape a shallow minimum (preset), and a network's many minima "
         "have nearly the same loss (the default: 28 of 30 runs within 10% of the best).",
         texts=('001', '002')),
    View("loss_curves.py", "Loss curves", ":material/monitor_heart:", "Optimization",
         "What is your loss curve telling you?",
         "Train a polynomial by mini-batch gradient descent and read its training and validation curves: converged, "
         "overfitting, underfitting, unstable or too slow, with early stopping marked and a quiz mode.",
         "The lesson's list of what a loss curve says, one preset each: validation rising while training falls is "
         "overfitting (preset: it turns at epoch 36), both levelling off high is underfitting.",
         texts=('002',)),
    View("business_costs.py", "Business costs", ":material/payments:", "Decisions",
         "When a miss costs more than a false alarm, where should the line go?",
         "Price the two kinds of mistake differently and watch the best fraud threshold and the best "
         "stock level move away from the middle.",
         "The lesson's fraud prices, a missed fraud $1,000 against a false alarm $10 (the default): flag "
         "from P(fraud) = 0.0099.",
         texts=('002',)),
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
