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



# --- Speed: lean Altair charts ---------------------------------------------------------------
# Altair checks the whole Vega-Lite spec against its JSON schema each time a chart is
# serialized (st.altair_chart does it on every rerun), and each schema object as it is built.
# For a layered chart that is most of the rerun time (about 50 ms for five layers). A builder
# decorated with `lean` skips both at run time; its tests validate the spec instead with
# `chart.to_dict(validate=True)`, which still works. Use it for charts whose spec changes with
# nearly every scenario (scale domains, legend labels with live numbers), where the template
# cache of `filled_spec` below would miss on every rerun. Two more habits keep such charts
# fast: channel objects in ``encode`` (``alt.X(...)``, ``alt.Text(...)``, ``alt.XValue(0)``: a
# bare string such as ``text="note:N"`` or an ``alt.value(...)`` makes Altair rebuild a lookup
# table of its whole schema, several ms each) and `layer` below instead of ``alt.layer``.

_LEAN_TYPES: dict[type, type] = {}


class _Lean:
    """Mixin for a built chart: no validation by default, and shallow copies that do not rebuild.

    Altair's ``copy(deep=False)`` (made by every ``to_dict``) calls the class again, and
    ``LayerChart.__init__`` then deep-copies every layer while hoisting params and data that
    a built chart no longer has; copying the attribute dict gives the same chart.
    """

    def to_dict(self, validate: bool = False, **kwargs):  # Altair's signature, another default
        return super().to_dict(validate=validate, **kwargs)

    def copy(self, deep=True, ignore=None):
        if deep is not False:
            return super().copy(deep=deep, ignore=ignore)
        twin = object.__new__(type(self))
        object.__setattr__(twin, "_args", self._args)
        object.__setattr__(twin, "_kwds", {k: list(v) if isinstance(v, list) else v for k, v in self._kwds.items()})
        return twin


def _to_arrow(chart) -> None:
    """Hand the chart's pandas data to Streamlit as Arrow tables, converted on this thread.

    Streamlit would convert each DataFrame itself with pyarrow's thread pool (it does for
    frames longer than 100 rows per column), whose hand-offs cost more than the conversion
    of a few thousand rows, most of all on a busy server.
    """
    import pyarrow as pa

    for part in [chart, *getattr(chart, "layer", ())]:
        data = part._get("data")
        if isinstance(data, pd.DataFrame):
            part.data = pa.Table.from_pandas(data, preserve_index=False, nthreads=1)


def lean(builder):
    """Decorator for a chart builder: build and serialize without schema validation (see above).

    The returned chart is the same Altair chart with ``to_dict`` defaulting to
    ``validate=False`` (``to_dict(validate=True)`` validates as usual: use it in tests), a
    cheaper shallow ``copy`` (see ``_Lean``) and its data as Arrow tables (see ``_to_arrow``).
    """
    import functools

    from altair.utils import schemapi

    @functools.wraps(builder)
    def build(*args, **kwargs):
        # debug_mode is a process-wide switch (Altair flips it the same way inside copy());
        # at worst another thread builds a chart unchecked meanwhile, which changes nothing drawn.
        with schemapi.debug_mode(False):
            chart = builder(*args, **kwargs)
        _to_arrow(chart)
        cls = type(chart)
        if cls not in _LEAN_TYPES:
            _LEAN_TYPES[cls] = type(cls.__name__, (_Lean, cls), {"__module__": cls.__module__})
        object.__setattr__(chart, "__class__", _LEAN_TYPES[cls])  # Altair's own __setattr__ stores schema keys
        return chart

    return build


# --- Speed: serialize a chart once, refill its data on every rerun ----------------------------
# Even without validation, Altair spends tens of ms building and serializing a layered chart
# (it deep-copies every layer several times), on every rerun. A template builder whose layers
# read *named* datasets (``alt.NamedData("points")``) and whose spec depends only on a few
# small parameters is serialized once per parameter set by `filled_spec`; each rerun then
# only puts the new data frames in. The result is a Vega-Lite dict that
# `dashboard.layout.chart` draws (st.vega_lite_chart) and `dashboard.export` renders.
#
# Templates are checked against the Vega-Lite schema only when VALIDATE_TEMPLATES is set:
# the check costs 100-500 ms per template, which a user would pay the first time they pick
# an option (a penalty, an optimizer). The test suite sets it (tests/dashboard/conftest.py),
# so every template the pages build under test is validated there.
VALIDATE_TEMPLATES = False

_DEFAULT_VIEW = {"continuousWidth": 300, "continuousHeight": 300}  # Altair's default theme


def _template_json(builder, params: tuple) -> str:
    import json

    from altair.utils import schemapi

    with schemapi.debug_mode(VALIDATE_TEMPLATES):
        spec = builder(**dict(params)).to_dict(validate=VALIDATE_TEMPLATES)
    config = spec.get("config", {})
    if config.get("view") == _DEFAULT_VIEW:  # as Streamlit does: no Altair default theme
        del config["view"]
        if not config:
            del spec["config"]
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


def filled_spec(builder, frames: Mapping[str, pd.DataFrame], **params) -> dict:
    """The Vega-Lite dict of ``builder(**params)`` with its named datasets taken from ``frames``.

    ``builder`` returns an Altair chart whose layers read ``alt.NamedData(key)`` for each key
    of ``frames``; its spec is built and validated once per distinct ``params`` (small
    hashable values: str, int, float, bool, tuples) and cached. Each dataset is renamed
    ``key-<hash of its data>``, so different data give a different spec (as Streamlit and the
    AppTest signatures expect). ``spec["datasets"]`` holds the data frames themselves:
    Streamlit converts them to Arrow, and ``dashboard.export`` to JSON records.
    """
    import json

    key = tuple(sorted(params.items()))
    cache = _TEMPLATES.setdefault(builder, {})
    if key not in cache:
        if len(cache) >= 32:
            cache.pop(next(iter(cache)))
        cache[key] = _template_json(builder, key)
    text = cache[key]
    names = {name: f"{name}-{_digest(frame)}" for name, frame in frames.items()}
    for name, new in names.items():  # every {"data": {"name": key}} of the spec, as json.dumps wrote it
        text = text.replace(f'"data": {{"name": {json.dumps(name)}}}', f'"data": {{"name": {json.dumps(new)}}}')
    spec = json.loads(text)
    spec["datasets"] = {names[name]: frame for name, frame in frames.items()}
    return spec


_TEMPLATES: dict = {}


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
