"""Lessons in the game window: who decides next (hot-seat), which screen shows it, the glue to the app.

Screens live in ``sim/game/screens/`` (briefing, handoff, role decision, lesson
picker, lesson end); this module wires a :class:`LessonSession` to the app:
when a role's turn ends, the hand-off screen hides the others' pending
choices; when the quarter has run, the next quarter's first role is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.classroom.lesson import Lesson
from sim.classroom.session import LessonSession

if TYPE_CHECKING:
    from sim.game.app import App

TEXT = {
    "en": {
        "lessons": "Lessons",
        "lessons_tip": "Classroom lessons: roles, briefings, fair scores",
        "team": "Team name:",
        "roles": "Roles your team(s) play (one or more; hot-seat):",
        "start": "Start lesson",
        "back": "Back",
        "briefing": "Briefing",
        "your_role": "Your role",
        "objectives": "Objectives",
        "begin": "Begin",
        "pass_to": "Pass the screen to",
        "look_away": "Everyone else: look away. The other roles' choices stay hidden until the quarter runs.",
        "ready": "I am ready",
        "done": "Decision made",
        "quarter_of": "Quarter {quarter}",
        "length": "{minutes} min · {quarters} quarters",
        "decide_for": "Your decisions for {quarter}",
        "revenue_share": "share",
        "profit_usd_bn": "profit",
        "cash_usd_bn": "cash",
        "capability": "capability",
        "fair": "Fair score (your decisions over the class seeds)",
        "seen": "Score of the run you saw",
        "computing": "Replaying your decisions on the class seeds...",
        "debrief": "Write debrief (HTML)",
        "to_start": "Start screen",
        "no_team": "Type a team name first.",
        "no_role": "Pick at least one role.",
        "provider": "Provider",
        "deal": "Deal",
        "keep": "(model's rule)",
        "standing": "(standing decision)",
        "back_to_rule": "back to the model's rule",
        "platform": "The platform now",
        "own_model": "its own model",
        "platform_now": (
            "{provider} ({deal}) until {end}, {left} from now. A choice made here applies when that contract ends,"
            " or earlier if an event offers the platform a deal."
        ),
        "deal_kinds": "Kinds of deal (channel strength: how strongly the platform steers its users to the provider)",
        "deal_terms": "{deal}: {length}, channel strength {strength}, minimum bid {bid}",
        "no_bid": "none",
        "not_in_market": "{firm} is not in the market: there is nothing to decide this quarter.",
        "yours": "(this decision)",
        "to_rule": "All back to the model's rule",
        "to_rule_tip": "Your firm's earlier decisions stop standing: the model's rule decides every field again",
        "last_quarter": "Last quarter",
        "saved": "Saved to",
    },
    "ko": {
        "lessons": "수업",
        "lessons_tip": "수업용 레슨: 역할, 브리핑, 공정 점수",
        "team": "팀 이름:",
        "roles": "팀이 맡을 역할(하나 이상, 교대로 진행):",
        "start": "수업 시작",
        "back": "뒤로",
        "briefing": "브리핑",
        "your_role": "역할",
        "objectives": "목표",
        "begin": "시작",
        "pass_to": "화면을 넘겨주세요:",
        "look_away": "다른 분들은 화면을 보지 마세요. 분기가 진행될 때까지 다른 역할의 선택은 숨겨집니다.",
        "ready": "준비됐습니다",
        "done": "결정 완료",
        "quarter_of": "{quarter}",
        "length": "{minutes}분 · {quarters}개 분기",
        "decide_for": "{quarter} 결정",
        "revenue_share": "점유율",
        "profit_usd_bn": "이익",
        "cash_usd_bn": "현금",
        "capability": "역량",
        "fair": "공정 점수(수업 시드에서 재생한 결정)",
        "seen": "본 게임 점수",
        "computing": "수업 시드에서 결정을 재생하는 중...",
        "debrief": "디브리핑 작성(HTML)",
        "to_start": "시작 화면",
        "no_team": "먼저 팀 이름을 입력하세요.",
        "no_role": "역할을 하나 이상 고르세요.",
        "provider": "공급자",
        "deal": "계약",
        "keep": "(모델 규칙)",
        "standing": "(유지 중인 결정)",
        "back_to_rule": "모델 규칙으로",
        "platform": "지금 플랫폼",
        "own_model": "자체 모델",
        "platform_now": (
            "{provider}({deal}), {end}까지({left} 남음). 여기서 고른 결정은 그 계약이 끝날 때 적용되며,"
            " 사건이 플랫폼에 제휴를 제안하면 그때 먼저 적용됩니다."
        ),
        "deal_kinds": "계약 형태(채널 강도: 플랫폼이 이용자를 공급자에게 이끄는 정도)",
        "deal_terms": "{deal}: {length}, 채널 강도 {strength}, 최소 제안액 {bid}",
        "no_bid": "없음",
        "not_in_market": "{firm} 시장에 없습니다. 이번 분기에는 정할 것이 없습니다.",
        "yours": "(이번 결정)",
        "to_rule": "모두 모델 규칙으로 되돌리기",
        "to_rule_tip": "앞서 내린 기업 결정을 거두고 모든 항목을 다시 모델 규칙이 정합니다",
        "last_quarter": "지난 분기",
        "saved": "저장 위치",
    },
}


def say(key: str, lang: str) -> str:
    """A lesson screen's text in ``lang`` (English when missing)."""
    return TEXT.get(lang, TEXT["en"]).get(key) or TEXT["en"][key]


