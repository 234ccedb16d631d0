"""Core model benchmark: speed and memory of the default run, against Mesa's Boltzmann model.

Usage: python benchmarks/bench_core.py [--repeats 5]

Prints, all measured in this one process:
- the time of one default Korea baseline run (build + 40 quarters),
- the time with 10x the adopter rows, and times at 1x, 2x, 5x, 10x to check linearity,
- adopter-steps per second (rows x quarters / second),
- agent-steps per second of Mesa's bundled BoltzmannWealth with 10,000 agents,
- the ratio of the two throughputs, and peak memory.
Targets (issue #2): ratio >= 50; default run <= 0.5 s; peak memory <= 300 MB;
time linear in adopter rows. Timings are medians over repeats; no assertions.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.model.model import AIMarketModel  # noqa: E402
from sim.scenario import load_scenario, scenario_from_document  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_run(scenario, seed: int) -> float:
    gc.collect()
    started = time.perf_counter()
    model = AIMarketModel(scenario, seed=seed)
    model.run()
    return time.perf_counter() - started


def with_rows(scenario, rows: int):
    document = dict(scenario.document)
    document["population"] = dict(document["population"], adopter_rows=rows)
    return scenario_from_document(document, f"{scenario.name}-{rows}")


def boltzmann_agent_steps_per_second(agents: int = 10_000, steps: int = 20) -> float:
    from mesa.examples import BoltzmannWealth
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario

    model = BoltzmannWealth(scenario=BoltzmannScenario(n=agents, width=100, height=100, rng=42))
    model.step()  # warm-up
    started = time.perf_counter()
    for _ in range(steps):
        model.step()
    return agents * steps / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    scenario = load_scenario("korea-2025")
    rows = scenario.sections["population"]["adopter_rows"]
    quarters = scenario.quarters
    time_run(scenario, 99)  # warm-up (imports, caches)
    default = statistics.median(time_run(scenario, seed) for seed in range(args.repeats))
    memory_default = peak_rss_mb()

    scaling = {}
    for factor in (1, 2, 5, 10):
        big = with_rows(scenario, rows * factor)
        repeats = max(1, args.repeats // factor)
        scaling[factor] = statistics.median(time_run(big, seed) for seed in range(repeats))
    memory_10x = peak_rss_mb()

    ours = rows * quarters / default
    ours_10x = rows * 10 * quarters / scaling[10]
    boltzmann = statistics.median(boltzmann_agent_steps_per_second() for _ in range(3))

    print(f"default run ({rows:,} adopter rows, {quarters} quarters): {default:.3f} s   (target <= 0.5 s)")
    print(f"10x adopter rows ({rows * 10:,}): {scaling[10]:.3f} s   ({scaling[10] / default:.1f}x the default time)")
    print(
        "time by adopter rows (x default): "
        + ", ".join(f"{f}x: {t:.3f} s ({t / scaling[1]:.2f})" for f, t in scaling.items())
    )
    # Linear means time(k) ~ a + b k; the marginal cost per extra row should not grow with size.
    marginal_small = (scaling[2] - scaling[1]) / rows
    marginal_large = (scaling[10] - scaling[5]) / (5 * rows)
    print(
        f"marginal seconds per 1,000 rows: 1x->2x {marginal_small * 1e3:.4f}, 5x->10x {marginal_large * 1e3:.4f}"
        f"   (ratio {marginal_large / marginal_small:.2f}; ~1 means linear)"
    )
    print(f"adopter-steps per second: {ours:,.0f} (default), {ours_10x:,.0f} (10x rows)")
    print(f"Mesa BoltzmannWealth, 10,000 agents: {boltzmann:,.0f} agent-steps per second")
    print(
        f"ratio ours / Boltzmann: {ours / boltzmann:.0f}x (default), {ours_10x / boltzmann:.0f}x (10x rows)   (target >= 50x)"
    )
    print(
        f"peak memory: {memory_default:.0f} MB after default runs, {memory_10x:.0f} MB after 10x runs   (target <= 300 MB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
