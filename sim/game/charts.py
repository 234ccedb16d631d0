"""Charts and info panels drawn with ``pygame.draw`` onto cached surfaces.

Each ``draw_*`` function renders a complete surface from plain data. The
:class:`SurfaceCache` keeps the last surface per slot and re-draws only when
its key (data version, size, language) changes, so a frame costs a blit no
matter how long the game has run.
"""

from __future__ import annotations

import functools
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Any

import pygame

from sim.game import units
from sim.game.i18n import display_name, short_name, t
from sim.model.outcomes import METRICS

BG = (24, 28, 36)
PANEL = (32, 37, 48)
GRID = (60, 66, 80)
TEXT = (225, 230, 240)
DIM = (150, 158, 172)
GOOD = (90, 200, 120)
BAD = (235, 95, 90)
ACCENT = (250, 200, 80)
ERROR = (255, 112, 112)  # an error message's text
DOMESTIC = [
    (66, 135, 245),
    (40, 100, 200),
    (110, 170, 255),
    (30, 75, 160),
    (140, 195, 255),
    (70, 120, 190),
    (20, 60, 130),
    (170, 210, 250),
    (95, 150, 225),
    (55, 90, 150),
]
FOREIGN = [(230, 70, 60), (250, 140, 60), (190, 40, 70), (245, 110, 120), (170, 80, 40), (250, 180, 110), (140, 30, 40)]

_FONT_CACHE: dict[tuple[int, bool], pygame.font.Font] = {}


def font_path(bold: bool = False) -> Path:
    """The NotoSansKR font pygame-gui bundles (covers Latin and Hangul)."""
    import pygame_gui

    name = "NotoSansKR-Bold.ttf" if bold else "NotoSansKR-Regular.ttf"
    return Path(pygame_gui.__file__).parent / "data" / name


# At 11 px and below the bundled font's space is 2 px (0.18 em): Korean words and numbers ran together
# ("기준21.9%뒤처짐"). Korean text there gets two spaces per space (4 px); the font has no glyph in between.
SPACED_HANGUL_MAX_SIZE = 11


def _spaced(text: str) -> str:
    """``text`` with each space doubled if it is a Korean line (holds Hangul), else as it is."""
    if " " in text and any("\uac00" <= ch <= "\ud7a3" for ch in text):
        return text.replace(" ", "  ")
    return text


class _SpacedHangulFont(pygame.font.Font):
    """The font, measuring and drawing each space of a Korean line twice (see SPACED_HANGUL_MAX_SIZE)."""

    def size(self, text):
        return super().size(_spaced(text))

    def render(self, text, *args, **kwargs):
        return super().render(_spaced(text), *args, **kwargs)


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The bundled Korean-capable font at ``size`` (cached); at small sizes Korean spaces are widened."""
    key = (size, bold)
    if not pygame.font.get_init():
        pygame.font.init()
    if key not in _FONT_CACHE:
        kind = _SpacedHangulFont if size <= SPACED_HANGUL_MAX_SIZE else pygame.font.Font
        _FONT_CACHE[key] = kind(str(font_path(bold)), size)
    return _FONT_CACHE[key]


TEXT_CACHE_ENTRIES = 4096  # rendered lines kept: a redrawn chart repeats most of its labels
_TEXT_CACHE: OrderedDict[tuple, pygame.Surface] = OrderedDict()


def rendered_text(value: str, size: int, color, bold: bool = False, max_width: int | None = None) -> pygame.Surface:
    """One line of text rendered (clipped with an ellipsis to ``max_width``), cached by what it shows.

    Rendering text is most of what redrawing a panel costs; axis ticks, tile labels and
    names come back unchanged quarter after quarter, so they are rendered once.
    """
    key = (value, size, tuple(color), bold, max_width)
    image = _TEXT_CACHE.get(key)
    if image is not None:
        _TEXT_CACHE.move_to_end(key)
        return image
    f = font(size, bold)
    if max_width is not None and f.size(value)[0] > max_width:
        while value and f.size(value + "…")[0] > max_width:
            value = value[:-1]
        value += "…"
    image = f.render(value, True, color)
    _TEXT_CACHE[key] = image
    if len(_TEXT_CACHE) > TEXT_CACHE_ENTRIES:
        _TEXT_CACHE.popitem(last=False)
    return image


def text(
    surface: pygame.Surface,
    value: str,
    pos: tuple[int, int],
    size: int = 14,
    color=TEXT,
    bold: bool = False,
    anchor: str = "topleft",
    max_width: int | None = None,
) -> pygame.Rect:
    """Draw one line of text (clipped with an ellipsis to ``max_width``); returns its rect."""
    image = rendered_text(value, size, color, bold, max_width)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


def first_fitting(alternatives: Sequence[str], size: int, max_width: int, bold: bool = False) -> str:
    """The first of ``alternatives`` (longest first) that fits ``max_width`` at this font size, else the last
    (which :func:`text` then clips): a shorter wording rather than an ellipsis over what matters."""
    return _first_fitting(tuple(alternatives), size, max_width, bold)


@functools.lru_cache(maxsize=256)
def _first_fitting(alternatives: tuple[str, ...], size: int, max_width: int, bold: bool) -> str:
    """:func:`first_fitting`, remembered (asked for at every frame the screen plans)."""
    f = font(size, bold)
    return next((value for value in alternatives if f.size(value)[0] <= max_width), alternatives[-1])


def html_color(rgb: tuple[int, int, int]) -> str:
    """A colour of this palette for pygame-gui's HTML text ('#5AC878')."""
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def status_mark(surface: pygame.Surface, ok: bool, center: tuple[int, int], color) -> None:
    """A met/missed mark that differs by shape, not only colour: a filled circle with a tick, or a hollow cross."""
    x, y = center
    if ok:
        pygame.draw.circle(surface, color, center, 7)
        pygame.draw.lines(surface, BG, False, [(x - 4, y), (x - 1, y + 3), (x + 4, y - 3)], 2)
    else:
        pygame.draw.circle(surface, color, center, 7, 2)
        pygame.draw.line(surface, color, (x - 3, y - 3), (x + 3, y + 3), 2)
        pygame.draw.line(surface, color, (x - 3, y + 3), (x + 3, y - 3), 2)


