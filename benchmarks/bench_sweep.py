"""Benchmark of batch experiments (``aisim sweep``): scaling, overhead, memory, vs mesa.batch_run.

Prints a report; asserts nothing. Takes about 1-2 minutes on 2 cores::

    .venv/bin/python benchmarks/bench_sweep.py            # everything
    .venv/bin/python benchmarks/bench_sweep.py --runs 12  # fewer real runs
    .venv/bin/python benchmarks/bench_sweep.py --memory-runs 2000

Part A uses the bundled Korea scenario (real runs, ~0.4 s each): a plain loop of
model runs (the reference), the sweep on the serial backend (same process, with
result storage; the CPU time it spends outside runs is the scheduling and storage
overhead, a measure that other load on the machine does not blur), the process
backend with 1 and 2 workers (pools started before timing, the start reported
apart), and mesa.batch_run of the very same runs (same parameters and seeds) with
1 and 2 processes.

Part B measures the parent's memory over a long sweep (default 10,000 runs). To keep
it short it uses a micro scenario (the Korea document with 300 adopter rows over one
quarter, a few ms a run) and keeps final outcomes only; it runs in a fresh process so
the peak resident size (ru_maxrss) belongs to that sweep alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import load_text, machine_text  # noqa: E402

from sim.experiments.backends import SerialExecutor, open_executor  # noqa: E402
from sim.experiments.design import make_design  # noqa: E402
from sim.experiments.runner import run_sweep, simulate_history  # noqa: E402
from sim.experiments.spec import experiment_from_text  # noqa: E402
from sim.experiments.store import ResultStore  # noqa: E402

GRID = {"partnership_review": ["allow", "block"], "network_effect": [0.1, 0.5, 0.9]}


def grid_experiment(replications: int, scenario: str = "korea-2025", keep: str = "yearly"):
    text = f"""
name: bench
scenario: {scenario}
policies: {{vary: {{partnership_review: {GRID["partnership_review"]}}}}}
futures: {{vary: {{network_effect: {GRID["network_effect"]}}}}}
replications: {replications}
seed: 1
keep: {keep}
"""
    return experiment_from_text(text, "bench.yaml")


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def timed_sweep(experiment, backend: str, workers: int, **options) -> tuple[float, object, float]:
    """Wall seconds, the sweep report, and the parent's CPU seconds (scheduling + storage, + runs if serial)."""
    with tempfile.TemporaryDirectory() as folder:
        design = make_design(experiment)
        store = ResultStore.create_or_resume(Path(folder) / "out", experiment, design)
        if backend == "serial":
            started, cpu_started = time.perf_counter(), time.process_time()
            report = run_sweep(experiment, store, SerialExecutor(), design=design, **options)
            seconds, parent_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        else:
            with open_executor(backend, workers) as executor:
                warm_up(executor, workers)  # pool start is reported separately
                started, cpu_started = time.perf_counter(), time.process_time()
                report = run_sweep(experiment, store, executor, design=design, workers=workers, **options)
                seconds, parent_cpu = time.perf_counter() - started, time.process_time() - cpu_started
        assert report.ok == design.total_runs, report
    return seconds, report, parent_cpu


def warm_up(executor, workers: int) -> None:
    """Start every worker (the fork server preloads the model) before timing."""
    for future in [executor.submit(time.sleep, 0.2) for _ in range(workers)]:
        future.result()


def pool_start_seconds(workers: int) -> float:
    """Time to start a process pool and get one trivial answer from each worker."""
    started = time.perf_counter()
    with open_executor("process", workers) as executor:
        for future in [executor.submit(os.getpid) for _ in range(workers)]:
            future.result()
    return time.perf_counter() - started


