"""``aisim class report``: every team's decisions replayed over the class seeds, ranked with uncertainty.

Writes ``index.html`` (ranking with 5-95 % bands, rank ranges, a trade-off
scatter of domestic share against consumer surplus, a "was it luck?" column,
refused files with the reason) and ``teams.csv`` for spreadsheets. A damaged or
foreign save never stops the report: it is listed as refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from sim.classroom.debrief import TeamGame, open_game, write_html_folder
from sim.classroom.html import Markup, esc, page, range_bar, range_legend, scatter_chart, table
from sim.classroom.lesson import Lesson, Role
from sim.classroom.measure import describe_decisions
from sim.classroom.scoring import SeedBand, luck_verdict, luck_word, replay_many, score_role
from sim.classroom.session import team_key
from sim.core.files import holds_aisim_result
from sim.core.tables import cell_text
from sim.errors import OutputError, UserError, one_line
from sim.game import units
from sim.objectives import aggregate
from sim.runner import check_out_dir

TRADE_OFF = (
    ("domestic_revenue_share", "final_year_mean"),
    ("consumer_surplus", "final_year_sum"),
    ("hhi", "final_year_mean"),
)
MAX_SAVE_FILES = 500


@dataclass
class TeamResult(SeedBand):
    """One team and role over the class seeds."""

    game: TeamGame
    role: Role
    scores: np.ndarray
    seen_score: float
    outcomes: dict[str, np.ndarray]  # trade-off metric -> value per seed

    @property
    def luck(self) -> float:
        """Seen score minus fair score (positive: the team's seed was kind)."""
        return self.seen_score - self.mean

    @property
    def verdict(self) -> str:
        """``lucky``, ``unlucky`` or ``typical`` (see :func:`sim.classroom.scoring.luck_verdict`)."""
        return luck_verdict(self.seen_score, self.mean, self.p05, self.p95)


def collect_saves(folder: Path) -> tuple[list[TeamGame], list[tuple[str, str]]]:
    """Open every ``*.json`` under ``folder``, but those in a subfolder holding an earlier aisim result (a
    report written beside the saves: its report.json is no save); returns (games, refused (file, reason))."""
    if not folder.exists():
        raise OutputError("no such folder", file=str(folder))
    if not folder.is_dir():
        raise OutputError("expected a folder of save files", file=str(folder))
    results: dict[Path, bool] = {}

    def in_result(path: Path) -> bool:
        for parent in path.relative_to(folder).parents:
            if parent != Path("."):
                if parent not in results:
                    results[parent] = holds_aisim_result(folder / parent) is not None
                if results[parent]:
                    return True
        return False

    files = sorted(p for p in folder.rglob("*.json") if p.is_file() and not in_result(p))
    if len(files) > MAX_SAVE_FILES:
        raise OutputError(f"{len(files)} JSON files; at most {MAX_SAVE_FILES} saves per report", file=str(folder))
    games, refused = [], []
    for path in files:
        try:
            games.append(open_game(path, search=[folder, folder.parent]))
        except UserError as exc:
            refused.append((str(path.relative_to(folder)), exc.message))
    if games:
        lessons = [g.lesson.name if g.lesson else None for g in games]
        main = max(set(lessons), key=lambda name: (lessons.count(name), name is not None, str(name)))
        kept = []
        for game in games:
            name = game.lesson.name if game.lesson else None
            if name != main:
                what = f"lesson {name}" if name else "not a lesson save"
                refused.append(
                    (str(game.path.relative_to(folder)), f"from another class ({what}; this report is {main})")
                )
            else:
                kept.append(game)
        games = kept
    names: dict[str, int] = {}
    for game in games:  # two files with the same team name (as a slot reads it: 가팀 typed two ways) stay apart
        key = team_key(game.team)
        names[key] = names.get(key, 0) + 1
        if names[key] > 1:
            game.team = f"{game.team} ({one_line(game.path.stem, 60)})"
    return games, refused


def class_seeds(lesson: Lesson | None, count: int | None) -> list[int]:
    """The lesson's class seeds (the first ``count``, extended with the next integers if more are asked)."""
    seeds = list(lesson.class_seeds) if lesson is not None else list(range(10))
    if count is None:
        return seeds
    while len(seeds) < count:
        seeds.append(max(seeds) + 1)
    return seeds[:count]


def evaluate_class(
    games: Sequence[TeamGame], seeds: Sequence[int], workers=None, progress=None
) -> tuple[list[TeamResult], dict]:
    """Replay every game on every seed (one pool) plus its own seen seed and the baseline on each seed."""
    if not games:
        return [], {}
    scenario = games[0].saved.scenario
    jobs = []
    for game in games:
        jobs += [(game.saved.scenario, s, game.saved.decisions) for s in seeds]
        jobs.append((game.saved.scenario, game.saved.seed, game.saved.decisions))
    jobs += [(scenario, s, {}) for s in seeds]
    runs = replay_many(jobs, workers, progress=progress)
    results = []
    n = len(seeds)
    for g, game in enumerate(games):
        block = runs[g * (n + 1) : (g + 1) * (n + 1)]
        class_runs, seen_run = block[:n], block[n]
        for role in game.roles:
            scores = np.array([score_role(role, r.quarters, r.firms).score for r in class_runs])
            seen = score_role(role, seen_run.quarters, seen_run.firms).score
            outcomes = {m: np.array([aggregate(r.quarters, m, how) for r in class_runs]) for m, how in TRADE_OFF}
            results.append(TeamResult(game, role, scores, seen, outcomes))
    base_runs = runs[len(games) * (n + 1) :]
    baseline: dict[str, Any] = {m: np.array([aggregate(r.quarters, m, how) for r in base_runs]) for m, how in TRADE_OFF}
    baseline["scores"] = {}
    for role in {r.role.id: r.role for r in results}.values():
        baseline["scores"][role.id] = np.array([score_role(role, r.quarters, r.firms).score for r in base_runs])
    return results, baseline


def rank_ranges(results: Sequence[TeamResult]) -> dict[int, tuple[int, int, int]]:
    """Per result (by index): (rank by mean, best rank over seeds at 5 %, worst at 95 %) within its role.

    Equal scores share a rank (1, 1, 3): two teams that decided alike are each "1-2" on every seed, not one
    of them first by the alphabet. On a seed a team's best rank counts the teams strictly ahead of it,
    its worst rank those ahead or level.
    """
    out = {}
    for role_id in {r.role.id for r in results}:
        members = [i for i, r in enumerate(results) if r.role.id == role_id]
        matrix = np.array([results[i].scores for i in members])  # teams x seeds
        ahead = (matrix[None, :, :] > matrix[:, None, :]).sum(axis=1)  # per team and seed: teams strictly ahead
        level = (matrix[None, :, :] >= matrix[:, None, :]).sum(axis=1)  # ... ahead or level (itself included)
        means = np.array([results[i].mean for i in members])
        for k, i in enumerate(members):
            rank = 1 + int((means > means[k]).sum())
            out[i] = (rank, 1 + int(np.percentile(ahead[k], 5)), int(np.ceil(np.percentile(level[k], 95))))
    return out


def teams_csv(results: Sequence[TeamResult], ranks: dict) -> str:
    """The ranking as CSV text (one row per team and role)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "rank",
            "rank_best",
            "rank_worst",
            "team",
            "role",
            "file",
            "fair_score",
            "fair_score_p05",
            "fair_score_p95",
            "seen_seed",
            "seen_score",
            "luck_points",
            "was_it_luck",
            "domestic_revenue_share",
            "consumer_surplus_usd_bn",
            "hhi",
            "seeds",
            "decisions",
        ]
    )
    order = sorted(range(len(results)), key=lambda i: (results[i].role.id, ranks[i][0]))
    for i in order:
        r = results[i]
        writer.writerow(
            [
                ranks[i][0],
                ranks[i][1],
                ranks[i][2],
                cell_text(r.game.team),
                r.role.id,
                cell_text(r.game.path.name),
                f"{r.mean:.2f}",
                f"{r.p05:.2f}",
                f"{r.p95:.2f}",
                r.game.saved.seed,
                f"{r.seen_score:.2f}",
                f"{r.luck:.2f}",
                r.verdict,
                f"{r.outcomes['domestic_revenue_share'].mean():.4f}",
                f"{r.outcomes['consumer_surplus'].mean():.3f}",
                f"{r.outcomes['hhi'].mean():.1f}",
                len(r.scores),
                describe_decisions(r.game.saved.decisions),
            ]
        )
    return buffer.getvalue()


WORDS = {
    "en": {
        "title": "Class report",
        "rank": "Rank",
        "team": "Team",
        "role": "Role",
        "fair": "Fair score (mean)",
        "range": "5-95 %",
        "ranks": "rank range",
        "seen": "Score seen",
        "luck": "Was it luck?",
        "replayed": "{saves} team save(s), {seeds} class seeds; every team's decision log replayed on every seed.",
        "scatter": "Trade-off: domestic share against consumer surplus (mean and 5-95 % over class seeds)",
        "refused": "Refused files",
        "baseline": "baseline (nobody decides)",
        "method": "How to read this",
        "dom": "Domestic revenue share, last year",
        "cs": "Consumer surplus, last year (USD bn)",
        "luck_help": "Rank range: the team's rank on the class seeds (5-95 %). lucky / unlucky: the run the team saw scored outside its 5-95 % band or more than 5 points from its fair score.",
    },
    "ko": {
        "title": "학급 보고서",
        "rank": "순위",
        "team": "팀",
        "role": "역할",
        "fair": "공정 점수(평균)",
        "range": "5-95%",
        "ranks": "순위 범위",
        "seen": "본 게임 점수",
        "luck": "운이었나?",
        "replayed": "팀 저장 파일 {saves}개, 수업 시드 {seeds}개: 팀마다 결정 기록을 모든 시드에서 재생했습니다.",
        "scatter": "상충 관계: 국내 점유율 대 소비자 잉여(수업 시드 평균과 5-95%)",
        "refused": "거부된 파일",
        "baseline": "기준선(아무도 결정하지 않음)",
        "method": "읽는 법",
        "dom": "국내 매출 점유율, 마지막 해",
        "cs": "소비자 잉여, 마지막 해(억 달러)",
        "luck_help": "순위 범위: 수업 시드별 순위의 5-95%. 운이 좋음 / 운이 나쁨: 팀이 본 게임 점수가 5-95% 범위를 벗어나거나 공정 점수와 5점 넘게 차이 남.",
    },
}


def report_html(lesson: Lesson | None, results, ranks, baseline, refused, seeds, lang: str = "en") -> str:
    """The class report as one self-contained HTML document."""
    w = WORDS[lang]
    title = f"{w['title']}: {lesson.title[lang]}" if lesson else w["title"]
    parts = [f"<h1>{esc(title)}</h1>"]
    replayed = w["replayed"].format(saves=len({r.game.path for r in results}), seeds=len(seeds))
    parts.append(f'<p class="muted">{esc(replayed)} {esc(w["luck_help"])}</p>')
    for role_id in sorted({r.role.id for r in results}):
        members = sorted((i for i, r in enumerate(results) if r.role.id == role_id), key=lambda i: ranks[i][0])
        role = results[members[0]].role
        base_scores = baseline["scores"].get(role_id)
        parts.append(f"<h2>{esc(role.label_for(lang))}</h2>")
        rows: list[tuple] = []
        for i in members:
            r = results[i]
            rows.append(
                (
                    ranks[i][0],
                    f"{ranks[i][1]}-{ranks[i][2]}",
                    r.game.team,
                    f"{r.mean:.0f}",
                    f"{r.p05:.0f}-{r.p95:.0f}",
                    Markup(range_bar(r.mean, r.p05, r.p95, seen=r.seen_score)),
                    f"{r.seen_score:.0f}",
                    Markup(f'<span class="{r.verdict}">{esc(luck_word(r.verdict, lang))}</span> ({r.luck:+.0f})'),
                )
            )
        if base_scores is not None:
            rows.append(
                (
                    "-",
                    "",
                    w["baseline"],
                    f"{base_scores.mean():.0f}",
                    f"{np.percentile(base_scores, 5):.0f}-{np.percentile(base_scores, 95):.0f}",
                    Markup(
                        range_bar(
                            float(base_scores.mean()),
                            float(np.percentile(base_scores, 5)),
                            float(np.percentile(base_scores, 95)),
                        )
                    ),
                    "",
                    "",
                )
            )
        parts.append(
            table(
                [w["rank"], w["ranks"], w["team"], w["fair"], w["range"], "", w["seen"], w["luck"]],
                rows,
                numeric=(0, 3, 6),
            )
        )
        parts.append(range_legend(lang))
    points = []
    for r in {id(r.game): r for r in results}.values():
        dom, cs = r.outcomes["domestic_revenue_share"], r.outcomes["consumer_surplus"]
        points.append(
            {
                "label": r.game.team,
                "x": float(dom.mean()),
                "y": float(cs.mean()),
                "x_range": (float(np.percentile(dom, 5)), float(np.percentile(dom, 95))),
                "y_range": (float(np.percentile(cs, 5)), float(np.percentile(cs, 95))),
            }
        )
    if baseline:
        dom, cs = baseline["domestic_revenue_share"], baseline["consumer_surplus"]
        points.append(
            {
                "label": w["baseline"],
                "x": float(dom.mean()),
                "y": float(cs.mean()),
                "color": "#555",
                "square": True,
                "x_range": (float(np.percentile(dom, 5)), float(np.percentile(dom, 95))),
                "y_range": (float(np.percentile(cs, 5)), float(np.percentile(cs, 95))),
            }
        )
    if points:
        parts.append(f"<h2>{esc(w['scatter'])}</h2>")
        parts.append(
            scatter_chart(
                "",
                points,
                w["dom"],
                w["cs"],
                x_fmt=partial(units.axis_value, "domestic_revenue_share", lang=lang),
                y_fmt=partial(units.axis_value, "consumer_surplus", lang=lang),  # Korean money in 억 달러
                width=760,
                height=440,
            )
        )
    if refused:
        parts.append(f"<h2 class='refused'>{esc(w['refused'])}</h2>")
        parts.append(table(["file", "reason"], refused))
    return page(title, "".join(parts), lang)


def write_class_report(
    saves: Path, out: Path, seeds: int | None = None, workers=None, lang: str = "en", force: bool = False, progress=None
) -> tuple[Path, str]:
    """Write ``out/index.html`` and ``out/teams.csv``; returns (out, a text summary)."""
    check_out_dir(out, force, "report")
    games, refused = collect_saves(saves)
    lesson = games[0].lesson if games else None
    seed_list = class_seeds(lesson, seeds)
    results, baseline = evaluate_class(games, seed_list, workers, progress)
    ranks = rank_ranges(results)
    write_html_folder(
        out,
        {
            "index.html": report_html(lesson, results, ranks, baseline, refused, seed_list, lang),
            "teams.csv": teams_csv(results, ranks),
        },
        force,
        "class report",
    )
    lines = [f"{len(games)} team save(s) reported over {len(seed_list)} seeds; {len(refused)} refused"]
    for i in sorted(range(len(results)), key=lambda i: (results[i].role.id, ranks[i][0])):
        r = results[i]
        lines.append(
            f"  {ranks[i][0]:>2}. {r.game.team:<20} {r.role.id:<10} fair {r.mean:5.1f} [{r.p05:.0f}-{r.p95:.0f}]  seen {r.seen_score:5.1f}  {r.verdict}"
        )
    for name, reason in refused:
        lines.append(f"  refused: {name}: {reason}")
    return out, "\n".join(lines)
