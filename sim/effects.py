"""What each policy lever does: its min-to-max effect on the headline outcomes, against seed noise.

Every lever is run at its minimum and at its maximum over the same seeds (common
random numbers), everything else at the scenario's values; the effect is the
mean difference of the outcome (a flow's yearly average over the run, a
level's final-year mean), beside the seed standard deviation of that outcome.
:data:`sim.model.levers.EXPECTED` states, for each lever, the outcome it must
move, the sign, and the economic reason; the tests
assert every lever moves its outcome by more than one seed sd with that sign,
and ``tools/lever_effects.py`` writes the table to ``docs/lever-effects.md``.
The game's Help screen and ``aisim params`` show the expectations and reasons.
"""

from __future__ import annotations

import numpy as np

from sim.core.stats import final_year
from sim.model.levers import EXPECTED
from sim.model.outcomes import HEADLINE_METRICS, YEARLY_RULES
from sim.runner import run_scenario
from sim.scenario import Scenario
from sim.timeline import QUARTERS_PER_YEAR


def _outcome(quarters, metric: str) -> np.ndarray:
    """Per seed: a flow's yearly average over the whole run (policies that act early count; its total over
    the quarters run, times four over their number), a level's mean over the final year (the last four
    quarters, :func:`sim.core.stats.final_year`: where it ends up)."""
    by_seed = quarters.groupby("seed", sort=True)[metric]
    if YEARLY_RULES[metric] == "sum":
        return (by_seed.sum() * QUARTERS_PER_YEAR / by_seed.size()).to_numpy()
    return by_seed.agg(lambda values: float(np.mean(final_year(values.to_numpy())))).to_numpy()


def lever_effects(scenario: Scenario, seeds: int = 8, workers: int | None = None) -> list[dict]:
    """Min -> max effect of every lever on every headline outcome, with the seed sd (common random numbers).

    Returns one row per (lever, metric): lever, metric, low, high (lever values),
    effect (mean of high minus low), spread (seed sd of the outcome at the low
    end), and expected_sign / reason where :data:`EXPECTED` names that pair.
    """
    rows = []
    for spec in scenario.parameters.of_kind("lever"):
        low, high = (spec.options[0], spec.options[-1]) if spec.type == "choice" else (spec.min, spec.max)
        arms = {
            end: run_scenario(scenario.with_values({spec.name: value}), seeds=range(seeds), workers=workers).quarters
            for end, value in (("low", low), ("high", high))
        }
        expected = EXPECTED.get(spec.name)
        for metric in HEADLINE_METRICS:
            before, after = _outcome(arms["low"], metric), _outcome(arms["high"], metric)
            named = expected if expected is not None and expected.metric == metric else None
            rows.append(
                {
                    "lever": spec.name,
                    "metric": metric,
                    "low": low,
                    "high": high,
                    "effect": float(np.mean(after - before)),
                    "spread": float(np.std(before, ddof=1)) if len(before) > 1 else 0.0,
                    "expected_sign": named.sign if named else None,
                    "reason_en": named.reason_en if named else "",
                    "reason_ko": named.reason_ko if named else "",
                }
            )
    return rows