def fit_text(
    surface: pygame.Surface,
    value: str,
    pos: tuple[int, int],
    size: int,
    min_size: int,
    color=TEXT,
    bold: bool = False,
    anchor: str = "topleft",
    max_width: int | None = None,
) -> pygame.Rect:
    """Draw one line at the largest font size from ``size`` down to ``min_size`` that fits (then clip)."""
    if max_width is not None:
        while size > min_size and font(size, bold).size(value)[0] > max_width:
            size -= 1
    return text(surface, value, pos, size, color, bold, anchor, max_width)


def wrap(value: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Split text into lines that fit ``width`` pixels (words, or characters for long words)."""
    return list(_wrapped(value, size, width, bold))


@functools.lru_cache(maxsize=512)
def _wrapped(value: str, size: int, width: int, bold: bool) -> tuple[str, ...]:
    """:func:`wrap`, remembered (sentences and notes are re-wrapped at every redraw otherwise)."""
    f = font(size, bold)
    lines: list[str] = []
    for paragraph in value.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}".strip()
            if f.size(candidate)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while f.size(line)[0] > width and len(line) > 1:
                cut = len(line)
                while cut > 1 and f.size(line[:cut])[0] > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    return tuple(lines)


class SurfaceCache:
    """Keeps one rendered surface per slot; re-draws only when the slot's key changes.

    A frame may be given a redraw budget (:meth:`begin_frame`): once it is spent, a slot
    whose key changed shows its previous surface for another frame. Autoplay uses it so
    the panels a new quarter changes are redrawn one per frame instead of all in one.
    """

    def __init__(self) -> None:
        self._slots: dict[str, tuple[Hashable, pygame.Surface]] = {}
        self.draws = 0  # how many surfaces were actually drawn (for tests and the benchmark)
        self.budget: int | None = None  # redraws left this frame (None: no limit)
        self.deferred = 0  # stale surfaces shown this frame (their redraw waits for a later one)

    def begin_frame(self, budget: int | None = None) -> None:
        """Start a frame that may redraw at most ``budget`` slots that already have a surface (None: all)."""
        self.budget = budget
        self.deferred = 0

    def get(self, slot: str, key: Hashable, draw: Callable[[], pygame.Surface]) -> pygame.Surface:
        """The cached surface for ``key``, drawing it with ``draw`` when it is missing.

        Past the frame's redraw budget a slot that has a surface keeps showing it (a slot
        with none is always drawn).
        """
        cached = self._slots.get(slot)
        if cached is not None and cached[0] == key:
            return cached[1]
        if cached is not None and self.budget is not None:
            if self.budget <= 0:
                self.deferred += 1
                return cached[1]
            self.budget -= 1
        surface = draw()
        self.draws += 1
        self._slots[slot] = (key, surface)
        return surface

    def clear(self) -> None:
        """Forget every cached surface."""
        self._slots.clear()


def firm_colors(firms: Sequence[tuple[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Colour per firm id: domestic firms in blues, foreign in reds. ``firms``: (id, origin)."""
    out = {}
    counts = {"domestic": 0, "foreign": 0}
    for firm_id, origin in firms:
        palette = DOMESTIC if origin == "domestic" else FOREIGN
        kind = "domestic" if origin == "domestic" else "foreign"
        out[firm_id] = palette[counts[kind] % len(palette)]
        counts[kind] += 1
    return out


