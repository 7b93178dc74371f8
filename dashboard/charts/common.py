"""Pieces every chart builder shares: colour scales from the palette, thinning, sizes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import altair as alt
import numpy as np
import pandas as pd

MAX_MARKS = 5_000  # a chart above this slows the browser without showing more
HEIGHT = 320


def color_scale(colors: Mapping[str, str], labels: Mapping[str, str] | None = None,
                keys: Iterable[str] | None = None) -> alt.Scale:
    """An ordinal colour scale mapping each label to its palette colour (same on every page)."""
    keys = list(colors) if keys is None else list(keys)
    domain = [labels.get(k, k) if labels else k for k in keys]
    return alt.Scale(domain=domain, range=[colors[k] for k in keys])


def thin(frame: pd.DataFrame, max_rows: int, *, by: str | None = None) -> pd.DataFrame:
    """Keep at most ``max_rows`` rows, evenly spaced (per group of ``by``), first and last kept.

    Used on long curves (loss per step) where neighbouring points look the same on screen.
    """
    if by is None:
        if len(frame) <= max_rows:
            return frame
        idx = np.unique(np.linspace(0, len(frame) - 1, max_rows).round().astype(int))
        return frame.iloc[idx]
    groups = frame.groupby(by, sort=False, observed=True)
    per_group = max(2, max_rows // max(1, groups.ngroups))
    return pd.concat([thin(g, per_group) for _, g in groups], ignore_index=True)

