"""Self-contained HTML pieces for classroom reports: page shell, tables, inline SVG charts.

Nothing is fetched: styles are inline and charts are SVG text, so reports work
offline and print well.
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Callable, Sequence

from sim.errors import terminal_text

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")

CSS = """
body{font-family:'Noto Sans KR','Malgun Gothic','Apple SD Gothic Neo',system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.45;overflow-wrap:break-word}
h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:16px;margin-bottom:6px}.muted{color:#666;font-size:13px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:220px}
.big{font-size:28px;font-weight:bold}.charts{display:flex;flex-wrap:wrap;gap:12px}
.lucky{color:#b35c00;font-weight:bold}.unlucky{color:#1f5fa8;font-weight:bold}.typical{color:#2a7a2a}
.refused{color:#a00}.ev{color:#7a3b00}.dec{color:#004c99}
@media print{body{margin:0}h2{page-break-after:avoid}}
"""


def esc(value) -> str:
    """HTML-escape any value (quotes too), with control, bidi and zero-width characters shown escaped
    (``\\u202e``): a lesson's or a save's text can never turn the report's own words around."""
    return html.escape(terminal_text(str(value)), quote=True)


def page(title: str, body: str, lang: str = "en") -> str:
    """A complete HTML document with the report CSS inlined."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n"
    )


def table(header: Sequence[str], rows: Sequence[Sequence], numeric: Sequence[int] = ()) -> str:
    """An HTML table; cells are escaped unless they are already ``Markup``."""
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            text = cell.text if isinstance(cell, Markup) else esc(cell)
            cells.append(f'<td class="num">{text}</td>' if i in numeric else f"<td>{text}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


class Markup:
    """Trusted HTML that :func:`table` does not escape."""

    def __init__(self, text: str) -> None:
        self.text = text


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is drawn at font ``size`` px: Hangul and other wide characters about a
    square each, the rest about 0.6 of one (generous for digits and Latin letters in a sans-serif)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in str(text))


def nice_ticks(lo: float, hi: float, count: int = 4) -> tuple[list[float], float]:
    """Axis ticks at multiples of 1, 2 or 5 x 10^k (about ``count`` intervals) that cover [lo, hi], and their
    step; the first and last tick are the axis's ends."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        lo, hi = 0.0, 1.0
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.05 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if raw <= m * magnitude * (1 + 1e-9))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, 12) for k in range(first, last + 1)], step


Formatter = str | Callable[..., str]


def _tick_text(fmt: Formatter, value: float, step: float) -> str:
    """A tick label: a format string, or a function called with the value and ``step=`` the ticks' step
    (so it can show as many decimals as the step needs)."""
    return fmt.format(value) if isinstance(fmt, str) else fmt(value, step=step)


