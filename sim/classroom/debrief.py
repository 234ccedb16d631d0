"""``aisim debrief``: a self-contained HTML debrief of one or more saved games.

For each team: the fair score (its decisions over the class seeds) beside the
run it saw, the timeline of decisions and events, the turning points (quarters
where outcomes moved most and why, from the model's ``explain_outcome``), the
team against the no-decision baseline on the same seed, the random events its
seed revealed, and the lesson's debrief questions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any

from sim.classroom.html import Markup, esc, line_chart, page, range_bar, range_legend, table
from sim.classroom.lesson import Lesson, LessonError, Role
from sim.classroom.scoring import FairScore, explain_difference, fair_score, luck_word
from sim.core.files import REPORT_FORMAT, REPORT_MARKER, write_folder
from sim.errors import one_line
from sim.game import units
from sim.game.i18n import deal_label, display_name, pick
from sim.model.outcomes import METRICS
from sim.runner import check_out_dir
from sim.saves import SavedGame, load_save

CHART_METRICS = ("domestic_revenue_share", "consumer_surplus", "hhi", "sovereignty_index")
TURNING_METRICS = ("domestic_revenue_share", "consumer_surplus", "hhi", "capability_gap", "sovereignty_index")

TEXT = {
    "en": {
        "title": "Debrief",
        "team": "Team",
        "lesson": "Lesson",
        "seed": "seed",
        "per_quarter": "{chance}/q",
        "fair": "Fair score",
        "seen": "Score of the run you saw",
        "range": "5-95 % over class seeds",
        "timeline": "Timeline of decisions and events",
        "quarter": "Quarter",
        "decisions": "Decisions",
        "events": "Events",
        "turning": "Turning points",
        "turning_help": "Quarters where outcomes moved most, and the model's attribution of the move.",
        "baseline": "Team against the baseline (same seed, nobody decides)",
        "random": "Random events revealed",
        "random_help": "Events that may or may not happen. What your seed drew, and how often each fires over the class seeds.",
        "fired": "fired in your run",
        "share": "share of class seeds where it fired",
        "questions": "Debrief questions",
        "objectives": "Objectives",
        "value": "value",
        "target": "target",
        "met": "met",
        "yes": "yes",
        "no": "no",
        "none": "none",
        "your_run": "your decisions",
        "base_run": "baseline",
        "band": "your decisions, 5-95 % over class seeds",
        "role": "Role",
        "compare": "Teams at a glance",
        "because": "drivers",
        "moved": "moved",
        "no_lesson": "Not a lesson save: scored with the scenario's objectives over seeds 0-9.",
    },
    "ko": {
        "title": "디브리핑",
        "team": "팀",
        "lesson": "수업",
        "seed": "시드",
        "per_quarter": "분기당 {chance}",
        "fair": "공정 점수",
        "seen": "본 게임 점수",
        "range": "수업 시드 5-95% 범위",
        "timeline": "결정과 사건의 타임라인",
        "quarter": "분기",
        "decisions": "결정",
        "events": "사건",
        "turning": "전환점",
        "turning_help": "성과가 가장 크게 움직인 분기와 모형이 밝힌 원인.",
        "baseline": "팀 대 기준선(같은 시드, 아무도 결정하지 않음)",
        "random": "드러난 무작위 사건",
        "random_help": "일어날 수도 있고 아닐 수도 있는 사건. 여러분의 시드에서 일어난 것과 수업 시드 전체에서의 빈도.",
        "fired": "본 게임에서 발생",
        "share": "발생한 수업 시드 비율",
        "questions": "토론 질문",
        "objectives": "목표",
        "value": "값",
        "target": "목표치",
        "met": "달성",
        "yes": "예",
        "no": "아니오",
        "none": "없음",
        "your_run": "팀의 결정",
        "base_run": "기준선",
        "band": "팀의 결정, 수업 시드 5-95%",
        "role": "역할",
        "compare": "팀 한눈에 보기",
        "because": "원인",
        "moved": "변화",
        "no_lesson": "수업 저장 파일이 아닙니다: 시나리오 목표로 시드 0-9에서 채점했습니다.",
    },
}


@dataclass
class TeamGame:
    """A save with what the reports need: the team, its lesson and human roles."""

    path: Path
    saved: SavedGame
    lesson: Lesson | None
    team: str
    roles: list[Role] = field(default_factory=list)


def scenario_role(saved: SavedGame) -> Role:
    """A stand-in regulator role scored on the scenario's own objectives (plain, non-lesson saves)."""
    levers = tuple(s.name for s in saved.scenario.parameters.of_kind("lever"))
    objectives = tuple(dict(o) for o in saved.scenario.objectives)
    return Role("regulator", "regulator", {"en": "Regulator", "ko": "규제 당국"}, None, None, levers, None, objectives)


