"""Horizontal bar charts as inline SVG, drawn on the server: the page needs no script and no chart library."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

from inboxwatch.runtime.dashboard import Bar

ROW = 22
LABEL_WIDTH = 190
BAR_WIDTH = 300
TEXT_WIDTH = 130


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    *,
    scale: float | None = None,
    link: Callable[[str], str] | None = None,
    css: Callable[[Bar], str] = lambda _: "bar",
) -> Markup:
    """One row per bar: its label, a bar proportional to ``value`` (of ``scale``, default the largest), the text."""
    width = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
    height = ROW * max(1, len(bars)) + 4
    top = scale if scale is not None else max((b.value for b in bars), default=0.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(title)}</title>'
    ]
    if not bars:
        parts.append('<text x="0" y="16" class="empty">nothing to show yet</text>')
    for i, bar in enumerate(bars):
        y = i * ROW + 2
        length = 0.0 if top <= 0 else max(2.0, BAR_WIDTH * min(bar.value, top) / top)
        label = escape(bar.label if len(bar.label) <= 26 else bar.label[:25] + "…")
        text = f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end" class="label">{label}</text>'
        if link is not None and bar.conversation_id:
            text = f'<a href="{escape(link(bar.conversation_id))}">{text}</a>'
        parts.append(
            f"{text}"
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}" rx="2" class="{css(bar)}">'
            f"<title>{escape(bar.label)}: {escape(bar.text)}</title></rect>"
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 14}" class="figure">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