def _svg_open(width: int, height: int, left: int, title: str) -> list[str]:
    """A chart's opening: the SVG element (labelled by ``title`` for screen readers) and its title line."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{esc(title)}" style="background:#fff;border:1px solid #eee">',
        f'<text x="{left}" y="18" font-size="13" font-weight="bold">{esc(title)}</text>',
    ]


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[dict],
    fmt: Formatter = "{:.3g}",
    width: int = 560,
    height: int = 240,
    markers: Sequence[tuple[int, str]] = (),
) -> str:
    """An inline SVG line chart.

    ``series``: dicts with ``label``, ``values`` (one per x), optional ``color``,
    ``dash`` and ``band`` (a (low, high) pair of value lists drawn as a shaded range).
    ``markers``: (x index, short label) vertical marks, e.g. events. ``fmt``: the y ticks' labels
    (see :func:`_tick_text`); the ticks sit at round values (:func:`nice_ticks`).
    """
    left, right, top, bottom = 56, 12, 28, 44
    values = [v for s in series for v in s["values"] if v is not None and math.isfinite(v)]
    for s in series:
        if s.get("band"):
            values += [v for part in s["band"] for v in part if math.isfinite(v)]
    y_ticks, y_step = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    lo, hi = y_ticks[0], y_ticks[-1]
    n = max(1, len(x_labels) - 1)

    def x(i: float) -> float:
        return left + (width - left - right) * i / n

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [
        *_svg_open(width, height, left, title),
    ]
    for v in y_ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{esc(_tick_text(fmt, v, y_step))}</text>'
        )
    # as many ticks as fit ("2024년 1분기" needs about twice the room of "2024Q1")
    widest = max((text_width(label, 10) for label in x_labels), default=6) + 10
    step = max(1, len(x_labels) // 8, math.ceil(len(x_labels) * widest / (width - left - right)))
    ticks = list(range(0, len(x_labels), step))
    last = len(x_labels) - 1
    if len(ticks) > 2 and ticks[-1] == last and x(last) - x(ticks[-2]) < 1.5 * widest:
        del ticks[-2]  # the last tick ends at the plot's edge (below): its neighbour would run into it
    for i in ticks:
        anchor = "end" if 0 < i == last else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="{anchor}">{esc(x_labels[i])}</text>'
        )
    for i, label in markers:
        parts.append(
            f'<line x1="{x(i):.1f}" x2="{x(i):.1f}" y1="{top}" y2="{height - bottom}" stroke="#c88" stroke-dasharray="2,3"/>'
        )
        parts.append(f'<text x="{x(i) + 2:.1f}" y="{top + 10}" font-size="9" fill="#a44">{esc(label)}</text>')
    legend_x: float = left
    for k, s in enumerate(series):
        color = s.get("color") or PALETTE[k % len(PALETTE)]
        if s.get("band"):
            low, high = s["band"]
            pts = [f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(high)] + [
                f"{x(i):.1f},{y(v):.1f}" for i, v in reversed(list(enumerate(low)))
            ]
            parts.append(f'<polygon points="{" ".join(pts)}" fill="{color}" fill-opacity="0.15" stroke="none"/>')
        line_points = " ".join(
            f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s["values"]) if v is not None and math.isfinite(v)
        )
        dash = ' stroke-dasharray="5,4"' if s.get("dash") else ""
        parts.append(f'<polyline points="{line_points}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        parts.append(f'<rect x="{legend_x:.1f}" y="{height - 16}" width="12" height="3" fill="{color}"/>')
        parts.append(f'<text x="{legend_x + 16:.1f}" y="{height - 11}" font-size="11">{esc(s["label"])}</text>')
        legend_x += 24 + text_width(s["label"], 11)
    parts.append("</svg>")
    return "".join(parts)


def scatter_chart(
    title: str,
    points: Sequence[dict],
    x_label: str,
    y_label: str,
    x_fmt: Formatter = "{:.3g}",
    y_fmt: Formatter = "{:.3g}",
    width: int = 560,
    height: int = 380,
) -> str:
    """An inline SVG scatter with error bars: points have ``label``, ``x``, ``y``, optional ``x_range``/``y_range``,
    ``color`` and ``square``. Ticks sit at round values (:func:`nice_ticks`; formats as in :func:`line_chart`).
    Each point's label goes beside, above or below it, at the first place inside the plot that overlaps no
    label placed before it and no other point (:func:`label_boxes` reads them back)."""
    left, right, top, bottom = 64, 16, 28, 48
    xs = [p["x"] for p in points] + [v for p in points for v in p.get("x_range", ())]
    ys = [p["y"] for p in points] + [v for p in points for v in p.get("y_range", ())]
    x_ticks, x_step = nice_ticks(*_padded(min(xs, default=0), max(xs, default=1)))
    y_ticks, y_step = nice_ticks(*_padded(min(ys, default=0), max(ys, default=1)))
    x_lo, x_hi, y_lo, y_hi = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]

    def px(v: float) -> float:
        return left + (width - left - right) * (v - x_lo) / (x_hi - x_lo)

    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - y_lo) / (y_hi - y_lo))

    parts = [
        *_svg_open(width, height, left, title),
        f'<text x="{(width + left) / 2:.0f}" y="{height - 8}" font-size="11" text-anchor="middle">{esc(x_label)}</text>',
        f'<text x="14" y="{(height - bottom + top) / 2:.0f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {(height - bottom + top) / 2:.0f})">{esc(y_label)}</text>',
    ]
    for vx in x_ticks:
        parts.append(f'<line x1="{px(vx):.1f}" x2="{px(vx):.1f}" y1="{top}" y2="{height - bottom}" stroke="#f0f0f0"/>')
        parts.append(
            f'<text x="{px(vx):.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">'
            f"{esc(_tick_text(x_fmt, vx, x_step))}</text>"
        )
    for vy in y_ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(vy):.1f}" y2="{py(vy):.1f}" stroke="#f0f0f0"/>')
        parts.append(
            f'<text x="{left - 4}" y="{py(vy) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{esc(_tick_text(y_fmt, vy, y_step))}</text>"
        )
    centres = [(px(p["x"]), py(p["y"])) for p in points]
    for k, p in enumerate(points):
        color = p.get("color") or PALETTE[k % len(PALETTE)]
        cx, cy = centres[k]
        if p.get("x_range"):
            a, b = p["x_range"]
            parts.append(
                f'<line x1="{px(a):.1f}" x2="{px(b):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" stroke="{color}" stroke-opacity="0.5"/>'
            )
        if p.get("y_range"):
            a, b = p["y_range"]
            parts.append(
                f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{py(a):.1f}" y2="{py(b):.1f}" stroke="{color}" stroke-opacity="0.5"/>'
            )
        if p.get("square"):
            parts.append(f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{color}"/>')
        else:
            parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{color}"/>')
    plot = (left, top, width - right, height - bottom)
    marks = [(cx - 6, cy - 6, cx + 6, cy + 6) for cx, cy in centres]
    placed: list[tuple[float, float, float, float]] = []
    for k, p in enumerate(points):
        cx, cy = centres[k]
        # beside it first, then above and below, then further up or down the sides (with a leader line)
        spots = [(cx + 8, cy - 5, "start"), (cx + 8, cy + 15, "start"), (cx - 8, cy - 5, "end")]
        spots += [(cx - 8, cy + 15, "end"), (cx, cy - 10, "middle"), (cx, cy + 21, "middle")]
        spots += [
            (cx + side, cy + dy, a) for dy in (-19, 29, -33, 43, -47, 57) for side, a in ((8, "start"), (-8, "end"))
        ]
        others = placed + [m for j, m in enumerate(marks) if j != k]

        def clashes(spot: tuple[float, float, str], label: str = str(p["label"]), others=others) -> tuple[int, int]:
            box = _label_box(*spot, label)
            outside = not (plot[0] <= box[0] and box[2] <= plot[2] and plot[1] <= box[1] and box[3] <= plot[3])
            return outside, sum(_overlap(box, other) for other in others)

        x, y, anchor = min(spots, key=clashes)  # the first spot with the fewest clashes
        placed.append(_label_box(x, y, anchor, str(p["label"])))
        if abs(y - cy) > 25:  # a label moved away from its point: a leader line back to it
            parts.append(
                f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y - 4:.1f}" stroke="#999" stroke-width="0.8"/>'
            )
        parts.append(
            f'<text class="pt" x="{x:.1f}" y="{y:.1f}" font-size="{LABEL_SIZE}" text-anchor="{anchor}">{esc(p["label"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


LABEL_SIZE = 11  # a scatter point's label, px


def _padded(lo: float, hi: float) -> tuple[float, float]:
    """A range with room around its outermost values (so points and error bars stay off the plot's edge)."""
    pad = (hi - lo) * 0.04
    return lo - pad, hi + pad


def _label_box(x: float, y: float, anchor: str, label: str) -> tuple[float, float, float, float]:
    """The box a scatter label drawn at (x, baseline y) with ``anchor`` takes: (left, top, right, bottom)."""
    width = text_width(label, LABEL_SIZE)
    start = {"start": x, "end": x - width, "middle": x - width / 2}[anchor]
    return (start, y - LABEL_SIZE + 1, start + width, y + 3)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_boxes(svg: str) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The scatter labels of a chart made by :func:`scatter_chart` and the boxes they take (for checks)."""
    found = re.findall(
        rf'<text class="pt" x="([-\d.]+)" y="([-\d.]+)" font-size="{LABEL_SIZE}" text-anchor="(start|end|middle)">([^<]*)</text>',
        svg,
    )
    return [
        (html.unescape(text), _label_box(float(x), float(y), anchor, html.unescape(text)))
        for x, y, anchor, text in found
    ]


def range_legend(lang: str = "en") -> str:
    """One line explaining :func:`range_bar`."""
    if lang == "ko":
        return '<p class="muted">● 공정 점수(수업 시드 평균) · 파란 띠: 5-95% 범위 · <span style="color:#d62728">◆</span> 팀이 본 게임 점수</p>'
    return '<p class="muted">● fair score (mean over class seeds) · blue band: 5-95 % range · <span style="color:#d62728">◆</span> score of the run the team saw</p>'


def range_bar(
    mean: float, p05: float, p95: float, lo: float = 0.0, hi: float = 100.0, seen: float | None = None
) -> str:
    """A small inline SVG: the 5-95 % band, the mean (dot) and the seen score (diamond)."""
    width, height = 200, 18

    def x(v: float) -> float:
        return 4 + (width - 8) * (min(max(v, lo), hi) - lo) / (hi - lo)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">',
        f'<line x1="4" x2="{width - 4}" y1="9" y2="9" stroke="#ddd"/>',
        f'<rect x="{x(p05):.1f}" y="4" width="{max(1.0, x(p95) - x(p05)):.1f}" height="10" fill="#1f77b4" fill-opacity="0.25"/>',
        f'<circle cx="{x(mean):.1f}" cy="9" r="4" fill="#1f77b4"/>',
    ]
    if seen is not None:
        sx = x(seen)
        parts.append(
            f'<polygon points="{sx:.1f},2 {sx + 5:.1f},9 {sx:.1f},16 {sx - 5:.1f},9" fill="#d62728" fill-opacity="0.8"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
