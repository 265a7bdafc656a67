"""Static SVG charts drawn in Python: no script, no CDN, readable offline and in print."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from registry.site.markup import attr, esc

Point = tuple[dt.date, int]

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 36


def step_chart(points: Sequence[Point], *, title: str, note: str = "") -> str:
    """A step line of a count over time (the count holds until the next commit changes it),
    with integer y ticks, the first and last dates on the x axis, and a tooltip per point."""
    if not points:
        return ""
    xs = _x_positions([d for d, _ in points])
    top = _ticks(max(max(v for _, v in points), 1))[-1]
    ys = [_y(v, top) for _, v in points]
    path = _step_path(xs, ys)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{esc(d.isoformat())}：{v}</title></circle>'
        for x, y, (d, v) in zip(xs, ys, points)
    )
    label = f"{title}（{points[0][0].isoformat()} 至 {points[-1][0].isoformat()}，现为 {points[-1][1]}）"
    return (
        f'<figure class="registry-chart"><svg class="inventory-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{attr(label)}"><title>{esc(label)}</title>'
        f"{_grid(top)}{_x_labels(points, xs)}"
        f'<path class="line" d="{path}" fill="none"/>{dots}</svg>'
        f"<figcaption>{esc(note or label)}</figcaption></figure>"
    )


def sparkline(values: Sequence[int], *, label: str) -> str:
    """A tiny trend line for a table cell."""
    if len(values) < 2:
        return ""
    width, height, top = 96, 24, max(max(values), 1)
    step = width / (len(values) - 1)
    coords = " ".join(f"{i * step:.1f},{height - 2 - (v / top) * (height - 4):.1f}" for i, v in enumerate(values))
    return (
        f'<svg class="registry-sparkline" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{attr(label)}"><title>{esc(label)}</title>'
        f'<polyline points="{coords}" fill="none"/></svg>'
    )


def _x_positions(dates: Sequence[dt.date]) -> list[float]:
    span = (dates[-1] - dates[0]).days
    plot = WIDTH - LEFT - RIGHT
    if span <= 0:  # all points on one day: spread them evenly so each stays visible
        if len(dates) == 1:
            return [LEFT + plot / 2]
        return [LEFT + plot * i / (len(dates) - 1) for i in range(len(dates))]
    return [LEFT + plot * (d - dates[0]).days / span for d in dates]


def _y(value: int, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _step_path(xs: Sequence[float], ys: Sequence[float]) -> str:
    parts = [f"M{xs[0]:.1f},{ys[0]:.1f}"]
    for x, y, previous in zip(xs[1:], ys[1:], ys):
        parts.append(f"H{x:.1f}V{y:.1f}" if y != previous else f"H{x:.1f}")
    if len(xs) == 1:
        parts.append("h1")  # a single point still draws a visible mark
    return "".join(parts)


def _ticks(top: int) -> list[int]:
    """0 … top in round steps (1, 2, 5, 10, 20, 50 …), at most about five lines."""
    step = 1
    while top / step > 5:
        for factor in (2, 5 / 2, 2):  # 1 → 2 → 5 → 10 → 20 → 50 …
            step = int(step * factor)
            if top / step <= 5:
                break
    ceiling = -(-top // step) * step  # the axis ends on a grid line at or above the maximum
    return list(range(0, ceiling + 1, step))


def _grid(top: int) -> str:
    lines = []
    for tick in _ticks(top):  # ``top`` is already a tick: the same list comes back
        y = _y(tick, top)
        lines.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    return "".join(lines)


def _x_labels(points: Sequence[Point], xs: Sequence[float]) -> str:
    """Date labels under the axis: the first and the last always, others where they fit. Each
    label's box is computed from its text, and a label whose box would come within GAP of an
    already placed one is left out, so labels never print over each other."""
    y = HEIGHT - BOTTOM + 18
    placed: list[tuple[float, float]] = []
    out = []
    last = len(points) - 1
    candidates = [0, last] + [i for i in range(1, last) if i % max(1, last // 6) == 0]
    for i in dict.fromkeys(candidates):
        text = points[i][0].isoformat()
        anchor = "start" if i == 0 else "end" if i == last else "middle"
        box = label_box(xs[i], text, anchor, TICK_FONT)
        if any(box[0] < right + GAP and left < box[1] + GAP for left, right in placed):
            continue
        placed.append(box)
        out.append(f'<text class="tick" x="{xs[i]:.1f}" y="{y}" text-anchor="{anchor}">{text}</text>')
    return "".join(out)


TICK_FONT = 11  # px, as registry.css sets .tick
GAP = 8


def text_width(text: str, font: float) -> float:
    """A generous width estimate: a full-width (CJK) character is one em, anything else 0.62 em."""
    return sum(font if ord(c) > 0x2E7F else font * 0.62 for c in text)


def label_box(x: float, text: str, anchor: str, font: float) -> tuple[float, float]:
    width = text_width(text, font)
    left = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return left, left + width


def fit(text: str, width: float, font: float) -> str:
    """``text`` cut (with …) to fit ``width``."""
    if text_width(text, font) <= width:
        return text
    while text and text_width(text + "…", font) > width:
        text = text[:-1]
    return text + "…"


BAR_ROW, BAR_LABEL, BAR_FONT = 26, 150, 12


def bar_chart(items: Sequence[tuple[str, float]], *, title: str, unit: str, value_text: Sequence[str]) -> str:
    """Horizontal bars, one row each: the label left of its bar (cut to its column, the full
    text in a tooltip), the value right of it. One row per label, so labels cannot overlap."""
    if not items:
        return ""
    width = WIDTH
    plot = width - BAR_LABEL - 110
    top = max(max(v for _, v in items), 1e-9)
    height = BAR_ROW * len(items) + 8
    rows = []
    for i, ((label, value), shown) in enumerate(zip(items, value_text)):
        y = 4 + i * BAR_ROW
        length = max(plot * value / top, 0.0 if value <= 0 else 1.0)
        rows.append(
            f'<g><title>{esc(label)}：{esc(shown)} {esc(unit)}</title>'
            f'<text class="label" x="{BAR_LABEL - 8}" y="{y + 17}" text-anchor="end">{esc(fit(label, BAR_LABEL - 12, BAR_FONT))}</text>'
            f'<rect class="bar" x="{BAR_LABEL}" y="{y + 4}" width="{length:.1f}" height="{BAR_ROW - 8}"/>'
            f'<text class="value" x="{BAR_LABEL + length + 6:.1f}" y="{y + 17}">{esc(shown)}</text></g>'
        )
    return (
        f'<figure class="registry-chart"><svg class="bar-chart" role="img" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{attr(title)}"><title>{esc(title)}</title>{"".join(rows)}</svg>'
        f"<figcaption>{esc(title)}（{esc(unit)}）</figcaption></figure>"
    )
