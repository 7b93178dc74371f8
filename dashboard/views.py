"""The list of what-if views: one source for the navigation and the start page's links."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


@dataclass(frozen=True)
class View:
    file: str  # file name in pages/
    title: str  # short name in the navigation
    icon: str  # Material icon
    section: str
    answers: str  # the one line the start page shows: what the view answers

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


VIEWS: tuple[View, ...] = (
    View("mse_vs_mae.py", "MSE vs MAE", ":material/scatter_plot:", "Losses",
         "What does one outlier do to a line fitted with squared or with absolute error?"),
    View("regularization.py", "Regularization", ":material/tune:", "Losses",
         "How strong should the penalty be, and why does L1 zero out weights while L2 only shrinks them?"),
    View("learning_rate.py", "Learning rate", ":material/speed:", "Optimization",
         "Which learning rates crawl, which converge, and where exactly does training blow up?"),
    View("business_costs.py", "Business costs", ":material/payments:", "Decisions",
         "When a miss costs 100 times a false alarm, where should the threshold go?"),
)

SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(v.section for v in VIEWS))