def open_game(path: Path, search: Sequence[Path] = ()) -> TeamGame:
    """Load a save and its lesson (raises SaveFileError / LessonError)."""
    from sim.classroom.session import lesson_of_save

    saved = load_save(path)
    team = str(saved.extra.get("team") or path.stem) if isinstance(saved.extra, dict) else path.stem
    team = one_line(team, 100)  # shown on the teacher's terminal and page: control characters escaped
    if isinstance(saved.extra, dict) and isinstance(saved.extra.get("lesson"), dict):
        lesson = lesson_of_save(saved, search)
        # the same numbers (lesson_of_save checked), told in the lesson's own words: a save comes from a
        # student's machine, and its scenario's titles and labels were what the teacher's debrief showed
        saved = replace(saved, scenario=lesson.scenario)
        role_ids = saved.extra.get("roles") or [lesson.roles[0].id]
        if not isinstance(role_ids, list) or not all(isinstance(r, str) for r in role_ids):
            raise LessonError("expected a list of the lesson's role ids", file=str(path), path="extra.roles")
        if len(set(role_ids)) != len(role_ids):  # the team would be ranked twice
            raise LessonError(f"each role once, got {', '.join(role_ids)}", file=str(path), path="extra.roles")
        roles = [lesson.role(r) for r in role_ids]
        return TeamGame(path, saved, lesson, team, roles)
    return TeamGame(path, saved, None, team, [scenario_role(saved)])


def game_fair_score(game: TeamGame, role: Role, seeds: Sequence[int] | None = None, workers=None) -> FairScore:
    """The fair score of a game's decisions for one role (lesson class seeds, or 0-9 for plain saves)."""
    if game.lesson is not None:
        return fair_score(game.lesson, role, game.saved.decisions, game.saved.seed, seeds=seeds, workers=workers)
    from sim.classroom.scoring import replay_many, score_role

    seeds = list(seeds or range(10))
    runs = replay_many([(game.saved.scenario, s, game.saved.decisions) for s in seeds], workers)
    seen_run = replay_many([(game.saved.scenario, game.saved.seed, game.saved.decisions)], 1)[0]
    scores = tuple(score_role(role, r.quarters, r.firms).score for r in runs)
    return FairScore(
        role.id,
        tuple(seeds),
        scores,
        game.saved.seed,
        score_role(role, seen_run.quarters, seen_run.firms).score,
        tuple(runs) + (seen_run,),
    )


@dataclass
class Trace:
    """A run stepped quarter by quarter with the model's attribution of each outcome's change."""

    history: list[dict]
    firms: list[dict]
    news: list[dict]
    drivers: list[dict[str, list[dict]]]  # per quarter: metric -> explain_outcome items


def trace_run(scenario, seed: int, decisions: Mapping[int, Mapping[str, Any]], lang: str = "en") -> Trace:
    """Replay a game and keep ``explain_outcome`` for the turning-point metrics after every quarter."""
    from sim.model.model import AIMarketModel

    model = AIMarketModel(scenario, seed=seed)
    drivers = []
    while not model.finished:
        if model.quarter in decisions:
            model.apply_decision(decisions[model.quarter])
        model.step()
        drivers.append({m: model.explain_outcome(m, lang) for m in TURNING_METRICS})
    return Trace(model.history, model.firm_history, model.news, drivers)


