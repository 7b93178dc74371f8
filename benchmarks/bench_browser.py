"""From a key press to the last change on screen, in Chromium, per view.

Run: python benchmarks/bench_browser.py [--presses N] [view ...]

The dashboard and the plain one-chart page (``benchmarks/plain_page.py``: one slider, one
500-point Altair chart) are served side by side by ``streamlit run`` and driven by
headless Chromium (Debian's, found on PATH). For each view the slider its row of views.py
names (``Tags.probe``, the one the browser tests move; a view without one: its first number box) gets focus and an ArrowRight (ArrowLeft once it reaches its end); the time runs from the
key press to the last change on screen: the last DOM mutation or the last canvas draw
(Vega draws charts on a canvas, which no DOM mutation shows), once nothing has changed
for a second and the script has finished. Each value is new to the server, so its cached
compute is computed: the case a learner exploring a control meets.

Two baselines stay open in windows of their own: the plain page, and the plain page with
as many of its charts as the view draws (``?charts=k``): the like-for-like page. The view
and both baselines take turns press by press; each view's median is divided by the median
of each baseline's presses taken between its own, so a load that comes and goes on the
machine slows both sides of a ratio.

Goal: within 1.5x, never above 2x. Against the one-chart page a view with three or four
charts cannot get there in Streamlit: the plain page with four copies of its own chart
alone measures 2.2x of it (2026-12-03). So the exit status (1 above 2x) reads the
like-for-like ratio; both are printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.views import VIEWS  # noqa: E402
from tests.browser.server import CHROMIUM_ARGS, find_chromium, streamlit_server  # noqa: E402

GOAL, LIMIT = 1.5, 2.0
QUIET_MS = 1000  # nothing changed on screen for this long: the press has been answered
TIMEOUT_S = 60

# Before any page script: note the time of every DOM mutation and of every canvas draw.
RECORDER = """
window.__lastChange = 0;
const note = () => { window.__lastChange = performance.now(); };
new MutationObserver(note).observe(document, {subtree: true, childList: true, attributes: true,
                                              characterData: true});
for (const name of ['clearRect', 'fillRect', 'fill', 'stroke', 'fillText', 'drawImage', 'putImageData']) {
  const original = CanvasRenderingContext2D.prototype[name];
  CanvasRenderingContext2D.prototype[name] = function (...args) { note(); return original.apply(this, args); };
}
"""
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _settle(page) -> None:
    """Wait for the run to finish and the screen to be still for QUIET_MS."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        still = page.evaluate("() => performance.now() - window.__lastChange")
        if still >= QUIET_MS and page.locator(IDLE).count():
            return
        page.wait_for_timeout(100)
    raise TimeoutError("the page did not settle within a minute")


class _Pressing:
    """A page open at ``url`` whose slider labelled ``label`` (or its first live one) gets one key press
    at a time."""

    def __init__(self, page, url: str, label: str | None = None):
        self.page, self.key = page, "ArrowRight"
        page.goto(url)
        page.wait_for_selector(IDLE, timeout=TIMEOUT_S * 1000)
        _settle(page)
        if page.evaluate("() => document.visibilityState") != "visible":
            raise RuntimeError("the page is hidden: Chromium would throttle its timers and frames")
        self.stepper = None
        if not page.locator('[data-testid="stSlider"]').count():
            # A page of number inputs only (the worked examples): its first one, in the first
            # expander, stepped by its + and - buttons, as a learner clicks them.
            opener = page.locator('[data-testid="stSidebar"] summary, [data-testid="stSidebar"] [data-testid="stPopover"] button')
            opener.first.click()
            _settle(page)
            box = page.locator('[data-testid="stNumberInput"]:visible').first
            self.stepper = [box.get_by_test_id("stNumberInputStepUp"), box.get_by_test_id("stNumberInputStepDown")]
            return
        visible = page.locator('[data-testid="stSlider"]:visible')
        if label is not None:
            visible = visible.filter(has_text=label)
        visible.first.wait_for(timeout=TIMEOUT_S * 1000)
        sliders = visible.get_by_role("slider").all()
        self.slider = next(s for s in sliders if s.get_attribute("aria-disabled") != "true")

    def _step(self) -> float:
        """One click on a number input's + (then -, in turn); ms to the last change on screen."""
        button = self.stepper[0]
        self.stepper.reverse()
        start = self.page.evaluate("() => performance.now()")
        button.click()
        _settle(self.page)
        return self.page.evaluate("() => window.__lastChange") - start

    def press(self) -> float:
        """One press (the way back at the slider's end); ms to the last change on screen."""
        if self.stepper is not None:
            return self._step()
        page, slider = self.page, self.slider
        slider.focus()
        before = slider.input_value()
        start = page.evaluate("() => performance.now()")
        page.keyboard.press(self.key)
        if slider.input_value() == before:  # at its end: go back the other way
            self.key = "ArrowLeft" if self.key == "ArrowRight" else "ArrowRight"
            start = page.evaluate("() => performance.now()")
            page.keyboard.press(self.key)
        _settle(page)
        return page.evaluate("() => window.__lastChange") - start


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("views", nargs="*", help="view names (default: every view)")
    args = parser.parse_args(argv)
    views = [v for v in VIEWS if not args.views or v.name in args.views]
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium on PATH (apt-get install chromium)")
        return 2

    from playwright.sync_api import sync_playwright

    logs = ROOT / "artifacts"
    with (streamlit_server(ROOT / "dashboard" / "app.py", logs / "bench-app.log") as (app, _),
          streamlit_server(ROOT / "benchmarks" / "plain_page.py", logs / "bench-plain.log") as (plain, _),
          sync_playwright() as pw):
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)

        def window(url: str, label: str | None = None) -> _Pressing:
            # One context (its own window) per page: each stays visible, so neither is throttled.
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(RECORDER)
            return _Pressing(context.new_page(), url, label)

        reference = window(plain)
        print(f"{'view':<16} {'median':>9} {'p95':>9} {'plain':>9} {'ratio':>6} {'charts':>7} "
              f"{'plain xk':>9} {'ratio':>6}")
        ratios, alike = {}, {}
        for view in views:
            tested = window(f"{app}/{view.name}", view.tags.probe.label if view.tags.probe else None)
            k = len(view.tags.charts)
            same = window(f"{plain}/?charts={k}")
            # Press by press, the view and the baselines take turns: a load that comes and goes
            # on the machine (a shared VM's neighbours) lands on both sides of each ratio.
            rows = [(tested.press(), reference.press(), same.press()) for _ in range(args.presses)]
            tested.page.context.close()
            same.page.context.close()
            times = [t for t, _, _ in rows]
            med = statistics.median(times)
            one, many = (statistics.median(r[i] for r in rows) for i in (1, 2))
            p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
            ratios[view.name], alike[view.name] = med / one, med / many
            flag = "" if med / many <= GOAL else ("  above goal" if med / many <= LIMIT else f"  > {LIMIT:g}x")
            print(f"{view.name:<16} {med:6.0f} ms {p95:6.0f} ms {one:6.0f} ms {med / one:6.2f} {k:7d} "
                  f"{many:6.0f} ms {med / many:6.2f}{flag}", flush=True)
        browser.close()
    print(f"against the one-chart page: median {statistics.median(ratios.values()):.2f}, "
          f"worst {max(ratios.values()):.2f}")
    print(f"against as many plain charts: median {statistics.median(alike.values()):.2f}, "
          f"worst {max(alike.values()):.2f} (goal {GOAL:g}x, limit {LIMIT:g}x)")
    return 1 if max(alike.values()) > LIMIT else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