def _blend(color, alpha: float, base=PANEL):
    return tuple(int(base[i] + (color[i] - base[i]) * alpha) for i in range(3))


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** len(str(int(value))) / 10
    for step in (1, 1.2, 1.6, 2, 4, 6, 8, 10):
        if value <= step * magnitude:
            return step * magnitude
    return value


Subtitle = str | Sequence[str]  # one line, or wordings longest first (the first that fits is drawn)


def _plot_frame(
    surface, title: str, size: tuple[int, int], subtitle: Subtitle = "", line_sample: bool = True
) -> pygame.Rect:
    surface.fill(PANEL)
    text(surface, title, (10, 6), 14, TEXT, bold=True, max_width=size[0] - 20)
    if subtitle:
        if line_sample:
            pygame.draw.line(surface, (235, 235, 235), (12, 34), (26, 34), 2)
        x = 32 if line_sample else 12
        width = size[0] - x - 12
        line = subtitle if isinstance(subtitle, str) else first_fitting(subtitle, 11, width)
        text(surface, line, (x, 26), 11, DIM, max_width=width)
        return pygame.Rect(48, 54, size[0] - 62, size[1] - 80)
    return pygame.Rect(48, 38, size[0] - 62, size[1] - 64)


def _x_labels(surface, plot: pygame.Rect, labels: Sequence[str], total: int) -> None:
    if total <= 1:
        return
    years = [(i, lab[:4]) for i, lab in enumerate(labels) if lab.endswith("Q1")]
    every = max(1, len(years) // 6 + (1 if len(years) > 6 else 0))
    for k, (i, year) in enumerate(years):
        if k % every:
            continue
        x = plot.left + plot.width * i / (total - 1)
        pygame.draw.line(surface, GRID, (x, plot.top), (x, plot.bottom), 1)
        text(surface, year, (int(x), plot.bottom + 3), 11, DIM, anchor="midtop")


def dashed_lines(surface, color, points, width: int = 2, dash: float = 7.0, gap: float = 5.0) -> None:
    """A polyline drawn dashed (the baseline's line; the player's is solid)."""
    on, left = True, dash
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        at = 0.0
        while at < length:
            run = min(left, length - at)
            if on:
                a = (x0 + (x1 - x0) * at / length, y0 + (y1 - y0) * at / length)
                b = (x0 + (x1 - x0) * (at + run) / length, y0 + (y1 - y0) * (at + run) / length)
                pygame.draw.line(surface, color, a, b, width)
            at += run
            left -= run
            if left <= 1e-9:
                on = not on
                left = dash if on else gap


def draw_line_chart(
    size: tuple[int, int],
    title: str,
    labels: Sequence[str],
    total: int,
    series: Sequence[tuple[Sequence[float], tuple[int, int, int], bool]],
    fmt: str | Callable[[float], str] = "{:.3g}",
    legend: Sequence[tuple[str, tuple[int, int, int]]] = (),
    y_max: float | None = None,
    fans: Sequence[tuple[int, Sequence[float], Sequence[float], Sequence[float], tuple[int, int, int]]] = (),
    subtitle: Subtitle = "",
) -> pygame.Surface:
    """A line chart over the scenario's quarters.

    fans: projections (start index, 5th, 50th, 95th percentile per quarter from the start, colour):
    a translucent band with its median dotted.

    series: (values, colour, ghost) — ghost lines are drawn faint, thin and dashed.
    total: quarters on the x axis (the whole scenario, so lines grow to the right).
    fmt: a format string or a function for the y-axis tick labels.
    """
    tick = fmt if callable(fmt) else fmt.format
    tick_every = 1 if (size[1] - 64) / 4 >= 2 * font(11).get_linesize() else 2
    surface = pygame.Surface(size)
    plot = _plot_frame(surface, title, size, subtitle, line_sample=False)
    values = [v for s in series for v in s[0]] + [v for fan in fans for v in fan[3]]
    top = y_max if y_max is not None else _nice_max(max(values, default=0.0) * 1.05)
    for k in range(5):
        y = plot.bottom - plot.height * k / 4
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y), 1)
        if k % tick_every == 0:
            text(
                surface, tick(top * k / 4), (plot.left - 4, int(y)), 11, DIM, anchor="midright" if k else "bottomright"
            )
    _x_labels(surface, plot, labels, total)

    def point(i: float, v: float) -> tuple[float, float]:
        return plot.left + plot.width * i / max(total - 1, 1), plot.bottom - plot.height * max(0.0, min(v, top)) / top

    for start, low, mid, high, color in fans:
        if len(low) < 2:
            continue
        band = pygame.Surface(size, pygame.SRCALPHA)
        upper = [point(start + i, v) for i, v in enumerate(high)]
        lower = [point(start + i, v) for i, v in reversed(list(enumerate(low)))]
        pygame.draw.polygon(band, (*color, 70), upper + lower)
        surface.blit(band, (0, 0))
        medians = [point(start + i, v) for i, v in enumerate(mid)]
        for a, b in zip(medians[::2], medians[1::2]):  # dotted median
            pygame.draw.line(surface, color, a, b, 2)
    for data, color, ghost in series:
        points = [
            (plot.left + plot.width * i / max(total - 1, 1), plot.bottom - plot.height * min(v, top) / top)
            for i, v in enumerate(data)
        ]
        shade = _blend(color, 0.5) if ghost else color
        if len(points) >= 2 and ghost:
            dashed_lines(surface, shade, points, 2)  # a dashed line: the baseline differs by shape, not only shade
        elif len(points) >= 2:
            pygame.draw.lines(surface, shade, False, points, 3)
        elif points:
            pygame.draw.circle(surface, shade, points[0], 3)
    x = plot.left + 6
    for label, color in legend:
        pygame.draw.line(surface, color, (x, plot.top + 9), (x + 14, plot.top + 9), 3)
        x = text(surface, label, (x + 18, plot.top + 1), 11, DIM).right + 12
    return surface