def part_a(runs_wanted: int) -> None:
    replications = max(1, runs_wanted // 6)
    experiment = grid_experiment(replications)
    design = make_design(experiment)
    runs = list(design.runs())
    n = len(runs)
    print(
        f"Part A: {n} runs of the Korea scenario ({experiment.scenario.quarters} quarters), "
        f"grid {GRID} x {replications} replications\n"
    )
    simulate_history(experiment.scenario, 0, {})  # warm caches
    started = time.perf_counter()
    for spec in runs:
        simulate_history(experiment.scenario, spec.seed, dict(spec.values))
    plain = time.perf_counter() - started
    rows = [("plain loop of model runs (reference)", plain, "")]

    serial, report, serial_cpu = timed_sweep(experiment, "serial", 1, flush_every=4)
    serial_overhead = (serial_cpu - report.cpu_seconds) / report.cpu_seconds
    rows.append(("sweep, serial backend, 4 partitions", serial, f"wall {serial / plain - 1:+.1%} vs plain loop"))
    start_cost = pool_start_seconds(2)
    one, report1, parent1 = timed_sweep(experiment, "process", 1, flush_every=4)
    rows.append(
        (
            "sweep, process backend, 1 worker",
            one,
            f"wall {one / plain - 1:+.1%} vs plain loop (pool started before timing)",
        )
    )
    two, report2, parent2 = timed_sweep(experiment, "process", 2, flush_every=4)
    rows.append(("sweep, process backend, 2 workers", two, f"speed-up vs 1 worker {one / two:.2f}x (target >= 1.7x)"))
    rows.append(("  the same, counting the pool start", two + start_cost, "compare with mesa.batch_run below"))
    notes = [
        f"scheduling + storage overhead (CPU, serial backend): {serial_overhead:+.1%} of the runs' CPU time (target <= 10 %)",
        f"parent CPU (scheduling + storage) per worker CPU: 1 worker {parent1 / report1.cpu_seconds:.1%}, "
        f"2 workers {parent2 / report2.cpu_seconds:.1%}",
        f"pool start: {start_cost:.2f} s",
        f"2 workers: inside runs {report2.run_seconds / (2 * two):.0%} of the wall time (the rest: waiting on the parent)",
        f"CPU share of a run's wall time: 1 worker {report1.cpu_seconds / report1.run_seconds:.0%}, "
        f"2 workers {report2.cpu_seconds / report2.run_seconds:.0%} (below ~95 %: cores shared with other processes)",
    ]
    rows += [("", 0.0, note) for note in notes]

    from mesa import batch_run  # imported late: batch_run forces the "spawn" start method

    from sim.experiments.mesa_adapter import BatchRunModel

    seeds = sorted({spec.seed for spec in runs})
    for processes in (1, 2):
        started = time.perf_counter()
        results = batch_run(
            BatchRunModel,
            parameters={"scenario": "korea-2025", **GRID},
            rng=seeds,
            number_processes=processes,
            data_collection_period=-1,
            display_progress=False,
        )
        seconds = time.perf_counter() - started
        assert len(results) == n
        rows.append((f"mesa.batch_run, {processes} process{'es' if processes > 1 else ''}", seconds, ""))

    print(f"  {load_text()} now")
    print(f"  {'':<42} {'seconds':>8} {'runs/s':>8}")
    for label, seconds, note in rows:
        if label:
            print(f"  {label:<42} {seconds:8.2f} {n / seconds:8.2f}  {note}")
        else:
            print(f"  {'':<42} {'':>8} {'':>8}  {note}")
    print()


def memory_child(runs: int) -> dict:
    """Run a long sweep of micro runs in this process; report memory and speed."""
    from sim.scenario import load_scenario

    korea = load_scenario("korea-2025")
    document = dict(korea.document)
    document["population"] = dict(document["population"], adopter_rows=300)
    document["time"] = {"start": "2024Q1", "end": "2024Q1"}
    with tempfile.TemporaryDirectory() as folder:
        scenario_path = Path(folder) / "micro.yaml"
        # a JSON document is valid YAML, so the experiment can name it as its scenario
        scenario_path.write_text(json.dumps(document), encoding="utf-8")
        text = f"""
name: memory
scenario: {scenario_path}
futures: {{design: monte_carlo, points: {runs // 10}, vary: [network_effect, foreign_trust, adoption_speed]}}
policies: {{vary: {{partnership_review: [allow, block]}}}}
replications: 5
seed: 3
keep: final_year
"""
        experiment = experiment_from_text(text, "memory.yaml")
        design = make_design(experiment)
        store = ResultStore.create_or_resume(Path(folder) / "out", experiment, design)
        samples: dict[int, float] = {}
        marks = {design.total_runs // 10, design.total_runs // 2, design.total_runs}

        def progress(ok: int, failed: int) -> None:
            done = ok + failed
            for mark in marks:
                if done >= mark and mark not in samples:
                    samples[mark] = rss_mb()

        before = rss_mb()
        started = time.perf_counter()
        with open_executor("process", 2) as executor:
            report = run_sweep(
                experiment, store, executor, design=design, workers=2, chunk=50, flush_every=1000, progress=progress
            )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # kB on Linux; before reading back
        rows = len(store.read_results())
    return {
        "runs": design.total_runs,
        "ok": report.ok,
        "rows": rows,
        "seconds": seconds,
        "run_seconds": report.run_seconds,
        "cpu_seconds": report.cpu_seconds,
        "rss_before_mb": before,
        "rss_at": {str(k): v for k, v in sorted(samples.items())},
        "peak_rss_mb": peak,
        "partitions": report.partitions,
    }


def part_b(runs: int) -> None:
    print(
        f"Part B: parent memory over {runs:,} micro runs (300 adopter rows, 1 quarter; final outcomes only; "
        "process backend, 2 workers, 50 runs per task, a partition per 1,000 runs)\n"
    )
    command = [sys.executable, __file__, "--memory-child", str(runs)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        print(result.stderr)
        return
    info = json.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"  runs ok {info['ok']:,} of {info['runs']:,}; rows stored {info['rows']:,}; {info['partitions']} partitions"
    )
    print(
        f"  wall {info['seconds']:.1f} s = {info['runs'] / info['seconds']:.0f} runs/s; "
        f"time inside runs {info['run_seconds']:.1f} s over 2 workers "
        f"(scheduling + storage + transfer {1 - info['run_seconds'] / (2 * info['seconds']):.0%} of worker time)"
    )
    print(
        f"  CPU share of the runs' wall time {info['cpu_seconds'] / info['run_seconds']:.0%} (below ~95 %: cores are shared)"
    )
    growth = ", ".join(f"{int(k):,} runs: {v:.0f} MB" for k, v in info["rss_at"].items())
    print(f"  parent RSS: before {info['rss_before_mb']:.0f} MB; {growth}")
    print(f"  parent peak RSS {info['peak_rss_mb']:.0f} MB (target <= 200 MB)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=36, help="real runs in part A (multiple of 6)")
    parser.add_argument("--memory-runs", type=int, default=10_000, help="micro runs in part B")
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child)))
        return
    print(f"bench_sweep: {machine_text()}\n")
    if not args.skip_b:
        part_b(args.memory_runs)
    if not args.skip_a:
        part_a(args.runs)


if __name__ == "__main__":
    main()
