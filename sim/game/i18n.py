"""UI strings in English and Korean. ``t(key, lang)``; scenario text carries its own en/ko."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sim.errors import one_line

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("AI Market Game", "AI 시장 게임"),
    "scenarios": ("Scenarios", "시나리오"),
    "scenario_file": ("Scenario file (path):", "시나리오 파일(경로):"),
    "open_file": ("Open", "열기"),
    "open_file_tip": (
        "Load the scenario YAML at the path typed on the left",
        "왼쪽에 입력한 경로의 시나리오 YAML 불러오기",
    ),
    "browse": ("Browse...", "찾아보기..."),
    "browse_tip": ("Pick a scenario YAML file", "시나리오 YAML 파일 선택"),
    "new_game": ("New game", "새 게임"),
    "new_game_tip": ("Start playing the selected scenario", "선택한 시나리오로 게임 시작"),
    "load_game": ("Load save...", "저장 불러오기..."),
    "load_game_tip": ("Resume a saved game (.json)", "저장된 게임(.json) 이어하기"),
    "continue": ("Continue autosave", "자동 저장 이어하기"),
    "continue_tip": (
        "Resume the game saved automatically when you last quit",
        "마지막 종료 때 자동 저장된 게임 이어하기",
    ),
    "quit": ("Quit", "종료"),
    "quit_tip": ("Close the game (your game is autosaved)", "게임 종료(자동 저장됨)"),
    "lang_toggle": ("한국어", "English"),
    "lang_tip": ("Switch language: English / Korean", "언어 전환: 영어 / 한국어"),
    "seed": ("Seed", "시드"),
    "seed_tip": (
        "Random seed: same seed and decisions give the same game",
        "난수 시드: 같은 시드와 결정이면 같은 결과",
    ),
    "objectives": ("Objectives", "목표"),
    "story": ("Your role", "역할"),
    "levers": ("Policy levers", "정책 수단"),
    "quarter": ("Quarter", "분기"),
    "planning": ("Planning", "계획:"),
    "next_quarter": ("Next quarter", "다음 분기"),
    "next_tip": ("Simulate one quarter with these policies (Space)", "이 정책으로 한 분기 진행(스페이스)"),
    "autoplay": ("Autoplay", "자동 진행"),
    "pause": ("Pause", "일시정지"),
    "autoplay_tip": ("Play quarters automatically; pause with P", "분기를 자동 진행, P로 일시정지"),
    "speed_tip": ("Autoplay speed (quarters per second)", "자동 진행 속도(초당 분기)"),
    "undo": ("Undo", "되돌리기"),
    "undo_tip": ("Take back the last quarter", "직전 분기 되돌리기"),
    "save": ("Save", "저장"),
    "save_tip": ("Save this game to a file", "이 게임을 파일로 저장"),
    "menu": ("Menu", "메뉴"),
    "menu_tip": ("Game menu (Esc)", "게임 메뉴(Esc)"),
    "fullscreen_tip": ("Toggle fullscreen (F11)", "전체 화면 전환(F11)"),
    "reset": ("Reset", "초기화"),
    "reset_tip": ("Undo the lever changes not yet played", "아직 적용되지 않은 정책 변경 취소"),
    "budget": ("Budget", "예산"),
    "planned": ("planned", "계획"),
    "cost": ("cost", "비용"),
    "per_year": ("/yr", "/년"),
    "krw_bn": ("KRW bn", "십억 원"),
    "option_allow": ("allow", "허용"),
    "option_conditions": ("conditions", "조건부"),
    "option_block": ("block", "불허"),
    "on": ("On", "켜짐"),
    "off": ("Off", "꺼짐"),
    "market_revenue": ("Market revenue (USD bn / quarter)", "시장 매출(분기, 십억 달러)"),
    "share_by_firm": (
        "Revenue share by firm (blue: domestic, red: foreign)",
        "기업별 매출 점유율(파랑: 국내, 빨강: 해외)",
    ),
    "domestic_share_chart": ("Domestic revenue share", "국내 기업 매출 점유율"),
    "ghost_legend": ("dashed: no policy change", "점선: 정책 변경 없음"),
    "ghost_domestic": ("white line: domestic share with no policy change", "흰 선: 정책 변경 없을 때 국내 점유율"),
    "chart_tip": (
        "Outcome to chart (you vs no policy change); or click a tile or a goal",
        "차트로 볼 성과(나 vs 정책 변경 없음), 타일이나 목표 클릭도 가능",
    ),
    "quit_confirm": (
        "Quit the game? A game in progress is autosaved.",
        "게임을 종료할까요? 진행 중인 게임은 자동 저장됩니다.",
    ),
    "you": ("you", "나"),
    "baseline": ("baseline", "기준"),
    "baseline_short": ("base", "기준"),
    "firms": ("Firms", "기업"),
    "partners": ("Partners", "제휴"),
    "news": ("News", "뉴스"),
    "why": ("Why?", "왜?"),
    "firms_tip": (
        "Firm cards: capability, price, cash, partners. Click a card to see why its share moved",
        "기업 카드: 역량, 가격, 현금, 제휴. 카드를 누르면 점유율 변화 원인",
    ),
    "partners_tip": ("Which platform uses which AI provider", "어느 플랫폼이 어떤 AI를 쓰는지"),
    "news_tip": ("Events and news so far", "지금까지의 사건과 뉴스"),
    "why_tip": ("What drove last quarter's change", "지난 분기 변화의 원인"),
    "why_select_tip": (
        "Explain an outcome (market revenue, HHI, consumer surplus, capability gap), a firm, or the domestic side",
        "성과(시장 매출·HHI·소비자 잉여·역량 격차), 기업, 또는 국내 기업 전체를 설명",
    ),
    "why_outcome_header": ("Why {metric} moved", "{metric} 변화의 원인"),
    "why_outcome_note": (
        "Each bar is one driver's part of last quarter's change, in the outcome's own units; the parts add up "
        "to it. Green moved the outcome the good way, red the bad way. Catch-up comes from R&D, grants, "
        "public compute and talent.",
        "막대는 지난 분기 변화에 각 원인이 기여한 몫(성과 단위)이며 합하면 전체 변화가 됩니다. "
        "초록은 좋은 방향, 빨강은 나쁜 방향. 추격은 R&D·지원금·공공 컴퓨팅·인재에서 나옵니다.",
    ),
    "domestic_side": ("Domestic firms (outcome)", "국내 기업 전체(성과)"),
    "why_empty": ("Play two quarters to see what drives the change.", "두 분기를 진행하면 변화의 원인이 보입니다."),
    "why_header": ("Drivers of the change in share last quarter", "지난 분기 점유율 변화의 원인"),
    "why_note": (
        "Change in mean utility vs rivals (logit units). Right/green helped; left/red hurt. "
        "Shares also lag: adopters review their provider only now and then.",
        "경쟁사 대비 평균 효용 변화(로짓 단위). 오른쪽/초록은 도움, 왼쪽/빨강은 불리. "
        "이용자는 가끔씩만 공급자를 재검토하므로 점유율은 늦게 움직입니다.",
    ),
    "share_change": ("share change", "점유율 변화"),
    "capability": ("capability", "역량"),
    "price": ("price", "가격"),
    "cash": ("cash", "현금"),
    "share": ("share", "점유율"),
    "korean": ("Korean", "한국어"),
    "exited": ("exited", "퇴출"),
    "not_entered": ("not yet entered", "미진입"),
    "own_model": ("own model", "자체 모델"),
    "provider": ("provider", "공급자"),
    "until": ("until", "까지"),  # Korean: glued after the quarter ("2027년 1분기까지")
    "no_news": ("No news yet.", "아직 뉴스가 없습니다."),
    "coming_up": ("Coming up next quarter", "다음 분기 예정"),
    "event": ("Decision", "결정할 일"),
    "decide": ("Decide", "결정"),
    "event_tip": ("Choose how the regulator responds", "규제 당국의 대응 선택"),
    "game_over": ("Game over", "게임 종료"),
    "score": ("Score", "점수"),
    "grade": ("Grade", "등급"),
    "met": ("met", "달성"),
    "missed": ("missed", "미달"),
    "baseline_score": ("baseline (no policy change)", "기준(정책 변경 없음)"),
    "save_game": ("Save game", "게임 저장"),
    "export": ("Export charts + summary", "차트·요약 내보내기"),
    "export_tip": ("Write a PNG of the charts and a text summary", "차트 PNG와 텍스트 요약 저장"),
    "replay": ("Watch replay", "다시 보기"),
    "replay_tip": ("Replay this game quarter by quarter", "이 게임을 분기별로 다시 재생"),
    "play_again": ("Play again", "다시 하기"),
    "play_again_tip": ("Back to the start screen", "시작 화면으로"),
    "saved_to": ("Saved to", "저장 위치"),
    "exported_to": ("Exported", "내보냄"),
    "resume": ("Resume", "계속"),
    "main_menu": ("Main menu", "메인 메뉴"),
    "main_menu_tip": ("Back to the start screen (game is autosaved)", "시작 화면으로(자동 저장)"),
    "error": ("Error", "오류"),
    "too_small": ("Window too small: enlarge it to play", "창이 너무 작습니다: 창을 키우세요"),
    "replaying": ("Replay", "다시 보기"),
    "view_end": ("Results", "결과"),
    "view_end_tip": ("Show the end screen", "결과 화면 보기"),
    "key_help": (
        "Space: next quarter  ←→: move lever  ↑↓: pick lever  P: pause  F1: help  Esc: menu",
        "스페이스: 다음 분기  ←→: 정책 조정  ↑↓: 정책 선택  P: 일시정지  F1: 도움말  Esc: 메뉴",
    ),
    "loading_save": ("Loading the saved game...", "저장된 게임을 불러오는 중입니다..."),
    "loading_progress": (
        "Replaying quarter {done} of {total} (Esc: cancel)",
        "{total}개 분기 중 {done}개 재생 중(Esc: 취소)",
    ),
    "event_answers": ("Your answers to events", "사건에 대한 결정"),
    "market_itself": ("The market itself (no policy change)", "시장 자체의 변화(정책 변경 없음)"),
    "firm_share_of": ("{firm}'s revenue share", "{firm} 매출 점유율"),
    "why_title": ("Why: {outcome}", "왜 바뀌었나: {outcome}"),
    "why_now_sentence": (
        "This quarter {outcome} went from {before} to {now} ({change}). With no policy change it would have "
        "moved {own}; your policies account for {policy}.",
        "이번 분기 {outcome} {before}에서 {now_ro} 바뀌었습니다({change}). 정책을 바꾸지 않았어도 {own} "
        "움직였을 것이고, 정책의 몫은 {policy}입니다.",
    ),
    "why_total_sentence": (
        "So far your policies have changed {outcome} by {change} against the baseline (you {you}, baseline "
        "{baseline}). {biggest}",
        "지금까지 정책은 기준 대비 {outcome} {change} 바꿨습니다(나 {you}, 기준 {baseline}). {biggest}",
    ),
    "why_biggest": ("The biggest part: {policy} ({change}).", "가장 큰 몫: {policy}({change})."),
    "why_no_policy": (
        "You have not changed any policy yet, so you match the baseline.",
        "아직 정책을 바꾸지 않아 기준과 같습니다.",
    ),
    "why_now_header": ("This quarter's change, by cause", "이번 분기 변화의 원인"),
    "why_total_header": ("Your policies vs the baseline so far", "지금까지 정책의 효과(기준 대비)"),
    "why_method": (
        "Each bar is a re-run with the same random numbers: the baseline, then your policies added one at a "
        "time in the order you first used them (a later one includes how it combines with earlier ones). "
        "The bars add up exactly to the change stated.",
        "막대마다 같은 난수로 다시 돌린 결과입니다. 기준에서 시작해 처음 사용한 순서대로 정책을 하나씩 "
        "더했습니다(나중 정책은 앞선 정책과의 상호작용을 포함). 막대의 합은 위 문장의 변화와 정확히 같습니다.",
    ),
    "goals": ("Goals", "목표"),
    "goal_now": ("now", "현재"),
    "goal_target": ("target", "목표"),
    "goal_projected": ("projected", "예상"),
    "goal_click_charts": ("Click to chart {metric}", "클릭하면 {metric} 차트를 봅니다"),
    "goals_more": ("+{n} more goals", "목표 {n}개 더"),
    "score_so_far": ("Score so far {score}/100", "현재 점수 {score}/100"),
    "budget_cut": (
        "Over budget: programmes will run at {percent} next quarter",
        "예산 초과: 다음 분기 사업이 {percent} 규모로 축소됩니다",
    ),
    "preview_title": ("Preview to the end", "끝까지의 예측"),
    "preview_computing": ("Preview: computing {percent}...", "예측 계산 중 {percent}..."),
    "preview_failed": (
        "The preview could not be computed (details in the terminal): {error}",
        "예측을 계산하지 못했습니다. 자세한 내용은 터미널에 출력했습니다.",
    ),
    "preview_legend": (
        "gold: with your changes, grey: without (5-95% of {n} runs)",
        "금색: 변경 적용, 회색: 미적용({n}회 실행의 5-95%)",
    ),
    "preview_effect": (
        "Your pending changes by {year}: {effect} (median of {n} runs, {low} to {high})",
        "{year}년까지 변경의 효과: {effect}({n}회 실행 중앙값, {low}~{high})",
    ),
    "preview_effect_short": ("By {year}: {effect} ({low} to {high})", "{year}년까지: {effect}({low}~{high})"),
    "preview_none": (
        "Move a lever to see its projected effect to the end.",
        "정책 수단을 움직이면 끝까지의 예상 효과가 보입니다.",
    ),
    "sets_lever": (
        'This answer also sets the standing lever "{lever}" to {value} for the quarters after.',
        '이 결정은 이후 분기의 정책 수단 "{lever}"도 {value_ro} 바꿉니다.',
    ),
    "option_preview": ("By {year}, against the default answer: {effects}", "{year}년까지 기본 선택 대비: {effects}"),
    "help": ("Help", "도움말"),
    "help_tip": ("Controls, the model in one page, what each lever does (F1)", "조작법, 모델 요약, 정책 수단 설명(F1)"),
    "help_controls": ("Controls", "조작법"),
    "key_next": ("play the next quarter", "다음 분기 진행"),
    "key_pause": ("pause autoplay", "자동 진행 일시정지"),
    "key_autoplay": ("start or stop autoplay", "자동 진행 시작/정지"),
    "key_undo": ("take back the last quarter", "직전 분기 되돌리기"),
    "key_save": ("save the game", "게임 저장"),
    "key_lever_select": ("choose a policy lever", "정책 수단 선택"),
    "key_lever_move": ("move the chosen lever one step", "선택한 정책 수단을 한 단계 조정"),
    "key_reset": ("undo lever changes not yet played", "적용 전 정책 변경 취소"),
    "key_tabs": ("side panel: firms, partners, news, why", "옆 패널: 기업, 제휴, 뉴스, 원인"),
    "key_chart": ("chart the next / previous outcome", "다음 / 이전 성과를 차트로 보기"),
    "key_why": ("Why? panel: explain the next / previous subject", "왜? 패널: 다음 / 이전 대상 설명"),
    "key_speed": ("autoplay slower / faster", "자동 진행 느리게 / 빠르게"),
    "key_answer": ("pick an answer in an event window", "사건 창에서 선택지 고르기"),
    "key_language": ("English / Korean", "영어 / 한국어"),
    "key_scale": ("bigger / smaller text (projectors)", "글자 크게 / 작게(프로젝터용)"),
    "key_help_screen": ("this help", "이 도움말"),
    "key_scroll_panel": (
        "scroll the side panel (or the mouse wheel over it)",
        "옆 패널 위아래로 넘기기(마우스 휠도 됩니다)",
    ),
    "key_fullscreen": ("fullscreen", "전체 화면"),
    "key_focus": (
        "on any screen: go to the next / previous button, box, list or menu; Enter presses it (↑ ↓ choose in a list or menu)",
        "모든 화면: 다음 / 이전 버튼·입력란·목록·메뉴로 이동, Enter로 누르기(목록과 메뉴는 ↑ ↓로 선택)",
    ),
    "key_menu": ("menu (resume, save, help, main menu, quit)", "메뉴(계속, 저장, 도움말, 메인 메뉴, 종료)"),
    "help_model_title": ("The model in one page", "모델 한 쪽 요약"),
    "help_model": (
        "Each quarter AI firms (foreign and domestic) invest in compute and R&D, set prices and seek partners; "
        "partner platforms (Kakao, SK Telecom, ...) pick an AI provider when their contract ends; and millions of "
        "users, businesses and public bodies (adopter rows standing for many each) adopt AI and choose a provider "
        "by quality, Korean-language quality, price, reach, trust and switching cost.\n"
        "You are the regulator: your levers fund programmes (grants, public GPUs, talent, data) out of one yearly "
        "budget, tilt public procurement, set how strictly the AI Basic Act is enforced, and review foreign "
        "partnerships. Spending past the budget is not possible: programmes are scaled back.\n"
        "Random events happen; some ask you to decide. The baseline is the same world with the same random "
        "numbers and no policy change, so the difference between you and the baseline is what your policy did.",
        "매 분기 AI 기업(해외·국내)은 컴퓨팅과 R&D에 투자하고 가격을 정하며 제휴처를 찾습니다. 제휴 플랫폼"
        "(카카오, SK텔레콤 등)은 계약이 끝나면 AI 공급자를 고릅니다. 수많은 이용자·기업·공공기관은 AI를 도입하고 "
        "품질, 한국어 품질, 가격, 도달 범위, 신뢰, 전환 비용을 따져 공급자를 고릅니다.\n"
        "플레이어는 규제 당국입니다. 정책 수단으로 한 해 예산 안에서 사업(지원금, 공공 GPU, 인재, 데이터)에 "
        "재원을 배분하고, 공공조달을 조정하고, AI 기본법 집행 강도를 정하며, 해외 제휴를 심사합니다. 예산을 넘겨 "
        "쓸 수는 없으며 넘치면 사업이 축소됩니다.\n"
        "무작위 사건이 일어나며 일부는 결정을 요구합니다. 기준은 같은 난수에서 정책을 바꾸지 않은 세계이므로, "
        "나와 기준의 차이가 곧 정책의 효과입니다.",
    ),
    "help_panels_title": ("What the panels mean", "패널 설명"),
    "help_panels": (
        "Tiles: each outcome now, its change since last quarter (▲▼) and the baseline.\n"
        "Chart: the chosen outcome, you (solid) vs baseline (dashed); after a lever move, a preview fan to the end "
        "with your pending changes (gold) and without (grey).\n"
        "Goals: your objectives with the value now (a yearly goal over the last four quarters), the target and "
        "the projected end value; rest the mouse on a goal to read it whole, click it to chart what it measures.\n"
        "Why?: why an outcome changed this quarter, and what your policies did so far vs the baseline.",
        "타일: 각 성과의 현재 값, 지난 분기 대비 변화(▲▼), 기준 값.\n"
        "차트: 선택한 성과, 나(실선) vs 기준(점선). 정책 수단을 움직이면 끝까지의 예측 범위가 표시됩니다"
        "(금색: 변경 적용, 회색: 미적용).\n"
        "목표: 현재 값(연간 목표는 최근 4개 분기 기준), 목표 값, 예상 최종 값. 목표에 마우스를 올리면 전체 문구가 보이고, "
        "클릭하면 해당 성과의 차트를 봅니다.\n"
        "왜?: 이번 분기 성과가 바뀐 원인과 지금까지 정책이 기준 대비 한 일.",
    ),
    "help_levers_title": ("What each lever does", "정책 수단별 효과"),
    "lever_does": ("Raising it", "올리면"),
    "lever_does_choice": ("Towards {option}", "{option} 쪽으로"),
    "lever_tradeoff": ("Cost and trade-off", "비용과 부작용"),
    "tour_skip": ("Skip tour", "안내 건너뛰기"),
    "tour_next": ("Next", "다음"),
    "tour_1": (
        "These tiles are the outcomes you are judged on: value now, change since last quarter, and the baseline "
        "(no policy change).",
        "이 타일은 평가받는 성과입니다. 현재 값, 지난 분기 대비 변화, 기준(정책 변경 없음) 값이 보입니다.",
    ),
    "tour_2": (
        "Move a policy lever here (or with the arrow keys). Its yearly cost and the budget are shown above.",
        "여기서 정책 수단을 움직입니다(방향키도 가능). 위에 연간 비용과 예산이 보입니다.",
    ),
    "tour_3": (
        "After a move, the chart shows a preview to the end: gold with your change, grey without.",
        "움직이면 차트에 끝까지의 예측이 보입니다. 금색은 변경 적용, 회색은 미적용입니다.",
    ),
    "tour_4": (
        "Press Space (or Next quarter) to play the quarter with your levers.",
        "스페이스(또는 다음 분기)를 누르면 이 정책으로 한 분기를 진행합니다.",
    ),
    "tour_5": (
        "Open Why? to see why an outcome moved and what your policies did so far. Goals stay on the right. "
        "F1 opens Help any time.",
        "왜?를 열면 성과가 바뀐 원인과 지금까지 정책의 효과가 보입니다. 목표는 오른쪽에 늘 보입니다. "
        "F1로 언제든 도움말을 엽니다.",
    ),
    "final_outcomes": ("Final year {year}: you vs baseline", "마지막 해({year}): 나 vs 기준"),
    "final_year_heading": ("Final year {year}", "마지막 해({year})"),
    "vs_last_quarter": ("vs last qtr", "지난 분기 대비"),
}


# Words left in Latin letters on a Korean screen on purpose: proper nouns, acronyms, letter
# grades and abbreviations Korean readers use as they are ("나 vs 기준"). Firm and platform
# names are their scenario ``name_ko`` (which keeps "LG", "KT", ...); a product named in
# quotation marks in a scenario's text ("ChatGPT for Kakao") stays as quoted.
PROPER_NOUNS = (
    "AI",
    "GPT",
    "GPU",
    "GPUs",
    "HHI",
    "R&D",
    "OECD",
    "IDC",  # the market research firm whose projection a scenario's title names
    "YAML",
    "json",
    "F1",
    "F11",
    "Esc",
    "PgUp",
    "PgDn",
    "English",
    "P",
    "p",
    "vs",
    *"ABCDEF",  # grades
)


# Errors a player can cause (sim.errors.UserError), in Korean. Their English text is worded once, for
# the command line, where the error is raised; the game matches it here (whole message) and shows
# the Korean template with the pattern's named groups. A message no pattern knows keeps its English
# detail after a Korean sentence for its kind (FALLBACK_KO), so nothing the player could act on is lost.
USER_ERRORS_KO: tuple[tuple[str, str], ...] = (
    (r"file not found", "파일이 없습니다"),
    (r"no such save file", "저장 파일이 없습니다"),
    (r"is a folder, expected .*", "폴더입니다. 파일을 고르세요"),
    (r"is not a regular file .*", "일반 파일이 아닙니다(파이프·장치·소켓)"),
    (
        r"file is (?P<size>[\d,]+) bytes, more than the (?P<limit>[\d,]+) allowed",
        "파일이 너무 큽니다({size}바이트, 최대 {limit}바이트)",
    ),
    (r"file is more than the (?P<limit>[\d,]+) bytes allowed", "파일이 너무 큽니다(최대 {limit}바이트)"),
    (
        r"(?:file name|a scenario name or path) cannot contain a NUL byte|file name contains a NUL byte",
        "파일 이름에 NUL 문자가 있습니다",
    ),
    (r"cannot read file \((?P<why>.*)\)", "파일을 읽을 수 없습니다({why})"),
    (r"cannot write file \((?P<why>.*)\)", "파일을 쓸 수 없습니다({why})"),
    (r"cannot write here \(permission denied\)", "여기에 쓸 권한이 없습니다"),
    (r"looks like a binary file .*", "텍스트가 아닌 이진 파일입니다"),
    (r"is not UTF-8 text \(bad byte at offset (?P<offset>\d+)\)", "UTF-8 텍스트가 아닙니다({offset}번째 바이트)"),
    (r"not an aisim save file(?: \(.*\))?", "aisim 저장 파일이 아닙니다"),
    (r"not valid JSON: .*", "JSON 형식이 올바르지 않습니다"),
    (r"nested (?:more than \d+ levels deep|too deeply).*", "중첩이 너무 깊습니다"),
    (
        r"unsupported save version (?P<got>.*) \(this aisim reads version (?P<want>.*)\)",
        "지원하지 않는 저장 파일 버전입니다({got}; 이 aisim이 읽는 버전: {want})",
    ),
    (r"the save has no checksum .*", "저장 파일에 검사합이 없습니다(수정되었거나 aisim이 쓴 파일이 아님)"),
    (
        r"the save does not match its checksum .*",
        "저장 파일이 검사합과 맞지 않습니다(수정되었거나 손상됨). 수정된 저장 파일은 불러오지 않습니다",
    ),
    (r"the saved scenario does not match its content_hash .*", "저장된 시나리오가 수정되었거나 손상되었습니다"),
    (r"the saved scenario is invalid: .*", "저장된 시나리오가 올바르지 않습니다"),
    (r"expected a seed from 0 to 2\*\*63-1, got .*", "시드는 0부터 2**63-1까지의 정수여야 합니다"),
    (r"expected the quarter reached, got .*", "도달한 분기가 올바르지 않습니다"),
    (r"file is empty, expected a YAML mapping|file holds no data, expected a YAML mapping", "파일이 비어 있습니다"),
    (r"YAML syntax error: .*", "YAML 문법 오류입니다"),
    (r"YAML error: .*", "YAML 오류입니다"),
    (
        r"unknown (?:key|section) (?P<key>'[^']*'); did you mean (?P<hint>'[^']*')\?",
        "알 수 없는 항목입니다: {key}(혹시 {hint}?)",
    ),
    (r"unknown (?:key|section) (?P<key>'[^']*').*", "알 수 없는 항목입니다: {key}"),
    (r"missing required (?:key|section) (?P<key>'[^']*') .*", "필수 항목이 없습니다: {key}"),
    (r"no bundled scenario or file named (?P<name>'[^']*').*", "이런 이름의 기본 시나리오나 파일이 없습니다: {name}"),
)
# What an operating system's reason (strerror) says, in Korean.
OS_REASONS_KO = {
    "Permission denied": "권한 없음",
    "No space left on device": "저장 공간 부족",
    "Read-only file system": "읽기 전용 파일 시스템",
    "File name too long": "파일 이름이 너무 김",
    "No such file or directory": "파일이나 폴더가 없음",
    "Not a directory": "폴더가 아님",
    "Is a directory": "폴더임",
    "File exists": "같은 이름의 파일이 이미 있음",
}
# A Korean sentence for each kind of user error (by class name), for messages no pattern knows.
FALLBACK_KO = {
    "ScenarioError": "시나리오 파일이 올바르지 않습니다",
    "SaveFileError": "저장 파일을 쓰거나 읽을 수 없습니다",
    "OutputError": "파일을 쓸 수 없습니다",
    "OverrideError": "이 값은 쓸 수 없습니다",
    "LessonError": "수업 파일이 올바르지 않습니다",
}


def error_text(exc: Exception, lang: str = "en") -> str:
    """A user error as one line for the screen: the CLI's English text, or its Korean version.

    Korean keeps the location (file, line, key path: the user's own names) and translates the
    message through :data:`USER_ERRORS_KO`.
    """
    english = str(exc)
    if lang != "ko":
        return english
    message = getattr(exc, "message", None)
    if message is None:  # an OSError (its reason in Korean when known) or a pygame.error
        reason = OS_REASONS_KO.get(getattr(exc, "strerror", None) or "")
        filename = getattr(exc, "filename", None)
        if reason is None:
            return english
        return one_line(f"{filename}: {reason}" if filename else reason)
    korean = None
    for pattern, template in USER_ERRORS_KO:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            groups = {k: OS_REASONS_KO.get(v, v) for k, v in match.groupdict().items()}
            korean = template.format(**groups)
            break
    if korean is None:
        kind = next((FALLBACK_KO[c.__name__] for c in type(exc).__mro__ if c.__name__ in FALLBACK_KO), "오류")
        korean = f"{kind}: {message}"
    file, line, path = getattr(exc, "file", None), getattr(exc, "line", None), getattr(exc, "path", None)
    path = "(최상위)" if path == "(top level)" else path
    where = [f"{file}:{line}" if file and line else file or (f"{line}행" if line else None), path]
    return one_line(": ".join([w for w in where if w] + [korean]))


def t(key: str, lang: str = "en") -> str:
    """The UI string ``key`` in ``lang`` ("en" or "ko")."""
    en, ko = STRINGS[key]
    return ko if lang == "ko" else en


def pick(text: Mapping[str, str] | None, lang: str = "en") -> str:
    """A scenario's localized text ({en, ko}) in ``lang``, falling back to English."""
    if not text:
        return ""
    return text.get(lang) or text.get("en") or ""


def display_name(agent, lang: str = "en") -> str:
    """A firm's or a partner platform's name in ``lang``: the scenario's ``name_ko`` on a Korean screen.

    ``agent`` is a model Firm or Partner, a scenario's partner spec (anything with ``name`` and
    ``name_ko``) or a scenario's firm entry (a mapping with those keys); the model gives entrants a
    Korean name too ("스타트업 2"), and falls back to ``name`` when the scenario has no ``name_ko``.
    """
    if isinstance(agent, Mapping):
        name, name_ko = agent["name"], agent.get("name_ko")
    else:
        name, name_ko = agent.name, getattr(agent, "name_ko", None)
    return (name_ko or name) if lang == "ko" else name


def deal_label(deals: Mapping[str, Any], kind: str, lang: str = "en") -> str:
    """A kind of partnership deal as the scenario's ``deals`` name it in ``lang`` (its id if they lack it)."""
    spec = deals.get(kind)
    return pick(spec.label, lang) if spec is not None and spec.label else kind


def firm_name(model, firm_id: str, lang: str = "en") -> str:
    """The display name of the firm ``firm_id`` in ``lang`` (the id itself for a firm the model lacks)."""
    firm = model.firm_by_id.get(firm_id)
    return display_name(firm, lang) if firm is not None else firm_id


def short_name(name: str, first_word: bool = False) -> str:
    """A name cut for a chart label or a card line.

    The brand before any parenthesis ("Kakao (KakaoTalk)" -> "Kakao", "카카오(카카오톡)" -> "카카오");
    with ``first_word`` only its first word ("Google Gemini" -> "Google", "구글 제미나이" -> "구글"),
    except for a numbered name ("Start-up 2", "스타트업 2"), which stays whole.
    """
    brand = name.split("(")[0].strip() or name
    words = brand.split()
    if not first_word or len(words) < 2 or words[-1].isdigit():
        return brand
    return words[0]


def option_label(option: str, lang: str = "en") -> str:
    """A choice lever's option as shown: translated when the UI knows it, else the scenario's id."""
    key = f"option_{option}"
    return t(key, lang) if key in STRINGS else option