def draw_stacked_shares(
    size: tuple[int, int],
    title: str,
    labels: Sequence[str],
    total: int,
    shares: Sequence[dict[str, float]],
    colors: dict[str, tuple[int, int, int]],
    names: dict[str, str],
    ghost_domestic: Sequence[float] = (),
    ghost_label: str = "",
    boxes: list | None = None,
) -> pygame.Surface:
    """Stacked revenue shares per quarter (domestic firms at the bottom, foreign on top).

    ghost_domestic: the baseline's domestic share, drawn as a faint line for comparison.
    boxes: if given, the rects of the axis and firm labels are appended (for layout tests).
    """
    surface = pygame.Surface(size)
    plot = _plot_frame(surface, title, size, ghost_label if len(ghost_domestic) >= 2 else "")
    tick_every = 1 if plot.height / 4 >= 2 * font(11).get_linesize() else 2
    for k in range(5):
        y = plot.bottom - plot.height * k / 4
        pygame.draw.line(surface, GRID, (plot.left, y), (plot.right, y), 1)
        if k % tick_every:
            continue  # a short chart labels every other line
        rect = text(surface, f"{k * 25}%", (plot.left - 4, int(y)), 11, DIM, anchor="midright" if k else "bottomright")
        if boxes is not None:
            boxes.append(rect)
    _x_labels(surface, plot, labels, total)
    order = list(colors)
    n = len(shares)
    if n:
        xs = [plot.left + plot.width * i / max(total - 1, 1) for i in range(n)]
        if n == 1:
            xs = [plot.left, plot.left + plot.width / max(total - 1, 1)]
            shares = [shares[0], shares[0]]
        lower = [0.0] * len(xs)
        for firm in order:
            upper = [lower[i] + shares[i].get(firm, 0.0) for i in range(len(xs))]
            if max(u - lo for u, lo in zip(upper, lower)) > 0:
                top_pts = [(xs[i], plot.bottom - plot.height * min(upper[i], 1.0)) for i in range(len(xs))]
                bottom_pts = [(xs[i], plot.bottom - plot.height * min(lower[i], 1.0)) for i in reversed(range(len(xs)))]
                pygame.draw.polygon(surface, colors[firm], top_pts + bottom_pts)
            lower = upper
        # label the biggest firms beside the right end of their band: inside it once the band is
        # wide enough, else just right of it (never over the y-axis labels on the left)
        last = shares[-1]
        cumulative = 0.0
        inside = xs[-1] - plot.left > 130
        placed: list[pygame.Rect] = []
        line_h = font(11).get_linesize()
        for firm in order:
            share = last.get(firm, 0.0)
            y_mid = plot.bottom - plot.height * (cumulative + share / 2)
            room = pygame.Rect(0, int(y_mid - line_h / 2), 10, line_h)
            if share > 0.07 and room.collidelist(placed) == -1:
                placed.append(room)
                y = plot.bottom - plot.height * (cumulative + share / 2)
                rect = text(
                    surface,
                    names.get(firm, firm),
                    (int(xs[-1]) - 4, int(y)) if inside else (int(xs[-1]) + 6, int(y)),
                    11,
                    (255, 255, 255) if inside else colors[firm],
                    anchor="midright" if inside else "midleft",
                    max_width=120 if inside else max(20, plot.right - int(xs[-1]) - 8),
                )
                if boxes is not None:
                    boxes.append(rect)
            cumulative += share
    if len(ghost_domestic) >= 2:
        pts = [
            (plot.left + plot.width * i / max(total - 1, 1), plot.bottom - plot.height * v)
            for i, v in enumerate(ghost_domestic)
        ]
        pygame.draw.lines(surface, (235, 235, 235), False, pts, 2)
    return surface


