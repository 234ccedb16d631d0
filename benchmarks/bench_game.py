"""Game speed: frame times (p50/p95/p99) idle and in autoplay, a quarter step + redraw, launch to first frame.

Runs with SDL's dummy driver. Every figure is also given as a ratio against a
reference measured in the same run: an empty pygame-gui frame (UIManager with
no widgets: update + draw + flip) at the same window size.

    .venv/bin/python benchmarks/bench_game.py [--scenario korea-2025] [--frames 300] [--size 1280x800]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

FRAME_BUDGET_MS = 1000 / 60


def percentiles(samples_s: list[float]) -> dict[str, float]:
    ms = np.array(samples_s) * 1000
    return {
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "p99": float(np.percentile(ms, 99)),
        "max": float(ms.max()),
    }


def row(name: str, stats: dict[str, float], reference: float) -> str:
    return (
        f"{name:<34} p50 {stats['p50']:7.2f} ms  p95 {stats['p95']:7.2f} ms  p99 {stats['p99']:7.2f} ms  "
        f"max {stats['max']:7.2f} ms   p50 x{stats['p50'] / reference:5.1f} ref"
    )


def reference_frames(size, frames: int) -> list[float]:
    import pygame
    import pygame_gui

    pygame.init()
    window = pygame.display.set_mode(size)
    manager = pygame_gui.UIManager(size)
    out = []
    for _ in range(frames):
        start = time.perf_counter()
        for event in pygame.event.get():
            manager.process_events(event)
        manager.update(1 / 60)
        window.fill((0, 0, 0))
        manager.draw_ui(window)
        pygame.display.flip()
        out.append(time.perf_counter() - start)
    return out


def timed_frames(app, frames: int) -> list[float]:
    out = []
    for _ in range(frames):
        start = time.perf_counter()
        app.frame(1 / 60)
        out.append(time.perf_counter() - start)
    return out


def launch_to_first_frame(size: str) -> float:
    """Seconds from starting a new Python process to the game's first drawn frame."""
    code = (
        "import os,sys,time;os.environ['SDL_VIDEODRIVER']='dummy';os.environ['SDL_AUDIODRIVER']='dummy';"
        "os.environ['PYGAME_HIDE_SUPPORT_PROMPT']='1';"
        "from sim.game.app import App;"
        f"app=App(size=({size.replace('x', ',')}));app.pump(1);print(time.time())"
    )
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(done.stdout.strip().splitlines()[-1]) - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="korea-2025")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))

    launch = [launch_to_first_frame(args.size) for _ in range(2)]
    reference = percentiles(reference_frames(size, args.frames))
    ref = reference["p50"]

    from sim.game.app import App
    from sim.game.session import GameSession
    from sim.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    app = App(size=size)
    start_idle = percentiles(timed_frames(app, args.frames))
    app.start_game(GameSession(scenario, 0))
    screen = app.screen
    for _ in range(8):  # some history so the charts have data
        screen.request_step()
    timed_frames(app, 5)
    dashboard_idle = percentiles(timed_frames(app, args.frames))

    # one quarter: step (player + ghost) and the redraw of every chart that changed
    steps = []
    for _ in range(8):
        start = time.perf_counter()
        screen.request_step()
        while screen.event_window is not None:
            event = app.session.unanswered_events()[0]
            screen.answer(event["id"], event["default_choice"])
        app.frame(1 / 60)
        steps.append(time.perf_counter() - start)
    step = percentiles(steps)

    # autoplay at the default 2 quarters/s, frames paced at 60/s of game time
    app.autoplay = True
    autoplay = []
    for _ in range(args.frames):
        if screen.event_window is not None:
            event = app.session.unanswered_events()[0]
            screen.answer(event["id"], event["default_choice"])
            app.autoplay = True
        start = time.perf_counter()
        app.frame(1 / 60)
        autoplay.append(time.perf_counter() - start)
        if app.screen is not screen:
            break
    auto = percentiles(autoplay)

    # late game: charts cost the same per frame when the history is long
    while app.session is not None and not app.session.finished and app.screen is screen:
        screen.request_step()
        while screen.event_window is not None:
            event = app.session.unanswered_events()[0]
            screen.answer(event["id"], event["default_choice"])
    if app.screen is screen:
        late = percentiles(timed_frames(app, args.frames))
    else:
        app.session.undo()
        from sim.game.screens.dashboard import DashboardScreen

        app.show(DashboardScreen)
        timed_frames(app, 5)
        late = percentiles(timed_frames(app, args.frames))

    print(f"aisim game benchmark: {args.scenario} at {args.size}, {args.frames} frames per case, dummy SDL driver")
    print(f"reference: empty pygame-gui frame p50 {ref:.2f} ms")
    print(row("reference (empty pygame-gui frame)", reference, ref))
    print(row("start screen, idle", start_idle, ref))
    print(row("dashboard, idle (8 quarters)", dashboard_idle, ref))
    print(row("dashboard, idle (last quarter)", late, ref))
    print(row("dashboard, autoplay 2 q/s", auto, ref))
    print(row("one quarter step + redraw", step, ref))
    print(f"launch to first frame: {min(launch):.2f} s (best of 2; {', '.join(f'{v:.2f}' for v in launch)})")
    print(f"frame budget at 60/s: {FRAME_BUDGET_MS:.1f} ms; quarter budget: 100 ms; launch budget: 2 s")
    ok = (
        dashboard_idle["p95"] < FRAME_BUDGET_MS
        and late["p95"] < FRAME_BUDGET_MS
        and auto["p95"] < FRAME_BUDGET_MS
        and step["p95"] < 100
        and min(launch) < 2.0
    )
    print("targets met" if ok else "targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
