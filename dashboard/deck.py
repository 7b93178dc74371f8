"""A lesson deck from one command: every view's charts, at its default scenario and at each
preset, as PNG and SVG files, and an ``index.md`` (with the page's tables) to paste into slides.

    python -m dashboard.deck OUT_DIR [--views learning_rate mse_vs_mae] [--scale 2] [--base-url URL]

No browser and no server: each view's page runs in this process under Streamlit's script
runner for tests (``streamlit.testing.v1.AppTest``), which runs the page exactly as a visit
would, presets clicked as a learner clicks them. The charts the page drew (its
``layout.chart`` record) are rendered by :mod:`dashboard.export`, the same builders and
vl-convert as the download buttons, so a slide shows what the page shows, titled.

``OUT_DIR/index.md`` holds, per view, its question and, per scenario, the link that opens
it, its "What to notice" bullets, its tables (the page's own Markdown) and its images. Files go to
``OUT_DIR/<view>/<scenario>/<chart>.png|svg``. The same input gives the same files: every
scenario is seeded, and the files are written in one fixed order by one process.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from dashboard import export
from dashboard.layout import slug
from dashboard.views import VIEWS, View

TIMEOUT = 120  # seconds one page run may take (a cold first run computes every cache)
DEFAULT = "default"


@dataclass
class Chart:
    name: str
    title: str
    png: Path
    svg: Path


@dataclass
class Scenario:
    label: str  # "Default scenario", or "Preset: " and the button's label and what it changes
    folder: str  # "default" or the preset button's key
    query: dict[str, str]
    notices: list[list[str]]
    tables: list[tuple[str, str]] = field(default_factory=list)  # (title, Markdown) of each table shown
    charts: list[Chart] = field(default_factory=list)


def scan_components_once() -> None:
    """Make every later AppTest in this process reuse one scan of the installed packages for Streamlit
    components. Each new AppTest scans every package's metadata on its first run (0.38 s of a 0.5 s page
    run, measured with cProfile); the packages do not change while a deck (or the test suite) runs, so the
    answer is the same. Idempotent."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


def _run(view: View, preset_key: str | None = None):
    """The page's AppTest after its first run, and after clicking ``preset_key`` if given."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    scan_components_once()

    # As in the project's .streamlit/config.toml, which a deck made from another folder does not
    # read: presets set widget values through st.session_state on purpose.
    config.set_option("global.disableWidgetStateDuplicationWarning", True)
    at = AppTest.from_file(str(view.path), default_timeout=TIMEOUT).run()
    if preset_key is not None:
        at.button(key=preset_key).click().run()
    if at.exception or at.error:
        problems = [e.value for e in (*at.exception, *at.error)]
        raise RuntimeError(f"{view.name}: the page failed: {problems}")
    return at


def _scenario(at, label: str, folder: str) -> tuple[Scenario, list]:
    from dashboard.layout import CHARTS_KEY, NOTICES_KEY, TABLES_KEY

    query = {key: str(value) for key, value in at.query_params.items()}
    drawn = list(at.session_state[CHARTS_KEY])
    return Scenario(label=label, folder=folder, query=query, notices=list(at.session_state[NOTICES_KEY]),
                    tables=list(at.session_state[TABLES_KEY])), drawn


def scenario_url(base_url: str, view: View, query: dict[str, str]) -> str:
    """The link that opens a scenario: ``base_url`` (may be empty), the view's path and its query."""
    return f"{base_url.rstrip('/')}/{view.name}" + (f"?{urlencode(query)}" if query else "")