def gauge_tiles_grid(
    size: tuple[int, int],
    metrics: Sequence[str],
    current: dict[str, Any],
    ghost: dict[str, Any],
    previous: dict[str, Any],
    lang: str,
    selected: str | None = None,
    columns: int = 3,
) -> pygame.Surface:
    """Outcome tiles in a grid: value now, change since last quarter (green = better), baseline value."""
    surface = pygame.Surface(size)
    surface.fill(BG)
    gap = 6
    rows = (len(metrics) + columns - 1) // columns
    width = (size[0] - gap * (columns - 1)) / columns
    height = (size[1] - gap * (rows - 1)) / rows
    for k, metric in enumerate(metrics):
        info = METRICS[metric]
        row, col = divmod(k, columns)
        rect = pygame.Rect(int(col * (width + gap)), int(row * (height + gap)), int(width), int(height))
        pygame.draw.rect(surface, PANEL, rect, border_radius=6)
        if metric == selected:
            pygame.draw.rect(surface, ACCENT, rect, 2, border_radius=6)
        inner = rect.width - 16
        # narrow tiles take the short label, and drop words before a number (see first_fitting)
        label = first_fitting([info.label(lang), info.short_label(lang)], 12, inner)
        text(surface, label, (rect.x + 8, rect.y + 4), 12, DIM, max_width=inner)
        value = current.get(metric)
        shown = units.metric_value(metric, value, lang) if value is not None else "–"
        fit_text(surface, shown, (rect.x + 8, rect.y + 19), 22, 12, TEXT, bold=True, max_width=inner)
        if value is not None and metric in previous:
            delta = value - previous[metric]
            better = info.higher_is_better
            color = DIM if better is None or abs(delta) < 1e-12 else (GOOD if (delta > 0) == better else BAD)
            # the arrow's shape carries the direction, so colour is never the only cue
            arrow = "▲" if delta > 0 else ("▼" if delta < 0 else "=")
            change = f"{arrow} {units.metric_change(metric, delta, lang)}"
            change = first_fitting([f"{change} {t('vs_last_quarter', lang)}", change], 11, inner)
            text(surface, change, (rect.x + 8, rect.y + 50), 11, color, max_width=inner)
        if metric in ghost:
            base = units.metric_value(metric, ghost[metric], lang)
            line = first_fitting([f"{t('baseline', lang)} {base}", f"{t('baseline_short', lang)} {base}"], 11, inner)
            text(
                surface,
                line,
                (rect.x + 8, rect.y + 66),
                11,
                DIM,
                max_width=inner,
            )
    return surface


CARD_COLUMNS = 2
CARD_MIN_WIDTH = 200  # narrower cards clip firm names and numbers


