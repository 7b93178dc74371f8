"""The words files (``dashboard/texts/<view>.md``) and the code that reads them agree.

Read from the source, not by running pages, so a block asked for only in a rare scenario is
checked too: every block the code asks for exists and gets exactly the numbers it names, and
every block a file holds is asked for somewhere (a word a teacher edits is a word someone sees).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboard import words
from dashboard.views import VIEWS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("dashboard/**/*.py"), ROOT / "dashboard/app.py"])


def test_a_file_is_split_into_blocks_at_its_key_lines():
    text = "# Title, not shown\nnote\n\n## intro\nFirst paragraph.\n\nSecond, with {n} points.\n\n## help.steps\n- a\n- b\n"
    assert words.parse(text) == {"intro": "First paragraph.\n\nSecond, with {n} points.", "help.steps": "- a\n- b"}


@pytest.mark.parametrize("text, message", [
    ("## a\nx\n## a\ny\n", "'a' is written twice"),
    ("## a\n\n## b\ny\n", "'a' is empty"),
])
def test_a_bad_file_names_the_block(text, message):
    with pytest.raises(ValueError, match=message):
        words.parse(text, source="texts/x.md")


def test_a_block_takes_exactly_the_numbers_it_names():
    said = words.Words("x", {"s": "After {steps} steps, {rate:.2g}; braces {{kept}}.", "plain": "No numbers."})
    assert said("s", steps=30, rate=0.01234) == "After 30 steps, 0.012; braces {kept}."
    assert said("plain") == "No numbers."
    with pytest.raises(KeyError, match=r"names \['rate', 'steps'\]; the code gave \['steps'\]"):
        said("s", steps=30)
    with pytest.raises(KeyError, match="the code gave"):
        said("plain", steps=30)
    with pytest.raises(KeyError, match="no block 'missing'"):
        said("missing")


def _asks(path: Path):
    """(view, key, keyword names or None where the call passes **numbers, line) of each words call in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    readers = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute) and node.value.func.attr == "of"
                and isinstance(node.value.func.value, ast.Name) and node.value.func.value.id == "words"):
            view = node.value.args[0].value
            readers.update({t.id: view for t in node.targets if isinstance(t, ast.Name)})
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in readers:
            first = node.args[0]
            assert isinstance(first, ast.Constant), f"{where}: a block's key is written out, not computed"
            names = None if any(k.arg is None for k in node.keywords) else {k.arg for k in node.keywords}
            yield readers[node.func.id], first.value, names, where
        # Panel.presets_and_reset(TEXT, {"preset-x": values, ...}) asks for label.<key> and, if written, help.<key>
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "presets_and_reset"):
            reader, presets = node.args
            assert isinstance(reader, ast.Name) and reader.id in readers and isinstance(presets, ast.Dict), where
            for key in presets.keys:
                assert isinstance(key, ast.Constant), f"{where}: a preset's key is written out, not computed"
                yield readers[reader.id], f"label.{key.value}", set(), where
                if f"help.{key.value}" in words.of(readers[reader.id]).blocks:
                    yield readers[reader.id], f"help.{key.value}", set(), where


ASKS = [ask for path in SOURCES for ask in _asks(path)]
FILES = sorted(words.TEXTS.glob("*.md"))


def test_every_words_file_belongs_to_a_view():
    assert FILES, "no words files"
    assert {f.stem for f in FILES} <= {v.name for v in VIEWS} | {"home"}


@pytest.mark.parametrize("view, key, names, where", ASKS, ids=[a[3] for a in ASKS])
def test_every_block_asked_for_exists_with_the_numbers_given(view, key, names, where):
    blocks = words.of(view).blocks
    assert key in blocks, f"{where} asks dashboard/texts/{view}.md for '{key}', which it does not have"
    if names is not None:
        assert words.names_in(blocks[key]) == names, f"{where}: '{key}' names {words.names_in(blocks[key])}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_block_in_a_file_is_asked_for(path):
    asked = {key for view, key, _, _ in ASKS if view == path.stem}
    assert set(words.of(path.stem).blocks) - asked == set()