def turning_points(trace: Trace, count: int = 3) -> list[dict]:
    """The ``count`` quarters where the turning-point metrics moved most (relative to each one's range)."""
    history = trace.history
    ranges = {}
    for metric in TURNING_METRICS:
        values = [row[metric] for row in history]
        ranges[metric] = (max(values) - min(values)) or 1.0
    scored = []
    for i in range(1, len(history)):
        changes = {m: history[i][m] - history[i - 1][m] for m in TURNING_METRICS}
        weight = sum(abs(c) / ranges[m] for m, c in changes.items())
        scored.append((weight, i, changes))
    scored.sort(key=lambda item: (-item[0], item[1]))
    out = []
    for _weight, i, changes in sorted(scored[:count], key=lambda item: item[1]):
        main = max(changes, key=lambda m: abs(changes[m]) / ranges[m])
        out.append(
            {
                "index": i,
                "quarter": history[i]["quarter"],
                "changes": changes,
                "main": main,
                "drivers": trace.drivers[i],
            }
        )
    return out


def _when(quarter: str, lang: str) -> Markup:
    """A table's quarter cell, kept on one line ("2024년 1분기" would wrap inside its narrow column)."""
    return Markup(f'<span style="white-space:nowrap">{esc(units.quarter_text(quarter, lang))}</span>')


def decision_text(decision: Mapping[str, Any], scenario=None, lang: str = "en") -> str:
    """A decision for tables. With ``scenario``: each lever by its label with its value and unit, an
    event's answer by the event's title and the answer's label, a firm's decisions by the firm's name
    and each field's label and value in units, a platform's choice by its name, its provider's and the
    deal's. Otherwise (or for names the scenario lacks) ``name=value``."""
    from sim.classroom.game import say
    from sim.model.policies import FIRM_DECISION_FIELDS, PARTNER_DECISION_FIELDS, field_label

    parts = []
    events = {e["id"]: e for e in scenario.events} if scenario is not None else {}
    firms = {f["id"]: f for f in scenario.firms} if scenario is not None else {}
    partners = {p.id: p for p in scenario.partners} if scenario is not None else {}
    for key, value in decision.items():
        kind, _, ident = key.partition(":")
        if scenario is not None and not ident and key in scenario.parameters:
            spec = scenario.parameters[key]
            parts.append(f"{spec.label_for(lang)}: {units.lever_text(spec, value, lang)}")
        elif kind == "choice" and ident in events:
            event = events[ident]
            choice = next((c for c in event["choices"] if c["id"] == value), None)
            answer = pick(choice["label"], lang) if choice is not None and choice.get("label") else str(value)
            parts.append(f"{pick(event['title'], lang)}: {answer}")
        elif kind == "firm" and ident in firms and isinstance(value, Mapping):
            fields = [
                f"{field_label(FIRM_DECISION_FIELDS[f], lang)} "
                + (say("back_to_rule", lang) if v is None else units.decision_value(f, v, lang))
                for f, v in value.items()
                if f in FIRM_DECISION_FIELDS
            ]
            parts.append(f"{display_name(firms[ident], lang)}: " + ("; ".join(fields) or say("back_to_rule", lang)))
        elif kind == "partner" and ident in partners and isinstance(value, Mapping):
            provider = firms.get(value.get("provider", ""))
            chosen = [
                f"{field_label(PARTNER_DECISION_FIELDS['provider'], lang)} "
                + (display_name(provider, lang) if provider else str(value.get("provider"))),
                f"{field_label(PARTNER_DECISION_FIELDS['deal'], lang)} "
                + deal_label(scenario.deals, str(value.get("deal")), lang),
            ]
            parts.append(f"{display_name(partners[ident], lang)}: " + "; ".join(chosen))
        else:
            parts.append(f"{key}={value}")
    return ", ".join(parts)