def render_view(view: View, out: Path, *, scale: float, base_url: str = "") -> list[Scenario]:
    """Every scenario of ``view`` (default, then each preset that changes it), files written; each
    picture carries its scenario's link under its title."""
    from dashboard.controls import PRESETS_KEY

    first = _run(view)
    presets = list(first.session_state[PRESETS_KEY])
    runs = [_scenario(first, "Default scenario", DEFAULT)]
    for label, key in presets:
        at = _run(view, key)
        changed = ", ".join(f"{k} = {v}" for k, v in at.query_params.items())
        # Two presets may share a label (one per part of a page): what they set tells them apart.
        runs.append(_scenario(at, f"Preset: {label} ({changed})" if changed else f"Preset: {label}", slug(key)))
    scenarios, seen = [], set()
    for scenario, drawn in runs:
        signature = tuple(sorted(scenario.query.items()))
        if signature in seen:  # a preset that is the default (or another preset) again
            continue
        seen.add(signature)
        folder = out / view.name / scenario.folder
        folder.mkdir(parents=True, exist_ok=True)
        for name, figure, _data, title in drawn:
            png, svg = folder / f"{slug(name)}.png", folder / f"{slug(name)}.svg"
            png_bytes, svg_text = export.chart_files(figure, scale=scale, title=title,
                                                     subtitle=scenario_url(base_url, view, scenario.query))
            png.write_bytes(png_bytes)
            svg.write_text(svg_text, encoding="utf-8")
            scenario.charts.append(Chart(name=name, title=title, png=png, svg=svg))
        scenarios.append(scenario)
    return scenarios


def index_markdown(sections: Sequence[tuple[View, list[Scenario]]], out: Path, base_url: str = "") -> str:
    """The deck's index: per view its question, per scenario its link, notes and images."""
    lines = ["# Finding the bottom: the lesson's pictures", "",
             "Each scenario's link opens it in the dashboard; each picture links to its SVG.", ""]
    for view, scenarios in sections:
        lines += [f"## {view.question}", ""]
        for scenario in scenarios:
            link = scenario_url(base_url, view, scenario.query)
            lines += [f"### {scenario.label}", "", f"Open it: [{link}]({link})", ""]
            for block in scenario.notices:
                lines += ["What to notice:", ""] + [f"- {point}" for point in block] + [""]
            for title, table in scenario.tables:  # Markdown already: a slide tool takes it as it is
                lines += [f"**{title}**", "", table, ""]
            for chart in scenario.charts:
                png, svg = chart.png.relative_to(out).as_posix(), chart.svg.relative_to(out).as_posix()
                lines += [f"[![{chart.title}]({png})]({svg})", ""]
    return "\n".join(lines)


def build(out: Path, views: Sequence[View] = VIEWS, *, scale: float = export.PNG_SCALE, base_url: str = "",
          progress=print) -> list[tuple[View, list[Scenario]]]:
    """Write the deck of ``views`` to ``out``; one progress line per view."""
    out.mkdir(parents=True, exist_ok=True)
    sections = []
    for view in views:
        started = time.perf_counter()
        scenarios = render_view(view, out, scale=scale, base_url=base_url)
        files = 2 * sum(len(s.charts) for s in scenarios)
        progress(f"{view.name}: {len(scenarios)} scenarios, {files} files, {time.perf_counter() - started:.1f} s")
        sections.append((view, scenarios))
    (out / "index.md").write_text(index_markdown(sections, out, base_url), encoding="utf-8")
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    names = [v.name for v in VIEWS]
    parser = argparse.ArgumentParser(prog="python -m dashboard.deck", description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder for the images and index.md (made if missing)")
    parser.add_argument("--views", nargs="+", choices=names, default=names, metavar="VIEW",
                        help=f"views to render (default: all): {', '.join(names)}")
    parser.add_argument("--scale", type=float, default=export.PNG_SCALE,
                        help=f"PNG pixels per screen pixel (default {export.PNG_SCALE:g})")
    parser.add_argument("--base-url", default="",
                        help="the hosted dashboard's address, for absolute links (default: links start at /)")
    args = parser.parse_args(argv)
    if not 0.5 <= args.scale <= 8:
        parser.error("--scale must be between 0.5 and 8")
    chosen = [v for v in VIEWS if v.name in args.views]
    # Streamlit notes each read of a page's state between its runs ("missing ScriptRunContext"):
    # harmless here, and not for the terminal. A filter, as Streamlit resets its loggers' levels.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())
    started = time.perf_counter()
    sections = build(args.out_dir, chosen, scale=args.scale, base_url=args.base_url)
    files = 1 + 2 * sum(len(s.charts) for _, scenarios in sections for s in scenarios)
    print(f"{files} files in {args.out_dir} ({time.perf_counter() - started:.1f} s); index: {args.out_dir / 'index.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
