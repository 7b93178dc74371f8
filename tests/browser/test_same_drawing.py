"""streamlit_page.same_drawing: equal pictures up to anti-aliasing, and nothing more."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from tests.browser.streamlit_page import same_drawing


def _url(pixels: np.ndarray) -> str:
    out = io.BytesIO()
    Image.fromarray(pixels.astype("uint8")).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_anti_aliasing_is_the_same_drawing_and_a_moved_mark_is_not():
    canvas = np.full((200, 300, 4), 255)
    canvas[50:60, 50:60, :3] = 0  # a 10 px square
    blurred = canvas.copy()
    blurred[49, 50:60, :3] = 247  # one softer edge row: 10 pixels off by 8
    moved = np.full((200, 300, 4), 255)
    moved[50:60, 52:62, :3] = 0  # the square 2 px to the right
    assert same_drawing(_url(canvas), _url(canvas))
    assert same_drawing(_url(canvas), _url(blurred))
    assert not same_drawing(_url(canvas), _url(moved))
    assert not same_drawing(_url(canvas), _url(canvas[:, :299]))  # another size
    assert same_drawing("<svg>a</svg>", "<svg>a</svg>") and not same_drawing("<svg>a</svg>", "<svg>b</svg>")