def _team_section(game: TeamGame, lang: str, workers) -> tuple[str, list]:
    """One team's part of the debrief; returns (HTML, [(team, role, FairScore)])."""
    words = TEXT[lang]
    saved = game.saved
    trace = trace_run(saved.scenario, saved.seed, saved.decisions, lang)
    baseline = trace_run(saved.scenario, saved.seed, {}, lang)
    labels = [row["quarter"] for row in trace.history]
    lesson_name = game.lesson.title[lang] if game.lesson else saved.scenario.title[lang]
    parts = [
        f"<h2>{esc(words['team'])}: {esc(game.team)}</h2>",
        f'<p class="muted">{esc(words["lesson"])}: {esc(lesson_name)} · {esc(words["seed"])} {saved.seed} · '
        f"{esc(game.path.name)} · {esc(units.quarter_text(labels[0], lang))}-{esc(units.quarter_text(labels[-1], lang))}</p>",
    ]
    if game.lesson is None:
        parts.append(f'<p class="muted">{esc(words["no_lesson"])}</p>')
    fairs = [(role, game_fair_score(game, role, workers=workers)) for role in game.roles]
    class_runs = [r for r in fairs[0][1].runs if r.seed in fairs[0][1].seeds]
    events = events_by_quarter(trace, lang)
    parts += [
        _score_cards(game, trace, fairs, lang),
        _timeline(game, labels, events, lang),
        _turning_points_table(game, trace, events, lang),
        _baseline_charts(game, trace, baseline, class_runs, labels, lang),
        _random_events(game, trace, class_runs, lang),
    ]
    return "".join(parts), [(game.team, role, fair) for role, fair in fairs]


def events_by_quarter(trace: Trace, lang: str) -> dict[str, list[str]]:
    """Quarter label -> titles of the events that fired in it."""
    out: dict[str, list[str]] = {}
    for item in trace.news:
        if item.get("kind") == "event":
            out.setdefault(item["quarter"], []).append(item.get(lang) or item["en"])
    return out


def _score_cards(game: TeamGame, trace: Trace, fairs, lang: str) -> str:
    """Per role: the fair score, its range, the seen score and why they differ; the objectives met."""
    from sim.classroom.scoring import score_role

    words = TEXT[lang]
    cards = []
    for role, fair in fairs:
        sentence = explain_difference(game.lesson, fair, lang) if game.lesson else ""
        verdict = fair.luck_verdict
        cards.append(
            f'<div class="card"><div class="muted">{esc(words["role"])}: {esc(role.label_for(lang))}</div>'
            f'<div class="big">{fair.mean:.0f}</div><div>{esc(words["fair"])} · {esc(words["range"])}: '
            f"{fair.p05:.0f}-{fair.p95:.0f}</div><div>{range_bar(fair.mean, fair.p05, fair.p95, seen=fair.seen_score)}</div>"
            f'<div>{esc(words["seen"])}: <b>{fair.seen_score:.0f}</b> <span class="{verdict}">({esc(luck_word(verdict, lang))})</span></div>'
            f'<p style="max-width:520px">{esc(sentence)}</p></div>'
        )
        card = score_role(role, trace.history, trace.firms)
        how = {o["id"]: o.get("aggregate", "final") for o in role.objectives}
        rows = []
        for r in card.results:
            (value,), target = units.objective_texts(r.metric, [r.value], r.op, r.target, how.get(r.id, "final"), lang)
            rows.append((r.label_for(lang), value, target, words["yes"] if r.met else words["no"]))
        objectives = table(["", words["value"], words["target"], words["met"]], rows, numeric=(1,))
        cards.append(
            f'<div class="card"><h3>{esc(words["objectives"])}: {esc(role.label_for(lang))}</h3>{objectives}</div>'
        )
    return '<div class="cards">' + "".join(cards) + "</div>" + range_legend(lang)


