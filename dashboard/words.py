"""The words of each view, kept as Markdown in ``dashboard/texts/<view>.md``, one file per view.

A teacher or a translator edits that file, not the code. The file is a list of blocks: a line
``## key`` starts a block and the text up to the next such line is the block, exactly as written
(stripped at its ends), so a block is whole Markdown: a paragraph, several, or a list. Anything
before the first ``## `` line (a title, a note to editors) is not shown.

A block may name numbers of the scenario in braces, ``{steps}`` or ``{rate:.3g}`` (Python's format
mini-language); the code passes each by name and the block says where it goes, so a sentence stays
whole in one place. Braces meant literally are doubled, ``{{`` and ``}}``. A block asked for with a
name it does not use, or without one it uses, raises: a renamed number cannot silently vanish.

    TEXT = words.of("learning_rate")
    TEXT("intro")                                   # a static block
    TEXT("caption.sweep", size=100, steps=300)      # a block with named numbers
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path

TEXTS = Path(__file__).with_name("texts")
_KEY_LINE = re.compile(r"^## (\S+)[ \t]*$", re.MULTILINE)


def parse(markdown: str, source: str = "<text>") -> dict[str, str]:
    """The blocks of one view's file, key to text. A key given twice or an empty block raises
    ValueError naming ``source`` and the key."""
    parts = _KEY_LINE.split(markdown)
    blocks: dict[str, str] = {}
    for key, text in zip(parts[1::2], parts[2::2]):
        if key in blocks:
            raise ValueError(f"{source}: the block '{key}' is written twice")
        if not text.strip():
            raise ValueError(f"{source}: the block '{key}' is empty")
        blocks[key] = text.strip()
    return blocks


def names_in(block: str) -> set[str]:
    """The numbers a block names, ``{name}`` or ``{name:spec}``; doubled braces are text."""
    return {field.split(".")[0].split("[")[0] for _, field, _, _ in string.Formatter().parse(block) if field}


class Words:
    """One view's blocks: ``words(key, **numbers)`` is the block with its numbers in."""

    def __init__(self, view: str, blocks: dict[str, str]):
        self.view = view
        self.blocks = blocks

    def __call__(self, key: str, /, **numbers) -> str:
        try:
            block = self.blocks[key]
        except KeyError:
            raise KeyError(f"dashboard/texts/{self.view}.md has no block '{key}'") from None
        wanted = names_in(block)
        if wanted != set(numbers):
            raise KeyError(f"dashboard/texts/{self.view}.md, block '{key}', names {sorted(wanted)}; "
                           f"the code gave {sorted(numbers)}")
        return block.format_map(numbers)


@functools.cache  # the files are part of the release, read once per process like the code
def of(view: str) -> Words:
    """The words of ``view`` (its file name in ``dashboard/texts`` without ``.md``)."""
    path = TEXTS / f"{view}.md"
    return Words(view, parse(path.read_text(encoding="utf-8"), source=str(path.relative_to(TEXTS.parent))))
