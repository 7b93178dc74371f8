"""Pieces every chart builder shares: colour scales from the palette, thinning, sizes,
:func:`render`, the one way a chart is made (a cached template, its placeholders, Arrow data),
and :func:`built_once`, which every public builder wears."""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping

import altair as alt
import numpy as np
import pandas as pd

from dashboard.palette import PINNED, PINNED_TEXT

MAX_MARKS = 5_000  # a chart above this slows the browser without showing more
PREVIEW_SIZE = (300, 150)  # CSS pixels of the plotting area of a start-page figure (every view's)
HEIGHT = 320


# Ticks asked of a log axis. d3 gives 1..9 x every decade while the axis spans fewer decades than
# this, and falls back to evenly spaced (linear) ticks when those are fewer than half of it:
# 18 keeps the 1..9 ticks from one decade (9 or 10 of them) up to 17.
LOG_TICKS = 18
LOG_MINOR_GRID = 0.35  # the opacity of a log axis's grid lines between decades


def log_axis(mantissas: tuple[int, ...] = (1,), **kwargs) -> alt.Axis:
    """A log axis with a grid line at 1..9 x each decade and a label at each decade.

    ``mantissas`` are the multiples labelled within a decade: (1,) labels 0.01, 1, 100...;
    (1, 2, 5) also 0.02, 0.05... for an axis that spans only a decade or two, which would
    otherwise show one label or none. Labels stay short: 0.01, 1, 100, then 1e+4 (not 10000),
    1e-4. Without this Vega picks the labelled values itself (0.4, 0.2, 0.05 and no 0.1).
    """
    power = "pow(10, floor(log(datum.value) / LN10 + 1e-9))"
    labelled = " || ".join(f"abs(datum.value / {power} - {m}) < 1e-6" for m in mantissas)
    short = "datum.value >= 1e4 || datum.value < 1e-3 ? format(datum.value, '.0e') : format(datum.value, '~g')"
    # The 2..9 grid lines faint, each decade's full: over ten decades 90 equal lines print as a grey block.
    decade = f"abs(datum.value / {power} - 1) < 1e-6"
    kwargs.setdefault("gridOpacity", {"condition": {"test": decade, "value": 1}, "value": LOG_MINOR_GRID})
    return alt.Axis(labelExpr=f"({labelled}) ? ({short}) : ''", tickCount=LOG_TICKS, **kwargs)


PINNED_DATA = "pinned"  # the dataset of a pinned scenario's layer (dashboard.pinning)


def pinned_layers(x: alt.X, y: alt.Y, *, detail: str = "series", what: str = "pinned",
                  dashes: Mapping[str, list[int]] | None = None, named: bool = True,
                  **mark) -> list[alt.Chart]:
    """A pinned scenario's lines, wide and light grey, to go under a chart's live layers, each named
    at its right end ("pinned: too small (η=0.00125)") so a projected chart says which grey is which
    without a hover.

    Reads the dataset :data:`PINNED_DATA` in the same fields as the chart's own ``x`` and ``y``
    (so the axes and their titles are shared), one line per value of ``detail``; its
    ``label`` column names each line, on the chart and in the tooltip after ``what``. ``dashes``: a
    dash pattern per value of ``detail``, so that two grey lines can be told apart. ``named=False``
    leaves the names to the tooltip, for one grey line the caption names or lines that end together.
    """
    encoding = dict(x=x, y=y, detail=alt.Detail(field=detail, type="nominal"),
                    tooltip=[alt.Tooltip(field="label", type="nominal", title=what)])
    if dashes:
        encoding["strokeDash"] = alt.StrokeDash(field=detail, type="nominal", legend=None,
                                                scale=alt.Scale(domain=list(dashes), range=list(dashes.values())))
    data = alt.Chart(alt.NamedData(PINNED_DATA))
    lines = data.mark_line(color=PINNED, strokeWidth=4, opacity=0.8, **mark).encode(**encoding)
    if not named:
        return [lines]
    x_field, y_field = _field(x), _field(y)
    # The last drawn point of each line: its largest x among the rows with a y on the axis.
    ends = data.transform_filter(f"isValid(datum['{y_field}']) && isFinite(datum['{y_field}'])").transform_window(
        last="row_number()", sort=[alt.SortField(x_field, order="descending")], groupby=[detail]).transform_filter(
        "datum.last == 1").transform_calculate(named="'pinned: ' + datum.label")
    names = haloed_text(ends, dict(x=x, y=y, text=alt.Text(field="named", type="nominal")), align="right",
                        baseline="bottom", dx=-2, dy=-5, fontSize=11, color=PINNED_TEXT,
                        clip=bool(mark.get("clip", False)))
    return [lines, *names]