def _timeline(game: TeamGame, labels: list[str], events: dict[str, list[str]], lang: str) -> str:
    """Quarters with a decision (by role where the save records it) or an event."""
    words = TEXT[lang]
    saved = game.saved
    role_log = (saved.extra or {}).get("role_decisions") or {}
    roles = {role.id: role.label_for(lang) for role in game.lesson.roles} if game.lesson else {}
    rows = []
    for index, quarter in enumerate(labels):
        by_role = role_log.get(quarter)
        if by_role:
            decided = "; ".join(
                f"{roles.get(r, r)}: {decision_text(d, saved.scenario, lang)}" for r, d in by_role.items()
            )
        else:
            decided = decision_text(saved.decisions.get(saved.scenario.start + index, {}), saved.scenario, lang)
        fired = events.get(quarter, [])
        if decided or fired:
            rows.append(
                (
                    _when(quarter, lang),
                    Markup(f'<span class="dec">{esc(decided)}</span>'),
                    Markup('<span class="ev">' + esc(" · ".join(fired)) + "</span>"),
                )
            )
    header = [words["quarter"], words["decisions"], words["events"]]
    return f"<h3>{esc(words['timeline'])}</h3>" + table(header, rows)


def _turning_points_table(game: TeamGame, trace: Trace, events: dict[str, list[str]], lang: str) -> str:
    """The quarters where outcomes moved most, with the model's attribution of the move."""
    words = TEXT[lang]
    rows = []
    for point in turning_points(trace):
        main = point["main"]
        moved = f"{METRICS[main].label(lang)} {units.metric_change(main, point['changes'][main], lang)}"
        drivers = point["drivers"].get(main) or []
        because = (
            "; ".join(f"{d['label']} {units.metric_change(main, d['change'], lang)}" for d in drivers[:3])
            or words["none"]
        )
        fired = " · ".join(events.get(point["quarter"], []))
        decided = decision_text(
            game.saved.decisions.get(game.saved.scenario.start + point["index"], {}), game.saved.scenario, lang
        )
        rows.append(
            (
                _when(point["quarter"], lang),
                moved,
                because,
                Markup(f'<span class="ev">{esc(fired)}</span> <span class="dec">{esc(decided)}</span>'),
            )
        )
    header = [words["quarter"], words["moved"], words["because"], words["events"] + " / " + words["decisions"]]
    return f"<h3>{esc(words['turning'])}</h3><p class='muted'>{esc(words['turning_help'])}</p>" + table(header, rows)


def _baseline_charts(game: TeamGame, trace: Trace, baseline: Trace, class_runs, labels, lang: str) -> str:
    """The team's run against the no-decision baseline on its seed, over the band of its decisions on the class seeds."""
    import numpy as np

    words = TEXT[lang]
    start = game.saved.scenario.start
    marks = [
        (q - start, units.quarter_text(q, lang)) for q in sorted(game.saved.decisions) if 0 <= q - start < len(labels)
    ]
    ticks = [units.quarter_text(label, lang) for label in labels]
    charts = []
    for metric in CHART_METRICS:
        series: list[dict] = [
            {"label": words["your_run"], "values": [row[metric] for row in trace.history], "color": "#d62728"},
            {
                "label": words["base_run"],
                "values": [row[metric] for row in baseline.history],
                "color": "#555",
                "dash": True,
            },
        ]
        if class_runs:
            matrix = np.array([[row[metric] for row in r.quarters] for r in class_runs])
            band = (list(np.percentile(matrix, 5, axis=0)), list(np.percentile(matrix, 95, axis=0)))
            series.insert(
                0, {"label": words["band"], "values": list(matrix.mean(axis=0)), "band": band, "color": "#1f77b4"}
            )
        title = f"{METRICS[metric].label(lang)} ({units.metric_chart_unit(metric, lang)})"
        fmt = partial(units.axis_value, metric, lang=lang)
        charts.append(line_chart(title, ticks, series, fmt=fmt, markers=marks[:6]))
    return f"<h3>{esc(words['baseline'])}</h3>" + '<div class="charts">' + "".join(charts) + "</div>"


