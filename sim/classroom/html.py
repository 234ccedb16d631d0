"""Self-contained HTML pieces for classroom reports: page shell, tables, inline SVG charts.

Nothing is fetched: styles are inline and charts are SVG text, so reports work
offline and print well.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22")

CSS = """
body{font-family:'Noto Sans KR','Malgun Gothic','Apple SD Gothic Neo',system-ui,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.45}
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
    """HTML-escape any value (quotes too)."""
    return html.escape(str(value), quote=True)


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


def _nice_range(lo: float, hi: float) -> tuple[float, float]:
    if not math.isfinite(lo) or not math.isfinite(hi):
        return 0.0, 1.0
    if hi - lo < 1e-12:
        pad = abs(hi) * 0.05 or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * 0.08
    return lo - pad, hi + pad


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
    fmt: str = "{:.3g}",
    width: int = 560,
    height: int = 240,
    markers: Sequence[tuple[int, str]] = (),
) -> str:
    """An inline SVG line chart.

    ``series``: dicts with ``label``, ``values`` (one per x), optional ``color``,
    ``dash`` and ``band`` (a (low, high) pair of value lists drawn as a shaded range).
    ``markers``: (x index, short label) vertical marks, e.g. events.
    """
    left, right, top, bottom = 56, 12, 28, 44
    values = [v for s in series for v in s["values"] if v is not None and math.isfinite(v)]
    for s in series:
        if s.get("band"):
            values += [v for part in s["band"] for v in part if math.isfinite(v)]
    lo, hi = _nice_range(min(values, default=0.0), max(values, default=1.0))
    n = max(1, len(x_labels) - 1)

    def x(i: float) -> float:
        return left + (width - left - right) * i / n

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [
        *_svg_open(width, height, left, title),
    ]
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>')
        parts.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="10" text-anchor="end">{esc(fmt.format(v))}</text>'
        )
    # as many ticks as fit: about 7 px a character at this size ("2024년 1분기" needs about twice "2024Q1")
    widest = 7 * max((len(label) for label in x_labels), default=1) + 10
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
    legend_x = left
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
        parts.append(f'<rect x="{legend_x}" y="{height - 16}" width="12" height="3" fill="{color}"/>')
        parts.append(f'<text x="{legend_x + 16}" y="{height - 11}" font-size="11">{esc(s["label"])}</text>')
        legend_x += 24 + 7 * len(str(s["label"]))
    parts.append("</svg>")
    return "".join(parts)


def scatter_chart(
    title: str,
    points: Sequence[dict],
    x_label: str,
    y_label: str,
    x_fmt: str = "{:.3g}",
    y_fmt: str = "{:.3g}",
    width: int = 560,
    height: int = 380,
) -> str:
    """An inline SVG scatter with error bars: points have ``label``, ``x``, ``y``, optional ``x_range``/``y_range``."""
    left, right, top, bottom = 64, 16, 28, 48
    xs = [p["x"] for p in points] + [v for p in points for v in p.get("x_range", ())]
    ys = [p["y"] for p in points] + [v for p in points for v in p.get("y_range", ())]
    x_lo, x_hi = _nice_range(min(xs, default=0), max(xs, default=1))
    y_lo, y_hi = _nice_range(min(ys, default=0), max(ys, default=1))

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
    for k in range(5):
        vx = x_lo + (x_hi - x_lo) * k / 4
        vy = y_lo + (y_hi - y_lo) * k / 4
        parts.append(f'<line x1="{px(vx):.1f}" x2="{px(vx):.1f}" y1="{top}" y2="{height - bottom}" stroke="#f0f0f0"/>')
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{py(vy):.1f}" y2="{py(vy):.1f}" stroke="#f0f0f0"/>')
        parts.append(
            f'<text x="{px(vx):.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle">{esc(x_fmt.format(vx))}</text>'
        )
        parts.append(
            f'<text x="{left - 4}" y="{py(vy) + 4:.1f}" font-size="10" text-anchor="end">{esc(y_fmt.format(vy))}</text>'
        )
    for k, p in enumerate(points):
        color = p.get("color") or PALETTE[k % len(PALETTE)]
        if p.get("x_range"):
            a, b = p["x_range"]
            parts.append(
                f'<line x1="{px(a):.1f}" x2="{px(b):.1f}" y1="{py(p["y"]):.1f}" y2="{py(p["y"]):.1f}" stroke="{color}" stroke-opacity="0.5"/>'
            )
        if p.get("y_range"):
            a, b = p["y_range"]
            parts.append(
                f'<line x1="{px(p["x"]):.1f}" x2="{px(p["x"]):.1f}" y1="{py(a):.1f}" y2="{py(b):.1f}" stroke="{color}" stroke-opacity="0.5"/>'
            )
        shape = "rect" if p.get("square") else "circle"
        if shape == "circle":
            parts.append(f'<circle cx="{px(p["x"]):.1f}" cy="{py(p["y"]):.1f}" r="5" fill="{color}"/>')
        else:
            parts.append(
                f'<rect x="{px(p["x"]) - 5:.1f}" y="{py(p["y"]) - 5:.1f}" width="10" height="10" fill="{color}"/>'
            )
        dy = 16 if p.get("square") else -6
        parts.append(
            f'<text x="{px(p["x"]) + 7:.1f}" y="{py(p["y"]) + dy:.1f}" font-size="11">{esc(p["label"])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


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
