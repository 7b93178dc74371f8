"""Text meets WCAG 2.1 AA contrast on the page a learner reads: captions, help and body text at
4.5:1 or more against the white background, measured in Chromium from the computed colours."""

from __future__ import annotations

from .streamlit_page import open_page

# Each element's colour as drawn: its computed colour blended over white by the colour's alpha and
# the element's opacity; then the WCAG relative-luminance ratio against white.
CONTRAST_JS = """
(selector) => [...document.querySelectorAll(selector)].filter(e => e.innerText.trim()).map(e => {
  const m = getComputedStyle(e).color.match(/[\\d.]+/g).map(Number);
  let a = (m.length > 3 ? m[3] : 1) * Number(getComputedStyle(e).opacity);
  const rgb = m.slice(0, 3).map(c => c * a + 255 * (1 - a));
  const lin = rgb.map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
  const L = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return [e.innerText.slice(0, 40), 1.05 / (L + 0.05)];
})
"""
AA = 4.5


def test_captions_and_body_text_reach_aa_contrast(server_url, page):
    open_page(page, server_url + "/loss_curves", charts=2)
    # Widget labels are left out: a disabled control's label is greyed on purpose (WCAG exempts
    # inactive controls), and an enabled one is drawn as body text.
    for selector in ('[data-testid="stCaptionContainer"]', '[data-testid="stMarkdown"] p',
                     '[data-testid="stMarkdown"] li'):
        found = page.evaluate(CONTRAST_JS, selector)
        assert found, selector
        low = [(text, round(ratio, 2)) for text, ratio in found if ratio < AA]
        assert not low, f"{selector} below {AA}:1: {low[:3]}"