def card_columns(width: int) -> int:
    """Firm-card columns that fit ``width`` pixels (1 to 4)."""
    return max(1, min(4, (width - 8) // (CARD_MIN_WIDTH + 8)))


CARD_HEIGHT = 74


def firm_card_rect(size: tuple[int, int], index: int) -> pygame.Rect:
    """Where the ``index``-th firm card sits on a firm-cards surface of ``size``."""
    columns = card_columns(size[0])
    card_w = (size[0] - 8 * (columns + 1)) // columns
    row, col = divmod(index, columns)
    return pygame.Rect(8 + col * (card_w + 8), 8 + row * (CARD_HEIGHT + 6), card_w, CARD_HEIGHT)


def firm_card_at(size: tuple[int, int], count: int, pos: tuple[int, int]) -> int | None:
    """Index of the firm card under ``pos`` (relative to the top of all the cards, see
    :func:`draw_firm_cards`), or None."""
    return next((index for index in range(count) if firm_card_rect(size, index).collidepoint(pos)), None)


def firm_cards_height(size: tuple[int, int], count: int) -> int:
    """Pixels ``count`` firm cards take in a panel of ``size`` (their columns depend on its width)."""
    return firm_card_rect(size, count - 1).bottom + 8 if count else 0


def draw_firm_cards(
    size: tuple[int, int], firms: Sequence[dict], colors: dict, lang: str, offset: int = 0
) -> pygame.Surface:
    """Cards of the active firms, biggest share first: capability, price, cash, partners.

    The panel (``size``) shows them from ``offset`` pixels below the first card's top, with a scroll bar
    when some are hidden (see :func:`firm_cards_height`): a window too short for them all once showed the
    first few and no sign of the rest. Only the cards in view are drawn, whole, on a band that the panel
    shows part of (a card at the edge is cut by the panel, not drawn outside what it is drawn on).
    """
    shown = [k for k in range(len(firms)) if firm_card_rect(size, k).move(0, -offset).colliderect((0, 0, *size))]
    top = firm_card_rect(size, shown[0]).top - 8 if shown else 0
    bottom = firm_card_rect(size, shown[-1]).bottom + 8 if shown else 0
    surface = pygame.Surface((size[0], max(1, bottom - top)))  # the band
    surface.fill(PANEL)
    for k in shown:
        firm = firms[k]
        rect = firm_card_rect(size, k).move(0, -top)
        card_w = rect.width
        pygame.draw.rect(surface, BG, rect, border_radius=5)
        pygame.draw.rect(
            surface,
            colors.get(firm["id"], DIM),
            (rect.x, rect.y, 5, rect.height),
            border_top_left_radius=5,
            border_bottom_left_radius=5,
        )
        text(surface, firm["name"], (rect.x + 10, rect.y + 3), 13, TEXT, bold=True, max_width=card_w - 64)
        text(surface, f"{firm['share']:.1%}", (rect.right - 6, rect.y + 4), 13, ACCENT, anchor="topright")
        line1 = f"{t('capability', lang)} {firm['capability']:.2f}  {t('korean', lang)} {firm['korean_quality']:.2f}"
        line2 = f"{t('price', lang)} ×{firm['price']:.2f}  {t('cash', lang)} {units.usd_bn(firm['cash'], lang)}"
        text(surface, line1, (rect.x + 10, rect.y + 22), 11, DIM, max_width=card_w - 14)
        text(surface, line2, (rect.x + 10, rect.y + 37), 11, DIM, max_width=card_w - 14)
        partners = ", ".join(firm["partners"]) or "–"
        text(surface, f"{t('partners', lang)}: {partners}", (rect.x + 10, rect.y + 52), 11, TEXT, max_width=card_w - 14)
    return scrolled_view(surface, offset, size, image_top=top, whole=firm_cards_height(size, len(firms)))


PARTNER_ROWS_TOP = 38  # the partner table's title line, above its first row
PARTNER_ROW_H = 48  # one partner platform's row


def draw_partner_table(size: tuple[int, int], rows: Sequence[dict], colors: dict, lang: str) -> pygame.Surface:
    """Which partner platform uses which AI provider, with contract end (on a surface as tall as all the rows
    need: the panel scrolls it, see :func:`scrolled_view`)."""
    surface = pygame.Surface((size[0], max(size[1], PARTNER_ROWS_TOP + PARTNER_ROW_H * len(rows))))
    surface.fill(PANEL)
    text(surface, t("partners_tip", lang), (10, 10), 13, TEXT, bold=True, max_width=size[0] - 20)
    y = PARTNER_ROWS_TOP
    for row in rows:
        pygame.draw.rect(surface, BG, (8, y - 2, size[0] - 16, 42), border_radius=4)
        text(surface, row["platform"], (16, y), 13, TEXT, bold=True, max_width=size[0] // 2 - 24)
        color = colors.get(row["provider_id"], DIM)
        pygame.draw.circle(surface, color, (size[0] // 2 + 10, y + 10), 6)
        text(surface, row["provider"], (size[0] // 2 + 22, y), 13, color, max_width=size[0] // 2 - 34)
        text(surface, row["detail"], (16, y + 19), 11, DIM, max_width=size[0] - 32)
        y += PARTNER_ROW_H
    return surface


def draw_why(
    size: tuple[int, int],
    title: str,
    drivers: Sequence[dict],
    lang: str,
    share_line: str = "",
    note_key: str = "why_note",
    good_when_positive: bool = True,
    value_format: str = "{:+.3f}",
) -> pygame.Surface:
    """Horizontal bars of the drivers' changes (green helped, red hurt), biggest first.

    ``good_when_positive`` is False for outcomes where a rise is bad (HHI, the capability gap).
    """
    surface = pygame.Surface(size)
    surface.fill(PANEL)
    text(surface, title, (10, 8), 13, TEXT, bold=True, max_width=size[0] - 20)
    y = 30
    if share_line:
        text(surface, share_line, (10, y), 12, ACCENT, max_width=size[0] - 20)
        y += 20
    if not drivers:
        for line in wrap(t("why_empty", lang), 12, size[0] - 20):
            text(surface, line, (10, y), 12, DIM)
            y += 18
        return surface
    for line in wrap(t(note_key, lang), 11, size[0] - 20):
        text(surface, line, (10, y), 11, DIM)
        y += 16
    y += 6
    biggest = max(abs(d["change"]) for d in drivers) or 1.0
    label_w = int(size[0] * 0.45)
    mid = label_w + (size[0] - label_w - 10) // 2
    half = (size[0] - label_w - 14) // 2
    pygame.draw.line(surface, GRID, (mid, y - 2), (mid, y + 26 * len(drivers)), 1)
    for d in drivers:
        text(surface, d["label"], (10, y + 2), 12, TEXT, max_width=label_w - 16)
        length = int(half * abs(d["change"]) / biggest)
        color = GOOD if (d["change"] > 0) == good_when_positive else BAD
        rect = pygame.Rect(mid if d["change"] > 0 else mid - length, y + 4, max(length, 1), 14)
        pygame.draw.rect(surface, color, rect)
        positive = d["change"] > 0
        text(
            surface,
            value_format.format(d["change"]),
            (mid - 4 if positive else mid + 4, y + 2),
            10,
            DIM,
            anchor="topright" if positive else "topleft",
        )
        y += 26
    return surface


# Colour-blind-safe pair (Okabe-Ito blue / vermillion) for "moved the good way" / "the bad way";
# bad bars are also hatched, so the direction never rests on colour alone.
GOOD_SAFE = (86, 180, 233)
BAD_SAFE = (230, 159, 0)


def hatch(surface: pygame.Surface, rect: pygame.Rect, color, step: int = 5) -> None:
    """Diagonal stripes over ``rect`` (the second cue for a bad bar)."""
    clip = surface.get_clip()
    surface.set_clip(rect)
    for x in range(rect.left - rect.height, rect.right, step):
        pygame.draw.line(surface, color, (x, rect.bottom), (x + rect.height, rect.top), 1)
    surface.set_clip(clip)


def bars_height(count: int, size: int = 12) -> int:
    """Pixels ``count`` bars of :func:`draw_bars` take at font ``size``."""
    return count * (size + 10)


def draw_bars(surface: pygame.Surface, bars, top: int, width: int, size: int = 12) -> int:
    """Signed horizontal bars (label, bar, value text) from ``top``; returns the y below them."""
    if not bars:
        return top
    biggest = max(abs(b.amount) for b in bars) or 1.0
    label_w = int(width * 0.42)
    value_w = int(width * 0.2)
    mid = label_w + (width - label_w - value_w) // 2
    half = (width - label_w - value_w) // 2 - 6
    row = bars_height(1, size)
    pygame.draw.line(surface, GRID, (mid, top - 2), (mid, top + row * len(bars)), 1)
    y = top
    for bar in bars:
        if y + row > surface.get_height():
            break
        text(surface, bar.label, (10, y), size, TEXT, max_width=label_w - 14)
        length = max(1, int(half * abs(bar.amount) / biggest))
        color = DIM if bar.good is None else (GOOD_SAFE if bar.good else BAD_SAFE)
        rect = pygame.Rect(mid if bar.amount >= 0 else mid - length, y + 3, length, size)
        pygame.draw.rect(surface, color, rect)
        if bar.good is False:
            hatch(surface, rect, PANEL)
        text(surface, bar.text, (width - 6, y), size - 1, TEXT, anchor="topright", max_width=value_w + 4)
        y += row
    return y


# the Why panel's rows, which size its surface and place what it draws
WHY_TITLE_H = 30  # the title line
WHY_HEADER_H = 20  # a section's header
WHY_LINE_H = 17  # a line of its sentence
WHY_BARS_GAP = 4  # between the sentence and the bars
WHY_SECTION_GAP = 10  # after the bars
WHY_NOTE_LINE_H = 14  # a line of the method note


def draw_why_panel(size: tuple[int, int], view, lang: str) -> pygame.Surface:
    """The Why panel: a plain sentence then bars for this quarter, then for the policy so far.

    On a surface as tall as they need (at least ``size``): the panel scrolls it (see :func:`scrolled_view`).
    A short window once cut the second set of bars, whose parts then no longer added up to the total shown.
    """
    w = size[0]
    if view is None:
        surface = pygame.Surface(size)
        surface.fill(PANEL)
        y = WHY_TITLE_H
        for line in wrap(t("why_empty", lang), 12, w - 20):
            text(surface, line, (10, y), 12, DIM)
            y += 18
        return surface
    sections = [
        (t(header, lang), wrap(sentence, 12, w - 20), bars)
        for header, sentence, bars in (
            ("why_now_header", view.now_sentence, view.now_bars),
            ("why_total_header", view.total_sentence, view.total_bars),
        )
    ]
    method = wrap(t("why_method", lang), 10, w - 20)
    # the title, each section (header, sentence, bars), the method note, the bottom margin
    height = WHY_TITLE_H + sum(
        WHY_HEADER_H + WHY_LINE_H * len(lines) + WHY_BARS_GAP + bars_height(len(bars)) + WHY_SECTION_GAP
        for _, lines, bars in sections
    )
    surface = pygame.Surface((w, max(size[1], height + WHY_NOTE_LINE_H * len(method) + 6)))
    surface.fill(PANEL)
    text(surface, view.title, (10, 6), 14, TEXT, bold=True, max_width=w - 20)
    y = WHY_TITLE_H
    for header, lines, bars in sections:
        text(surface, header, (10, y), 13, ACCENT, bold=True, max_width=w - 20)
        y += WHY_HEADER_H
        for line in lines:
            text(surface, line, (10, y), 12, TEXT)
            y += WHY_LINE_H
        y = draw_bars(surface, bars, y + WHY_BARS_GAP, w) + WHY_SECTION_GAP
    for line in method:
        text(surface, line, (10, y), 10, DIM)
        y += WHY_NOTE_LINE_H
    return surface


SCROLL_BAR_W = 4  # the scroll bar drawn at a scrolled panel's right edge


def scrolled_view(
    image: pygame.Surface, offset: int, size: tuple[int, int], image_top: int = 0, whole: int | None = None
) -> pygame.Surface:
    """What a panel of ``size`` shows from ``offset`` pixels down its content, with a scroll bar (see
    :func:`draw_scroll_bar`). ``image`` is the content from ``image_top`` down (by default all of it); ``whole``
    is the content's height (by default the image's bottom)."""
    view = pygame.Surface(size)
    view.fill(PANEL)
    view.blit(image, (0, image_top - offset))
    draw_scroll_bar(view, offset, image_top + image.get_height() if whole is None else whole)
    return view


def draw_scroll_bar(view: pygame.Surface, offset: int, whole: int) -> None:
    """A scroll bar at the right edge of a panel's ``view`` of something ``whole`` pixels tall, seen from
    ``offset`` pixels down: its thumb's length and place say how much is shown, and where. None when all is."""
    w, h = view.get_size()
    hidden = whole - h
    if hidden <= 0:
        return
    x = w - SCROLL_BAR_W - 1
    pygame.draw.rect(view, GRID, (x, 2, SCROLL_BAR_W, h - 4), border_radius=2)
    thumb = max(16, (h - 4) * h // whole)
    top = 2 + (h - 4 - thumb) * min(offset, hidden) // hidden
    pygame.draw.rect(view, DIM, (x, top, SCROLL_BAR_W, thumb), border_radius=2)


def draw_session_shares(size: tuple[int, int], session, labels: Sequence[str], total: int, lang: str) -> pygame.Surface:
    """The stacked revenue-share chart of a game: domestic firms (blues) below foreign (reds),
    with the baseline's domestic share as a line."""
    model = session.model
    colors = firm_colors([(f.firm_id, f.origin) for f in model.firms])
    order = [f.firm_id for f in model.firms if f.origin == "domestic"] + [
        f.firm_id for f in model.firms if f.origin != "domestic"
    ]
    shares: list[dict[str, float]] = []
    last = None
    for row in model.firm_history:
        if row["quarter"] != last:
            shares.append({})
            last = row["quarter"]
        shares[-1][row["firm"]] = row["revenue_share"]
    names = {f.firm_id: short_name(display_name(f, lang), first_word=True) for f in model.firms}
    ghost = [r["domestic_revenue_share"] for r in session.ghost_history]
    return draw_stacked_shares(
        size,
        t("share_by_firm", lang),
        labels,
        total,
        shares,
        {k: colors[k] for k in order},
        names,
        ghost,
        t("ghost_domestic", lang),
    )
