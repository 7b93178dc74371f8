"""Imports point down only (DESIGN.md, "Layers"), checked in a fresh interpreter per module.

A chart module (dashboard/charts/) loads neither streamlit nor any ``dashboard.scenarios`` module,
even through another import, and neither does what a view's scenario and its charts share
(dashboard/shared/); a core module loads none of streamlit, altair, pandas or ``dashboard``;
no page imports ``core``. Each module is imported in a process of its own (a fork of one child per layer),
so what one module loads never hides what another one does.
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _modules(folder: str) -> list[str]:
    return [f"{folder.replace('/', '.')}.{p.stem}" for p in sorted((ROOT / folder).glob("*.py"))
            if p.stem != "__init__"]


CHARTS = _modules("dashboard/charts")
SHARED = _modules("dashboard/shared")
CORE = _modules("core")
PAGES = sorted((ROOT / "pages").glob("*.py"))


# One child process per layer imports what the layer may use (numpy, scipy; pandas and altair for charts),
# then forks once per module: each fork starts from that state, imports its module and reports what got
# loaded. The same answer as a fresh interpreter per module, for a twentieth of the time.
_CHILD = """
import ast, os, sys
for name in {allowed!r}:
    __import__(name)
modules, forbidden = {modules!r}, {forbidden!r}
for module in modules:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        try:
            __import__(module)
            found = [n for n in forbidden if any(k == n or k.startswith(n + '.') for k in sys.modules)]
        except Exception as err:
            found = ['import failed: ' + repr(err)]
        os.write(write, repr(found).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        print(module, answer.read())
    os.wait()
"""


@functools.cache
def _loaded_by_layer(modules: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...]) -> dict:
    child = _CHILD.format(allowed=allowed, modules=modules, forbidden=forbidden)
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {line.split(" ", 1)[0]: ast.literal_eval(line.split(" ", 1)[1]) for line in done.stdout.splitlines()}


def _loaded(module: str, layer: tuple[str, ...], forbidden: tuple[str, ...], allowed: tuple[str, ...]) -> list[str]:
    """The names of ``forbidden`` (packages) that importing ``module`` loads, on top of ``allowed``."""
    assert not set(allowed) & set(forbidden)
    return _loaded_by_layer(layer, forbidden, allowed)[module]


def test_the_layers_have_modules():
    assert len(CHARTS) >= 13 and len(CORE) >= 10 and len(PAGES) >= 13


@pytest.mark.parametrize("module", CHARTS + SHARED)
def test_a_chart_module_loads_no_streamlit_and_no_scenario(module):
    assert _loaded(module, tuple(CHARTS + SHARED), ("streamlit", "dashboard.scenarios"),
                   ("numpy", "scipy", "pandas", "altair")) == []


@pytest.mark.parametrize("module", CORE)
def test_a_core_module_loads_no_ui(module):
    assert _loaded(module, tuple(CORE), ("streamlit", "altair", "pandas", "dashboard"), ("numpy", "scipy")) == []


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_page_never_imports_core(page):
    imported = _imported(ast.parse(page.read_text(encoding="utf-8")))
    assert [n for n in imported if n == "core" or n.startswith("core.")] == []