def _field(channel) -> str:
    """The data field an encoding channel reads (given as ``field=`` or as a shorthand ``"step:Q"``)."""
    field = channel.to_dict().get("field")
    return field if isinstance(field, str) else str(channel.shorthand).split(":")[0]


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


# --- Speed: serialize a chart once, refill its data on every rerun ----------------------------
# Altair checks the whole Vega-Lite spec against its JSON schema each time a chart is
# serialized, and even without that it spends tens of ms building and serializing a layered
# chart (it deep-copies every layer several times), on every rerun. A template builder whose
# layers read *named* datasets (``alt.NamedData("points")``) and whose spec depends only on a few
# small parameters is serialized once per parameter set by `render`; each rerun then
# only puts the new data frames and placeholder values in. The result is a Vega-Lite dict that
# `dashboard.layout.chart` draws (st.vega_lite_chart) and `dashboard.export` renders.
#
# Templates are checked against the Vega-Lite schema only when VALIDATE_TEMPLATES is set:
# the check costs 100-500 ms per template, which a user would pay the first time they pick
# an option (a penalty, an optimizer). The test suite sets it (tests/dashboard/conftest.py),
# so every template the pages build under test is validated there.
VALIDATE_TEMPLATES = False

_DEFAULT_VIEW = {"continuousWidth": 300, "continuousHeight": 300}  # Altair's default theme
BOTTOM_LEGENDS_STACKED = {"bottom": {"anchor": "start", "direction": "vertical", "margin": 6}}


def _template_json(builder, params: tuple) -> str:
    import json

    from altair.utils import schemapi

    with schemapi.debug_mode(VALIDATE_TEMPLATES):
        spec = builder(**dict(params)).to_dict(validate=VALIDATE_TEMPLATES)
    config = spec.setdefault("config", {})
    if config.get("view") == _DEFAULT_VIEW:  # as Streamlit does: no Altair default theme
        del config["view"]
    # Two legends below a plot stack, one under the other, starting at its left edge (Vega's
    # default puts them side by side, wider than a phone). Vega-Lite hands config.legend.layout
    # to Vega as it is, but its schema types it as an expression, so it is set after the check.
    config.setdefault("legend", {})["layout"] = BOTTOM_LEGENDS_STACKED
    # On screen, a canvas: vega-embed 7 (Streamlit's) draws SVG by default, and an SVG chart
    # whose data change rebuilds its marks as DOM nodes (about 370 per rerun on MSE vs MAE).
    # Nothing on a canvas reads Vega-Lite's per-mark ARIA descriptions, expressions that
    # Streamlit's CSP-safe interpreter would evaluate for every item on every data change;
    # `dashboard.export` turns them back on for files.
    config["aria"] = False
    spec["usermeta"] = {"embedOptions": {"renderer": "canvas"}}
    return json.dumps(spec)


