"""Check the Korea baseline against its calibration targets and suggest new spend numbers.

Usage: python tools/calibrate.py [SCENARIO] [--seeds 20]

Targets (IMARC via Korea Herald, 17 Sep 2025): market revenue summed over 2024
is $3.12B and over 2033 is $30B, each within 10 %, as a mean over 20 seeds.
The suggestion scales every segment's starting spend per adopter to hit 2024,
and shifts every segment's spend growth to hit 2033 (one pass; repeat to refine).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.runner import run_scenario, yearly  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

TARGETS = {2024: 3.12, 2033: 30.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="korea-2025")
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    result = run_scenario(scenario, seeds=range(args.seeds))
    per_year = yearly(result.quarters).groupby("year")["market_revenue_usd_bn"].mean()
    print(per_year.round(3).to_string())
    ok = True
    for year, target in TARGETS.items():
        value = per_year.get(year, float("nan"))
        error = value / target - 1.0
        ok &= abs(error) <= 0.10
        print(f"{year}: {value:.3f} vs target {target} ({error:+.1%})")
    level = TARGETS[2024] / per_year[2024]
    growth = (TARGETS[2033] / per_year[2033] / level) ** (1.0 / 9.0)
    for name, seg in scenario.segments.items():
        print(
            f"  {name}: spend_usd_per_adopter_per_year {seg['spend_usd_per_adopter_per_year'] * level:.0f}, "
            f"spend_growth_per_year {(1 + seg['spend_growth_per_year']) * growth - 1:.4f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