def _random_events(game: TeamGame, trace: Trace, class_runs, lang: str) -> str:
    """The random events: how often each fired in the team's run and on how many class seeds."""
    words = TEXT[lang]
    random_events = [e for e in game.saved.scenario.events if e["probability_per_quarter"] is not None]
    if not random_events:
        return ""

    def fired(news: list[dict], event: dict) -> list[str]:
        return [n["quarter"] for n in news if n.get("kind") == "event" and n["en"] == event["title"]["en"]]

    rows = []
    for event in random_events:
        quarters = fired(trace.news, event)
        share = f"{sum(bool(fired(r.news, event)) for r in class_runs) / len(class_runs):.0%}" if class_runs else ""
        rows.append(
            (
                event["title"][lang],
                f"{len(quarters)}× " + ", ".join(units.quarter_text(q, lang) for q in quarters),
                words["per_quarter"].format(chance=f"{event['probability_per_quarter']:.0%}"),
                share,
            )
        )
    return f"<h3>{esc(words['random'])}</h3><p class='muted'>{esc(words['random_help'])}</p>" + table(
        ["", words["fired"], "p", words["share"]], rows
    )


def debrief_html(games: Sequence[TeamGame], lang: str = "en", workers=None) -> str:
    """The debrief report of some games as one HTML document."""
    words = TEXT[lang]
    sections, summary = [], []
    for game in games:
        html_text, rows = _team_section(game, lang, workers)
        sections.append(html_text)
        summary += rows
    lesson = next((g.lesson for g in games if g.lesson is not None), None)
    title = f"{words['title']}: {lesson.title[lang]}" if lesson else words["title"]
    head = [f"<h1>{esc(title)}</h1>"]
    if lesson is not None:
        head.append(f"<p>{esc(lesson.briefing[lang])}</p>")
    if len(summary) > 1:
        rows = [
            (
                team,
                role.label_for(lang),
                f"{fair.mean:.0f}",
                f"{fair.p05:.0f}-{fair.p95:.0f}",
                Markup(range_bar(fair.mean, fair.p05, fair.p95, seen=fair.seen_score)),
                f"{fair.seen_score:.0f}",
                luck_word(fair.luck_verdict, lang),
            )
            for team, role, fair in sorted(summary, key=lambda item: -item[2].mean)
        ]
        head.append(
            f"<h2>{esc(words['compare'])}</h2>"
            + table(
                [words["team"], words["role"], words["fair"], words["range"], "", words["seen"], "luck"],
                rows,
                numeric=(2, 5),
            )
        )
    tail = ""
    if lesson is not None:
        tail = (
            f"<h2>{esc(words['questions'])}</h2><ol>"
            + "".join(f"<li>{esc(q[lang])}</li>" for q in lesson.debrief_questions)
            + "</ol>"
        )
    return page(title, "".join(head + sections) + tail, lang)


def write_debrief(paths: Sequence[Path], out: Path, lang: str = "en", workers=None, force: bool = False) -> Path:
    """Write ``out/index.html`` for the given saves. Raises SaveFileError / LessonError / OutputError."""
    check_out_dir(out, force, "report")
    games = [open_game(Path(p), search=[Path(p).parent, Path(p).parent.parent]) for p in paths]
    text = debrief_html(games, lang, workers)
    return write_html_folder(out, {"index.html": text}, force)


def write_html_folder(out: Path, files: Mapping[str, str], force: bool = False, what: str = "debrief") -> Path:
    """Write text files into ``out`` atomically (:func:`sim.core.files.write_folder`), with the marker that
    lets ``--force`` replace this report, and only a report, later (``what``: which report it is)."""
    check_out_dir(out, force, "report")

    def fill(staging: Path) -> None:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        marker = {"format": REPORT_FORMAT, "report": what, "files": sorted(files)}
        (staging / REPORT_MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")

    return write_folder(out, fill, "the report")