def _digest(frame: pd.DataFrame) -> str:
    """A short hash of the frame's columns and values (deterministic; ~0.1 ms for 1,000 rows).

    Numbers are hashed from their numpy bytes, other columns from their Arrow buffers
    (pandas' string columns already are Arrow arrays, so nothing is converted).
    """
    import hashlib

    import pyarrow as pa

    digest = hashlib.blake2b(digest_size=6)
    for column, series in frame.items():
        digest.update(f"|{column}:{series.dtype}:{len(series)}|".encode())
        if series.dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(series.to_numpy()).tobytes())
            continue
        try:
            chunks = pa.chunked_array(pa.array(series)).chunks
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed Python objects: hash their text
            digest.update("\x1f".join(map(repr, series.tolist())).encode())
            continue
        for chunk in chunks:
            digest.update(f"{chunk.offset}:{len(chunk)}:{chunk.null_count}".encode())
            for buffer in chunk.buffers():
                if buffer is not None:
                    digest.update(buffer)
    return digest.hexdigest()


def render(builder, frames: Mapping[str, pd.DataFrame], *, values: Mapping[str, object] | None = None,
           **params) -> dict:
    """The one way a chart is made: the Vega-Lite dict of ``builder(**params)`` with its data.

    - ``builder`` returns an Altair chart whose layers read ``alt.NamedData(key)`` for each key
      of ``frames``. Its spec is built (and, under test, validated) once per distinct ``params``
      (small hashable values that pick a chart's form: a title, a number of series) and cached.
    - ``values`` fill the template's placeholders (strings such as ``"@x0@"`` that the template
      holds where a scenario's value goes: a colour, a label, an axis extent). A string equal to
      a placeholder becomes its value (a number, say); a placeholder inside a longer string (an
      expression, a title) is replaced by its value's text. A value that changes with the
      scenario changes the spec, which the browser must compile again: an axis extent that
      moves with a control comes from data instead (:func:`extent_layer`).
    - Each dataset keeps its key as its name, so a new scenario whose template values are the
      same gives the same spec text with new data: the browser then updates the drawn chart's
      data in place (and skips a dataset whose bytes did not change) instead of compiling
      and embedding the chart again, the costliest part of a rerun on screen. Each dataset is
      sent as an Arrow table, converted once per distinct content.
    """
    import json

    key = tuple(sorted(params.items()))
    with _TEMPLATES_LOCK:  # sessions rerun on their own threads
        text = _TEMPLATES.setdefault(builder, {}).get(key)
    if text is None:
        text = _template_json(builder, key)
        with _TEMPLATES_LOCK:
            cache = _TEMPLATES.setdefault(builder, {})
            cache[key] = text
            while len(cache) > _TEMPLATES_PER_BUILDER:
                cache.pop(next(iter(cache)))
    spec = json.loads(text)
    if values:
        _fill(spec, values)
    spec["datasets"] = _arrow(frames)
    return spec