def lesson_session(app: App) -> LessonSession:
    """The lesson the app is playing; only the lesson screens ask, and only during one (else a bug)."""
    session = app.session
    if not isinstance(session, LessonSession):
        raise RuntimeError("no lesson is being played")
    return session


def attach(app, session: LessonSession) -> None:
    """Make the app follow the session's turns: hand-off between roles, end screen when finished."""
    from sim.game.screens.handoff import HandoffScreen
    from sim.game.screens.lesson_end import LessonEndScreen

    def on_turn(role) -> None:
        app.next_screen = (HandoffScreen, {})

    def on_quarter() -> None:
        app.autosave()
        if session.finished:
            app.next_screen = (LessonEndScreen, {})
        elif len(session.human_roles) > 1 or session.current_role.kind != "regulator":
            app.next_screen = (HandoffScreen, {})

    session.on_turn = on_turn
    session.on_quarter = on_quarter
    app.session = session


def show_turn(app) -> None:
    """Show the screen where the current role decides (the dashboard for a regulator)."""
    session = app.session
    if session.finished:
        from sim.game.screens.lesson_end import LessonEndScreen

        app.show(LessonEndScreen)
    elif session.current_role.kind == "regulator":
        from sim.game.screens.dashboard import DashboardScreen

        app.show(DashboardScreen, replay=False)
    else:
        from sim.game.screens.role_decision import RoleDecisionScreen

        app.show(RoleDecisionScreen)


def open_team_session(lesson: Lesson, team: str, roles=None) -> tuple[LessonSession, str]:
    """The team's game of this lesson: resumed from its save if there is a usable one, else new.

    Returns (session, note); the note says why a save was not resumed (never overwrite silently).
    """
    from sim.classroom.session import check_lesson_save, lesson_save_path
    from sim.errors import UserError
    from sim.saves import load_save

    path = lesson_save_path(lesson.name, team)
    if path.exists():
        try:
            saved = load_save(path)
            check_lesson_save(saved, lesson)  # the lesson in hand: a save is never a reason to read another file
            return LessonSession.from_lesson_save(lesson, saved), ""
        except UserError as exc:
            backup = path.with_suffix(".unreadable.json")
            path.replace(backup)
            return LessonSession(
                lesson, team, roles=roles
            ), f"{path} could not be resumed ({exc.message}); kept as {backup}"
    return LessonSession(lesson, team, roles=roles), ""


def start_lesson_game(lesson: Lesson, size=None, lang: str = "en", team: str = "team", roles=None):
    """Open the window on the lesson's briefing, resuming the team's save if it has one. Returns the App."""
    from sim.game.app import App
    from sim.game.screens.briefing import BriefingScreen

    app = App(size=size, lang=lang)
    session, note = open_team_session(lesson, team, roles)
    app.message = note
    attach(app, session)
    app.show(BriefingScreen)
    return app
