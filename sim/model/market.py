"""The adopter market: pure, vectorised functions over numpy arrays.

Adopters are rows of arrays, not agents: one row stands for many real users or
organisations (``weight``). Each quarter some unaware rows hear of AI
assistants (Bass 1969: innovation ``p`` plus imitation ``q`` times the share using
them), and newly aware or reviewing rows choose between not paying for AI (the
outside option) and the providers by multinomial logit (McFadden 1974), sampled
by inverse-CDF with one uniform draw per row. Consumer surplus is the logit
log-sum over the providers and the outside option, minus the outside option's
utility, divided by the marginal utility of money (Small & Rosen 1981).

Nothing here knows about Mesa, files or the game; the model wires it in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.core.frozen import quick_init

LOG_SHARE_FLOOR = 0.01  # network effect uses log(share + floor) so tiny firms are not -inf
_LOG_OF_FLOOR = np.log(LOG_SHARE_FLOOR)
UNAVAILABLE = -1e9  # utility of a firm that cannot be chosen


@dataclass
class Adopters:
    """Per-row state of the adopter population (all arrays have one entry per row).

    segment: segment index of the row; weight: real people or organisations the
    row stands for; aware: has heard of AI assistants (Bass diffusion); adopted:
    uses a provider (aware and chose one over the outside option); provider:
    firm index or -1; intensity: the row's usage relative to its segment's
    average (mean one; heavy users hear of AI first); tastes: (4 x rows)
    float32 utility weights on capability, Korean quality, price (negative)
    and domestic origin, one taste per line so the choice kernel reads
    ``tastes[:, rows]`` as one matrix; switching_cost: utility of staying with
    the current provider; platform_group: index of the row's set of platform
    memberships, a row of ``group_platforms`` ((groups x partners) 0/1), so
    channel terms are computed per group, not per row.
    """

    segment: np.ndarray
    weight: np.ndarray
    aware: np.ndarray
    adopted: np.ndarray
    provider: np.ndarray
    intensity: np.ndarray
    tastes: np.ndarray
    switching_cost: np.ndarray
    platform_group: np.ndarray
    group_platforms: np.ndarray

    def __post_init__(self) -> None:
        if self.tastes.shape != (4, self.segment.shape[0]):
            raise ValueError(f"tastes must be (4 x rows), got {self.tastes.shape} for {self.segment.shape[0]} rows")

    def __getstate__(self) -> dict:
        # cached derived arrays are rebuilt on demand, so snapshots stay small
        return {key: value for key, value in self.__dict__.items() if not key.startswith("_")}

    @property
    def log_intensity(self) -> np.ndarray:
        """log(intensity) per row (cached: intensity never changes)."""
        cached = self.__dict__.get("_log_intensity")
        if cached is None:
            cached = np.log(self.intensity)
            self.__dict__["_log_intensity"] = cached
        return cached

    @property
    def usage_weight(self) -> np.ndarray:
        """weight x intensity per row: the usage a row stands for, in average adopters of its segment (cached)."""
        cached = self.__dict__.get("_usage_weight")
        if cached is None:
            cached = self.weight * self.intensity
            self.__dict__["_usage_weight"] = cached
        return cached

    @property
    def segment_group(self) -> np.ndarray:
        """segment * groups + platform group, per row (cached: both never change)."""
        cached = self.__dict__.get("_segment_group")
        if cached is None:
            cached = self.segment * self.group_platforms.shape[0] + self.platform_group
            self.__dict__["_segment_group"] = cached
        return cached

    @property
    def cell_keys(self) -> np.ndarray:
        """The (segment, platform group) cells that hold rows, as :attr:`segment_group` values, rising (cached).

        Utility tables have one column per such cell: about half of all segment x group pairs are empty."""
        return self._cells()[0]

    @property
    def cell(self) -> np.ndarray:
        """Per row: its column in the utility table, the position of its cell in :attr:`cell_keys` (cached)."""
        return self._cells()[1]

    def _cells(self) -> tuple[np.ndarray, np.ndarray]:
        if "_cell" not in self.__dict__:
            self.share_cells(*_occupied_cells(self.segment_group))
        return self.__dict__["_cell_keys"], self.__dict__["_cell"]

    def cell_segment(self) -> np.ndarray:
        """Per utility table column: the segment of its cell."""
        return self.cell_keys // self.group_platforms.shape[0]

    def cell_group(self) -> np.ndarray:
        """Per utility table column: the platform group of its cell."""
        return self.cell_keys % self.group_platforms.shape[0]

    def share_cells(self, cell_keys: np.ndarray, cell: np.ndarray) -> None:
        """Use these cells (``cell_keys``, and each row's ``cell``): a subset of a population's rows (the
        estimation panel) takes the whole population's, so both read the same utility tables."""
        self.__dict__["_cell_keys"] = cell_keys
        self.__dict__["_cell"] = cell

    @property
    def rows(self) -> int:
        """Number of rows."""
        return int(self.segment.shape[0])


def _occupied_cells(segment_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The segment_group values that occur (rising) and each row's position among them."""
    counts = np.bincount(segment_group)
    keys = np.flatnonzero(counts)
    position = np.zeros(counts.size, dtype=np.int64)
    position[keys] = np.arange(keys.size)
    return keys, position[segment_group]


class HearingClocks:
    """When each row that has not heard of AI yet will hear of it (Bass diffusion, one clock per row).

    A row of segment group ``g`` with awareness pull ``pull`` hears in the first quarter in which
    its group's hazard summed over quarters, ``cumulative[g]``, reaches its threshold =
    (the group's sum when the clock was set) + E / pull, with E ~ Exp(1) drawn once. That is the
    same law as a fresh chance of 1 - exp(-hazard x pull) each quarter (the exponential has no
    memory), but a quarter draws nothing and touches only the rows that hear: the rows are kept
    sorted by group, then threshold, so each group's next hearers are the next rows of its block.
    """

    def __init__(
        self, rows: np.ndarray, group: np.ndarray, threshold: np.ndarray, pull: np.ndarray, groups: int, bias: float
    ):
        self.cumulative = np.zeros(groups)  # per segment group: the quarterly hazards summed so far
        self.bias = bias  # the awareness bias the pulls were computed with
        self._sort(rows, group, threshold, pull.astype(float))

    @classmethod
    def start(
        cls, unaware: np.ndarray, group: np.ndarray, pull: np.ndarray, clocks: np.ndarray, groups: int, bias: float
    ):
        """Clocks for the ``unaware`` rows, from ``clocks`` (one Exp(1) draw per unaware row)."""
        return cls(unaware, group, clocks / pull.astype(float), pull, groups, bias)

    def _sort(self, rows: np.ndarray, group: np.ndarray, threshold: np.ndarray, pull: np.ndarray) -> None:
        key = group + _key_fraction(threshold)  # by group, then threshold: one ascending block per group
        order = stable_argsort(key)  # (ties: the given order)
        self._rows, self._group = rows[order], group[order]
        self._threshold, self._pull = threshold[order], pull[order]
        self._key = key[order]
        groups = np.arange(self.cumulative.size)
        self._next = np.searchsorted(self._group, groups)  # each block's next row to hear
        self._end = np.searchsorted(self._group, groups, side="right")
        self._head = self._next_threshold(groups)

    def _next_threshold(self, groups: np.ndarray) -> np.ndarray:
        """Per group in ``groups``: the threshold of its next row to hear (infinite when none is left)."""
        if self._rows.size == 0:
            return np.full(groups.size, np.inf)
        position = self._next[groups]
        left = position < self._end[groups]
        return np.where(left, self._threshold[np.minimum(position, self._rows.size - 1)], np.inf)

    @property
    def rows(self) -> np.ndarray:
        """The rows still unaware, in row order."""
        return np.sort(self._waiting(self._rows))

    @property
    def threshold(self) -> np.ndarray:
        """Their thresholds, in the order of :attr:`rows`."""
        rows = self._waiting(self._rows)
        return self._waiting(self._threshold)[np.argsort(rows)]

    def _waiting(self, values: np.ndarray) -> np.ndarray:
        """``values`` (in the clocks' order) of the rows still unaware: each block from its next row on."""
        return values[np.arange(self._rows.size) >= self._next.take(self._group)]

    def repull(self, pull: np.ndarray, bias: float) -> None:
        """Pulls changed (a new awareness bias, ``pull`` per row of the population): each row keeps the
        hazard it has left to go, now at its new pull."""
        rows, group = self._waiting(self._rows), self._waiting(self._group)
        threshold, old = self._waiting(self._threshold), self._waiting(self._pull)
        new = pull.take(rows).astype(float)
        reached = self.cumulative.take(group)
        self._sort(rows, group, reached + (threshold - reached) * old / new, new)
        self.bias = bias

    def advance(self, hazard: np.ndarray) -> np.ndarray:
        """Add a quarter's ``hazard`` per segment group; returns the rows that hear now (by group)."""
        self.cumulative += hazard
        groups = np.flatnonzero(self._head <= self.cumulative)  # only groups whose next row hears look further
        if groups.size == 0:
            return self._rows[:0]
        reached = np.searchsorted(self._key, groups + _key_fraction(self.cumulative[groups]), side="right")
        heard = reached - self._next[groups]
        total = int(heard.sum())
        starts = np.repeat(self._next[groups] - np.cumsum(heard) + heard, heard)
        new = self._rows[starts + np.arange(total)]
        self._next[groups] = reached
        self._head[groups] = self._next_threshold(groups)
        return new


def _key_fraction(threshold: np.ndarray) -> np.ndarray:
    """threshold / (1 + threshold): increasing, in [0, 1), so group + it sorts by group, then threshold.

    Thresholds past 1e12 (a row that, in effect, never hears; an infinite one from a zero pull) count
    as 1e12, so that every key stays below the next group's."""
    capped = np.minimum(threshold, 1e12)
    return capped / (1.0 + capped)


def review_gaps(clocks: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Quarters until the next review minus one, for rows that review with a fixed chance each
    quarter: ``clocks`` Exp(1) draws, ``scale`` = 1 / -log(1 - chance) per row (geometric gaps:
    gap >= n with probability (1 - chance) ** n)."""
    gaps = np.floor(clocks * scale)  # a chance of 0 gives an infinite gap (NaN for a zero draw): never
    return np.where(gaps < NEVER, gaps, NEVER).astype(np.int64)


NEVER = 1 << 40  # a quarter no run reaches: "no review scheduled"


@quick_init  # made several times a quarter
@dataclass(frozen=True)
class FirmOffer:
    """What each firm offers this quarter, one entry per firm (all firms, active or not).

    capability is relative to the frontier (1 = frontier); price is a relative
    index (1 = the benchmark price); domestic is 1.0 or 0.0; available says
    whether a firm can be chosen (active and entered).
    """

    capability: np.ndarray
    korean_quality: np.ndarray
    price: np.ndarray
    domestic: np.ndarray
    trust: np.ndarray
    available: np.ndarray
    # (firms x 6) float block whose columns are the fields above (available as 1.0/0.0), when the
    # offer was made from one (see :meth:`from_block`): :meth:`attributes` then copies nothing
    block: np.ndarray | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_block(cls, block: np.ndarray) -> FirmOffer:
        """The offer whose fields are the columns of a (firms x 6) float ``block``, in field order (views)."""
        capability, korean_quality, price, domestic, trust, available = block.T
        return cls(capability, korean_quality, price, domestic, trust, available > 0.0, block)

    def attributes(self) -> np.ndarray:
        """(4 x firms) matrix matching the lines of :attr:`Adopters.tastes`."""
        if self.block is not None:
            return self.block[:, :4].T
        return np.array([self.capability, self.korean_quality, self.price, self.domestic])


@dataclass(frozen=True)
class SegmentTerms:
    """Segment-level utility terms.

    bonus: (segments x firms) everything that is the same for all rows of a
    segment (brand constants, network effect, procurement preference, trust);
    outside: per segment, the outside option's utility for a row of average
    intensity (each row adds its own intensity term).
    """

    bonus: np.ndarray
    outside: np.ndarray


def stratified_quantiles(count: int, rng: np.random.Generator) -> np.ndarray:
    """Standard normal draws, one in each of ``count`` equal probability bands (a uniform point within
    the band), in band order: rising.

    Assigned to rows by a random permutation (:func:`stratified_normal`), a finite population of rows
    has the distribution's shape almost exactly (Latin hypercube sampling, McKay et al. 1979), so
    seed-to-seed differences reflect the world's randomness rather than which rows were drawn. Several
    traits of the same rows may share one set, each through its own permutation: each trait is then
    stratified, and independent permutations keep the traits independent. (The normal quantile
    function is the costly part, so sharing the set saves most of the work of the draws.)
    """
    from scipy.special import ndtri

    bands = (np.arange(count) + rng.random(count)) / count
    return ndtri(np.clip(bands, 1e-12, 1.0 - 1e-12))


def stratified_normal(count: int, rng: np.random.Generator, quantiles: np.ndarray | None = None) -> np.ndarray:
    """Standard normal draws stratified over ``count`` equal probability bands, in random order.

    ``quantiles``: a set from :func:`stratified_quantiles` to assign (a new one is drawn without it).
    """
    return stratified_normal_ranked(count, rng, quantiles)[0]


def stratified_normal_ranked(
    count: int, rng: np.random.Generator, quantiles: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`stratified_normal`'s draws (the same, from the same stream) and the band of each: its rank
    among the draws, 0 for the lowest. Ranking the draws this way costs no sort."""
    if quantiles is None:
        quantiles = stratified_quantiles(count, rng)
    ranks = rng.permutation(count)
    return quantiles.take(ranks), ranks


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """``np.argsort(values, kind="stable")``, faster when the values are distinct (as continuous draws are).

    Without ties every sort gives the same order, so the vectorised quicksort is
    used and the stable sort only when two values are equal.
    """
    order = np.argsort(values)
    ordered = values[order]
    if np.any(ordered[1:] == ordered[:-1]):
        return np.argsort(values, kind="stable")
    return order


def bass_hazard(p: float, q: float, fraction: float, years: float = 0.25) -> float:
    """Average yearly hazard over the next ``years`` for someone not yet reached, from Bass (1969).

    Solves dF/dt = (p + q F)(1 - F) exactly from ``fraction`` over the step, so
    quarterly steps follow the continuous curve; returns -ln(1 - P) / years where P
    is the chance of being reached during the step. p and q are per year.
    """
    fraction = min(max(fraction, 0.0), 1.0 - 1e-12)
    if p <= 0.0 and q <= 0.0:
        return 0.0
    if p <= 0.0:
        grown = fraction * math.exp(q * years)
        after = grown / (1.0 - fraction + grown)
    else:
        c = (1.0 - fraction) / (1.0 + q / p * fraction)
        decay = c * math.exp(-(p + q) * years)
        after = (1.0 - decay) / (1.0 + q / p * decay)
    reached = min(max((after - fraction) / (1.0 - fraction), 0.0), 1.0 - 1e-12)
    return -math.log1p(-reached) / years


def group_memberships(platforms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows x partners 0/1 membership -> (group index per row, groups x partners matrix)."""
    partners = platforms.shape[1]
    if partners == 0:
        return np.zeros(platforms.shape[0], dtype=np.int64), np.zeros((1, 0))
    if partners > 62:
        raise ValueError("at most 62 partner platforms are supported")
    # each row's memberships as the bits of one code (a shift and an OR per partner: numpy's integer
    # matrix product has no fast kernel and cost ten times as much)
    codes = np.zeros(platforms.shape[0], dtype=np.int64)
    for k in range(partners):
        codes |= platforms[:, k].astype(np.int64) << k
    if partners <= 16:  # few possible codes: count them instead of sorting every row
        unique_codes = np.flatnonzero(np.bincount(codes, minlength=1 << partners))
        position = np.zeros(1 << partners, dtype=np.int64)
        position[unique_codes] = np.arange(unique_codes.size)
        index = position[codes]
    else:
        unique_codes, index = np.unique(codes, return_inverse=True)
    groups = ((unique_codes[:, None] >> np.arange(partners)) & 1).astype(float)
    return index.reshape(-1).astype(np.int64), groups


def channel_matrix(
    platforms: np.ndarray, partner_provider: np.ndarray, partner_strength: np.ndarray, firms: int
) -> np.ndarray:
    """(rows x firms) strength of each firm's distribution channel to each row of ``platforms``.

    ``platforms`` is a (rows x partners) 0/1 membership matrix (rows may be
    membership groups). A row that belongs to a platform whose provider is
    firm j gets that platform's strength (1 normally, less under review
    conditions) for j; several platforms with the same provider add up to at most 1.
    """
    routes = np.zeros((platforms.shape[1], firms))
    linked = np.flatnonzero(np.asarray(partner_provider) >= 0)
    routes[linked, np.asarray(partner_provider)[linked]] = np.asarray(partner_strength)[linked]
    return np.minimum(platforms @ routes, 1.0)


def channel_utility(
    channel: np.ndarray, channel_weight: np.ndarray, cell_segment: np.ndarray, cell_group: np.ndarray
) -> np.ndarray:
    """(firms x cells) utility of being offered each firm inside one's platforms, per utility table column.

    ``channel`` is the (firms x groups) channel strength (see :func:`channel_matrix`);
    ``channel_weight`` the utility of a full-strength channel, per segment. Each column is a
    (segment, platform group) cell: ``cell_segment`` and ``cell_group`` give them (see
    :meth:`Adopters.cell_segment`, :meth:`Adopters.cell_group`).
    """
    return channel.take(cell_group, axis=1) * channel_weight.take(cell_segment)[None, :]


def utility_table(
    offer: FirmOffer,
    terms: SegmentTerms,
    channel_part: np.ndarray,
    cell_segment: np.ndarray,
    dtype: type = np.float64,
) -> np.ndarray:
    """Utility shared by all rows of one (segment, platform group) cell: ((firms + 1) x cells).

    Each column (a cell, see :attr:`Adopters.cell`; ``cell_segment`` gives its segment) holds, for each
    firm, trust + segment bonus + channel utility (about ``UNAVAILABLE`` for a firm that cannot be chosen),
    and in the last line the outside option's segment term. ``channel_part`` comes from
    :func:`channel_utility` (it changes only with partnerships). Built a few times a quarter, the
    table turns the per-row segment and channel terms into one gather. Sums are formed in float64
    and stored as ``dtype``.
    """
    firms, cells = channel_part.shape
    table = np.empty((firms + 1, cells), dtype=dtype)
    base = offer.trust[:, None] + terms.bonus.T  # (firms x segments)
    if not offer.available.all():
        # on the few segment columns, before they are spread over the cells: UNAVAILABLE plus a channel
        # utility of a few units is UNAVAILABLE again in float32, and never chosen in float64 either
        base[~offer.available] = UNAVAILABLE
    np.add(channel_part, base.take(cell_segment, axis=1), out=table[:firms])
    table[firms] = terms.outside.take(cell_segment)
    return table


def utilities(
    adopters: Adopters,
    rows: np.ndarray,
    offer: FirmOffer,
    table: np.ndarray,
    outside_per_row: np.ndarray,
    include_inertia: bool = True,
) -> np.ndarray:
    """Utility of each firm and of the outside option for the selected ``rows``: ((firms + 1) x rows).

    U_firm = tastes . (capability, korean_quality, price, domestic) + table[firm, cell]
             + switching cost if it is the row's current provider;
    U_outside (last line) = table[firms, cell] + ``outside_per_row``.
    ``table`` comes from :func:`utility_table`; the result has its dtype
    (float32 for choices, float64 for estimates). Firm-major, so per-row
    reductions run over contiguous memory. An unavailable firm's utility stays
    about ``UNAVAILABLE``: never chosen.
    """
    firms = offer.price.shape[0]
    # np.take keeps the result C-contiguous (fancy indexing table[:, columns] would not),
    # so the per-row reductions that follow read contiguous lines. The indices are rows and
    # (segment, group) cells of this population, valid by construction: mode="clip" skips
    # numpy's per-element bounds check, which was half the cost of these gathers.
    u = table.take(adopters.cell[rows], axis=1, mode="clip")
    u[:firms] += offer.attributes().T.astype(table.dtype) @ adopters.tastes.take(rows, axis=1, mode="clip")
    u[firms] += outside_per_row
    if include_inertia:
        current = adopters.provider[rows]
        has = (current >= 0).nonzero()[0]
        u.reshape(-1)[current[has] * u.shape[1] + has] += adopters.switching_cost[rows[has]]  # flat: one gather
    return u


def choose_providers(utility: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Sample one firm per row (column) of a firm-major utility array, one uniform draw per row."""
    return sample_choices(utility, np.asarray(rng.random(utility.shape[1])))


# Below this many rows, sample_choices forms the running sums in one call (fewer calls); above it, firm by
# firm (numpy accumulates along the first axis slowly). Timed: 22 vs 42 us at 100 rows, 60 vs 56 at 400.
SMALL_CHOICE_ROWS = 384


def sample_choices(utility: np.ndarray, draws: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """Inverse-CDF sampling of logit choices; ``utility`` is (firms x rows), one draw in [0, 1) per row.

    Works in float32 (4x faster exponentials); the result is deterministic for
    given inputs, which is all reproducibility needs. With ``overwrite`` a
    float32 ``utility`` is used as scratch space (saves a copy).
    """
    firms, rows = utility.shape
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    if overwrite and utility.dtype == np.float32:
        weights = utility
    else:
        weights = utility.astype(np.float32)
    weights -= np.maximum.reduce(weights, axis=0)  # ufunc reductions directly: the methods add a Python layer
    np.exp(weights, out=weights)
    target = draws.astype(np.float32) * np.add.reduce(weights, axis=0)
    counter = np.uint8 if firms <= 255 else np.int64  # a narrow counter is faster
    if rows < SMALL_CHOICE_ROWS:
        # the same running sums in the same order (exact), in three calls instead of two per firm
        np.add.accumulate(weights, axis=0, out=weights)
        return np.add.reduce(weights[:-1] < target, axis=0, dtype=counter).astype(np.int64)
    picks: np.ndarray = np.zeros(rows, dtype=counter)
    running = np.zeros(rows, dtype=np.float32)
    for firm in range(firms - 1):
        running += weights[firm]
        np.add(picks, running < target, out=picks)
    return picks.astype(np.int64)


def sample_with_outside(utility: np.ndarray, draws: np.ndarray, overwrite: bool = False) -> np.ndarray:
    """Like :func:`sample_choices` when the last line of ``utility`` is the outside option; -1 where it is chosen."""
    picks = sample_choices(utility, draws, overwrite)
    picks[picks == utility.shape[0] - 1] = -1
    return picks


def _exp_below_top(utility: np.ndarray, top: np.ndarray) -> np.ndarray:
    """exp(utility - top) in the dtype of ``utility``, with the exponentials always taken in float32.

    The differences are <= 0, so the results lie in [0, 1] with a relative
    error of about 1e-7; float32 exponentials are 2-4x faster than float64 ones
    on machines without AVX-512, and exponentials are most of the cost of the
    panel's estimates.
    """
    shifted = utility - top
    if shifted.dtype == np.float32:
        return np.exp(shifted, out=shifted)
    shifted[...] = np.exp(shifted.astype(np.float32))
    return shifted


def choice_probabilities(utility: np.ndarray) -> np.ndarray:
    """Logit choice probabilities of a firm-major (firms x rows) utility array; columns sum to 1."""
    weights = _exp_below_top(utility, np.maximum.reduce(utility, axis=0))
    weights /= np.add.reduce(weights, axis=0)
    return weights


def log_sum(utility: np.ndarray) -> np.ndarray:
    """Numerically stable log(sum(exp(u))) per row (column): the expected maximum utility."""
    top = np.maximum.reduce(utility, axis=0)
    return top + np.log(np.add.reduce(_exp_below_top(utility, top), axis=0))


def added_option_share(utility: np.ndarray, added: np.ndarray) -> np.ndarray:
    """Logit share an added option with utility ``added`` per row would win against the options in ``utility``.

    ``utility`` is firm-major (options x rows); the share is
    exp(added) / (exp(added) + sum exp(utility)) = expit(added - log-sum).
    """
    from scipy.special import expit

    return expit(added - log_sum(utility))


def surplus_per_row(utility: np.ndarray, price_taste: np.ndarray, money_per_price_unit: np.ndarray) -> np.ndarray:
    """Consumer surplus of each row in money, relative to having only the outside option.

    (log-sum over providers and outside option - outside utility) / marginal
    utility of money. ``utility`` is firm-major ((firms + 1) x rows) with the
    outside option last (as :func:`utilities` gives); ``price_taste`` is utility
    per unit of the price index; ``money_per_price_unit`` converts one unit of
    the price index into money for that row. Always >= 0.
    """
    gain = log_sum(utility) - utility[-1]
    return gain / np.maximum(price_taste, 1e-9) * money_per_price_unit


def calibrate_constants(
    base_utility: np.ndarray, segment: np.ndarray, target: np.ndarray, iterations: int = 200
) -> np.ndarray:
    """Alternative-specific constants that make predicted logit shares match ``target``.

    base_utility: (firms x rows) utility without constants; segment: segment of
    each row; target: (segments x firms) shares, each row summing to 1, with
    zeros for firms that do not take part. Uses the contraction of Berry (1994):
    c <- c + log(target) - log(predicted). Returns (segments x firms), the
    largest constant of each segment 0; firms with a zero target get the
    segment's lowest constant (a newcomer's awareness).
    """
    constants = np.zeros_like(target)
    usable = target > 0
    for s in range(target.shape[0]):
        rows = segment == s
        if not rows.any():
            continue
        base = base_utility[:, rows]
        absent = np.where(usable[s], 0.0, UNAVAILABLE)  # zero-target firms take no part
        for _ in range(iterations):
            predicted = choice_probabilities(base + (constants[s] + absent)[:, None]).mean(axis=1)
            step = np.where(
                usable[s], np.log(np.maximum(target[s], 1e-12)) - np.log(np.maximum(predicted, 1e-300)), 0.0
            )
            constants[s] += step
            if np.abs(step).max() < 1e-4:
                break
        if usable[s].any():
            constants[s, usable[s]] -= constants[s, usable[s]].max()
            constants[s, ~usable[s]] = constants[s, usable[s]].min()
    return constants


def network_bonus(shares: np.ndarray, strength: float) -> np.ndarray:
    """Utility from a firm's installed base: ``strength * log(share + floor)``, shifted so 0 share -> 0."""
    return strength * (np.log(shares + LOG_SHARE_FLOOR) - _LOG_OF_FLOOR)