def _fill(node, values: Mapping[str, object]) -> None:
    """One walk over a template: write its placeholders, in place."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(value, str):
            if "@" in value:
                if value in values:
                    node[key] = values[value]
                    continue
                for placeholder, text in values.items():
                    value = value.replace(placeholder, str(text))
                node[key] = value
        elif isinstance(value, (dict, list)):
            _fill(value, values)


_TEMPLATES: dict = {}  # builder -> {params: spec text}, the oldest dropped past _TEMPLATES_PER_BUILDER
_TEMPLATES_PER_BUILDER = 32
_TEMPLATES_LOCK = threading.Lock()


HALO = {"stroke": "white", "strokeWidth": 4, "strokeJoin": "round", "strokeOpacity": 0.9}


def haloed_text(base: alt.Chart, encoding: Mapping, **mark) -> list[alt.Chart]:
    """A text layer over a white outline of itself: a label stays readable where it crosses a
    line or a curve (Vega draws a text's stroke over its fill, hence two layers)."""
    return [base.mark_text(**mark, **HALO).encode(**encoding), base.mark_text(**mark).encode(**encoding)]


def layer(*charts: alt.Chart, data=alt.Undefined, **properties) -> alt.LayerChart:
    """``alt.layer(*charts, data=data).properties(**properties)`` without its copies.

    ``alt.LayerChart`` deep-copies every layer three times while it hoists selections, shared
    data and sizes out of them (10-20 ms for a five-layer chart). Layers made for this helper
    have none of those: no params, no width/height/view, and their data is either their own
    or ``data`` given here (build them from ``alt.Chart()``). Anything else goes through
    ``alt.layer`` unchanged.
    """
    plain = all(
        c.params is alt.Undefined and all(c[p] is alt.Undefined for p in ("width", "height", "view"))
        for c in charts if isinstance(c, alt.Chart)
    ) and all(isinstance(c, alt.Chart) for c in charts)
    if not plain:
        return alt.layer(*charts, data=data).properties(**properties)
    chart = alt.LayerChart(data=data, **properties)
    chart.layer = list(charts)
    return chart


def extent_layer(x: alt.X | None, y: alt.Y | None, *, name: str = "extent") -> alt.Chart:
    """An invisible layer whose two corners set a chart's axis extents from data.

    A layer's scales take the union of every layer's data, so two points at the corners
    ``(x0, y0)`` and ``(x1, y1)`` (made by :func:`extent_frame`, dataset ``name``) stretch the
    axes exactly there when the other layers' data lie inside (with ``nice=False``). An extent
    written into the template as a scale domain would change the spec with the scenario, and
    the browser would then compile and embed the whole chart again instead of updating its
    data in place.
    """
    encoding = {k: v for k, v in (("x", x), ("y", y)) if v is not None}
    return alt.Chart(alt.NamedData(name)).mark_point(opacity=0, size=0).encode(**encoding)


def extent_frame(x: tuple[float, float] | None = None, y: tuple[float, float] | None = None, *,
                 x_field: str = "x", y_field: str = "y") -> pd.DataFrame:
    """The two corners for :func:`extent_layer`, in the fields the chart's x and y encode."""
    columns = {}
    if x is not None:
        columns[x_field] = [float(x[0]), float(x[1])]
    if y is not None:
        columns[y_field] = [float(y[0]), float(y[1])]
    return pd.DataFrame(columns)


_ARROW: OrderedDict = OrderedDict()  # hash of a frame's columns and values -> [pyarrow.Table, last used]
_ARROW_SIZE = 128
_ARROW_BUDGET = 48 * 2 ** 20  # bytes of tables kept (a chart's data is 10 KB to 1 MB)
_ARROW_BYTES = [0]
_ARROW_LOCK = threading.Lock()


def _arrow(frames: Mapping[str, pd.DataFrame]) -> dict:
    """Each named frame as an Arrow table, converted here on one thread.

    Streamlit would convert each DataFrame itself with pyarrow's thread pool, whose hand-offs
    cost more than converting a few thousand rows (several ms per dataset on a busy server).
    A table converted before (same columns and values, by :func:`_digest`) is reused from a
    small LRU cache (at most ``_ARROW_SIZE`` tables and ``_ARROW_BUDGET`` bytes): a rerun converts
    only the data that changed, and an unchanged dataset is the same table (Streamlit then sends
    the same bytes). The tables are never modified, so sessions may share them.
    """
    import pyarrow as pa

    tables = {}
    for name, frame in frames.items():
        digest = _digest(frame)
        now = time.monotonic()
        with _ARROW_LOCK:  # sessions rerun on their own threads
            held = _ARROW.get(digest)
            if held is not None:
                _ARROW.move_to_end(digest)
                held[1] = now
        table = None if held is None else held[0]
        if table is None:
            table = pa.Table.from_pandas(frame, preserve_index=False, nthreads=1)
            with _ARROW_LOCK:
                if digest not in _ARROW:
                    _ARROW[digest] = [table, now]
                    _ARROW_BYTES[0] += table.nbytes
                while len(_ARROW) > _ARROW_SIZE or (_ARROW_BYTES[0] > _ARROW_BUDGET and len(_ARROW) > 1):
                    _ARROW_BYTES[0] -= _ARROW.popitem(last=False)[1][0].nbytes
        tables[name] = table
    return tables


def expire_arrow(now: float, ttl: float) -> int:
    """Drop the Arrow tables unused for ``ttl`` seconds (the scenario cache's sweep calls it); the bytes freed."""
    freed = 0
    with _ARROW_LOCK:
        while _ARROW:
            digest, (table, used) = next(iter(_ARROW.items()))
            if now - used < ttl:
                break
            del _ARROW[digest]
            _ARROW_BYTES[0] -= table.nbytes
            freed += table.nbytes
    return freed


def as_frame(data) -> pd.DataFrame:
    """A spec's dataset as a DataFrame, whether it is still one or already an Arrow table."""
    return data if isinstance(data, pd.DataFrame) else data.to_pandas()


def dataset(spec: dict, key: str) -> pd.DataFrame:
    """The dataset ``key`` of a chart dict as a DataFrame."""
    return as_frame(spec["datasets"][key])


def mark_count(spec: dict) -> int:
    """Rows drawn by a chart dict (the sum over its datasets), for the <= MAX_MARKS check."""
    return int(sum(len(rows) for rows in spec.get("datasets", {}).values()))


# --------------------------------------------------------------------------- one build per scenario

_BUILT: OrderedDict = OrderedDict()  # (builder, arguments) -> (weak references to its frames, chart dict)
_BUILT_SIZE = 256
_BUILT_LOCK = threading.Lock()
_BY_IDENTITY = (pd.DataFrame, pd.Series, np.ndarray)


def built_once(builder):
    """Decorator for a public chart builder: the chart dict is built once per distinct arguments.

    A page's frames come from cached scenario results (``dashboard.cache``), the same objects
    on every rerun and in every session, so frames and arrays are compared by identity (held
    by weak reference: a frame that is gone never matches a new one at its address) and
    everything else by value. A rerun of a scenario that anyone on the server has drawn
    before then skips the builder's frames, hashing and template filling. The dicts are
    shared, so nothing may modify them (Streamlit copies a spec before it changes it).
    Arguments that cannot be keyed (an unhashable value) are built as usual.
    """

    @functools.wraps(builder)
    def build(*args, **kwargs):
        frames: list = []
        try:
            key = (builder, _key(args, frames), _key(tuple(sorted(kwargs.items())), frames))
            hash(key)
        except TypeError:
            return builder(*args, **kwargs)
        with _BUILT_LOCK:
            _drop_gone()
            hit = _BUILT.get(key)
            if hit is not None and all(ref() is frame for ref, frame in zip(hit[0], frames, strict=True)):
                _BUILT.move_to_end(key)
                return hit[1]
        chart = builder(*args, **kwargs)
        with _BUILT_LOCK:
            # When any of its frames is collected (its scenario left every cache) the entry can never
            # match again: it goes at once, with the chart and Arrow tables it holds.
            _BUILT[key] = ([weakref.ref(f, functools.partial(_forget, key)) for f in frames], chart)
            while len(_BUILT) > _BUILT_SIZE:
                _BUILT.popitem(last=False)
        return chart

    return build


_GONE: deque = deque()  # keys of built charts whose frames were collected, dropped at the next build


def _forget(key, _ref=None) -> None:
    """A weak reference's callback: note a built chart whose frame is gone. It may run in any
    thread at any allocation, even one holding ``_BUILT_LOCK``, so it takes no lock (a deque's
    append is atomic) and the entry is dropped by the next :func:`built_once` call."""
    _GONE.append(key)


def _drop_gone() -> None:
    """Drop the noted entries (call holding ``_BUILT_LOCK``)."""
    while _GONE:
        _BUILT.pop(_GONE.popleft(), None)


def _key(value, frames: list):
    if isinstance(value, _BY_IDENTITY):
        frames.append(value)
        return ("frame", id(value))
    if isinstance(value, Mapping):
        return ("map", tuple((k, _key(v, frames)) for k, v in value.items()))  # order is legend order
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_key(v, frames) for v in value))
    return value
