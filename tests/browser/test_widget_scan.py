"""A whole diagnosis through the widget on the demo intranet page, with the keyboard only, against
the real gateway, Rasa and action server; then the result card, the report link, the live region,
axe-core, screenshots and a reload.

The conversation runs once (module fixture); the tests below check what it recorded.
"""

import re
from types import SimpleNamespace

import pytest

from .conftest import Widget, bot_texts, buttons, customs, describe_violations, norm, serious

SCALE = ["Gedeeltelijk", "Grotendeels", "Nauwelijks"]
YES_NO = ["Ja", "Deels", "Nee"]
HOW_MANY = "een stuk of twaalf"
WHICH_PARTNERS = "de bibliotheek, het welzijnswerk, de huisartsen en een paar ondernemers"
PHASE = "Levend houden en bestendigen"
MID_SCAN_QUESTION = 10  # the partner question (typed answer): screenshot and axe here
QUESTION = re.compile(r"Vraag (\d+) van (\d+): (.*)", re.S)


def question_of(reply):
    for text in bot_texts(reply):
        match = QUESTION.search(text)
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3)
    return None


def answer_for(number, question, titles):
    """(how, what): press a button or type text, as a coordinator might."""
    if "Helemaal niet" in titles:
        return "button", SCALE[number % len(SCALE)]
    if PHASE in titles:
        return "button", PHASE
    if "Te klein" in titles:
        return "button", "Past goed"
    if "Ja" in titles and "Nee" in titles:
        return "button", YES_NO[number % len(YES_NO)]
    return "type", HOW_MANY if "hoeveel" in question.lower() else WHICH_PARTNERS


def progress_state(w):
    return w.page.evaluate("""() => {
      const root = document.querySelector('coalitiecoach-widget').shadowRoot;
      const wrap = root.querySelector('.cc-progress'), bar = root.querySelector('progress');
      return {visible: !wrap.hidden && wrap.offsetHeight > 0, label: root.querySelector('.cc-progress-label').textContent,
              value: bar.value, max: bar.max, labelledby: bar.getAttribute('aria-labelledby')};
    }""")


IN_VIEW_JS = """selector => {
  const root = document.querySelector('coalitiecoach-widget').shadowRoot;
  const log = root.querySelector('[role=log]').getBoundingClientRect();
  const box = root.querySelector(selector).getBoundingClientRect();
  return box.top >= log.top && box.bottom <= log.bottom;
}"""


@pytest.fixture(scope="module")
def scan(browser, base_url, artifacts):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL", reduced_motion="reduce")
    context.set_default_timeout(30_000)
    w = Widget(context.new_page(), base_url)
    rec = SimpleNamespace(w=w, base_url=base_url, turns=[], axe={}, shots={}, focus_after=[], progress=[])
    try:
        w.goto()
        rec.tab_stops = w.open_with_keyboard()
        rec.focus_after_open = w.active()
        rec.greeting = w.replies[-1]
        rec.axe["open"] = w.axe("open")
        w.page.evaluate("() => { window.__liveAdditions = []; }")
        reply = w.choose("Start de scan")
        for _ in range(40):
            rec.turns.append({"reply": reply, "live": w.live_additions()})
            w.page.evaluate("() => { window.__liveAdditions = []; }")
            if customs(reply, "diagnosis"):
                break
            asked = question_of(reply)
            assert asked, f"no question in the reply: {reply}"
            number, total, question = asked
            rec.progress.append((number, total, progress_state(w)))
            if number == MID_SCAN_QUESTION:
                rec.shots["mid"] = artifacts / "widget-mid-scan.png"
                w.screenshot(rec.shots["mid"])
                rec.axe["mid-scan"] = w.axe("mid-scan")
            how, what = answer_for(number, question, buttons(reply))
            reply = w.choose(what) if how == "button" else w.type_message(what)
            rec.focus_after.append((how, what, buttons(reply), w.active()))
        rec.result_reply = reply
        rec.session_id = w.session_id()
        rec.card_title_in_view = w.page.evaluate(IN_VIEW_JS, ".cc-card-title")
        rec.shots["result"] = artifacts / "widget-result.png"
        w.screenshot(rec.shots["result"])
        w.page.set_viewport_size({"width": 1280, "height": 1500})
        rec.shots["result-tall"] = artifacts / "widget-result-card.png"
        w.screenshot(rec.shots["result-tall"])
        w.page.set_viewport_size({"width": 1280, "height": 800})
        rec.axe["result"] = w.axe("result")
        yield rec
    finally:
        context.close()


def test_the_launcher_is_reached_with_tab_and_opens_the_panel_with_focus_in_the_input(scan):
    assert scan.tab_stops, "the launcher should come after the page's own links"
    assert scan.focus_after_open["where"] == "widget" and scan.focus_after_open["tag"] == "textarea"
    assert "Start de scan" in buttons(scan.greeting)


def test_the_whole_scan_was_answered_by_keyboard_to_a_result(scan):
    numbers = [n for n, _, _ in scan.progress]
    total = scan.progress[0][1]
    assert numbers == list(range(1, total + 1)), "every question once, none re-asked"
    assert customs(scan.result_reply, "diagnosis")
    assert scan.w.errors == [], scan.w.errors


def test_both_buttons_and_typed_answers_were_used(scan):
    kinds = {how for how, _, _, _ in scan.focus_after}
    assert kinds == {"button", "type"}


def test_progress_indicator_follows_the_scan(scan):
    for number, total, state in scan.progress:
        assert state["visible"], (number, state)
        assert state["label"] == f"Vraag {number} van {total}"
        assert state["max"] == total and state["value"] == number - 1
        assert state["labelledby"]
    assert not scan.w.page.locator("coalitiecoach-widget .cc-progress").is_visible(), "hidden after the result"


def test_focus_after_a_choice_goes_to_the_next_choices_and_stays_in_the_field_after_typing(scan):
    for how, what, next_titles, active in scan.focus_after[:-1]:
        if how == "button" and next_titles:
            assert active["where"] == "widget" and "cc-choice" in active["cls"], (what, active)
            assert active["text"] == next_titles[0], (what, active)
        elif how == "type":
            assert active["tag"] == "textarea", (what, active)


def test_focus_goes_to_the_result_card_heading_so_its_top_is_in_view(scan):
    how, _, _, active = scan.focus_after[-1]
    assert how == "button" and active["tag"] == "h3" and active["text"] == "Resultaat van de scan", active
    assert scan.card_title_in_view


def test_the_live_region_receives_every_bot_message(scan):
    log = scan.w.log
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    for turn in scan.turns:
        live = " ".join(turn["live"])
        reply = turn["reply"]
        result = customs(reply, "diagnosis")
        for text in bot_texts(reply):
            if result and re.match(r"(Scores \(|Fase:|Rol van de gemeente:|Let op:|Volgende stappen:)", text):
                continue  # shown by the result card, checked below
            for line in text.splitlines():
                line = norm(re.sub(r"^\s*(•|\d+\.)\s+", "", line))
                if line:
                    assert line in live, f"not announced: {line!r}\nlive region got: {live[:500]}"
        if result:
            r = result[0]["result"]
            assert "Resultaat van de scan" in live
            assert r["role"]["label"] in live and r["phase"]["label"] in live
            for step in r["advice"]:
                assert norm(step["text"]) in live


def test_result_card_shows_scores_phase_role_and_steps_with_sources(scan):
    result = customs(scan.result_reply, "diagnosis")[0]["result"]
    card = scan.w.page.locator("coalitiecoach-widget [role=log] .cc-card")
    assert card.count() == 1 and card.is_visible()
    rows = card.locator("tr.cc-dimension")
    assert rows.count() == 4
    labels = [norm(rows.nth(i).locator("th").text_content()) for i in range(4)]
    assert labels == ["Urgentiebesef en doelconsensus", "Vertrouwen", "Omvang en diversiteit", "Commitment"]
    for i, (dim, value) in enumerate(result["dimensions"].items()):
        cells = rows.nth(i).locator("td")
        assert cells.nth(0).text_content().strip() == f"{value['score']:.1f}".replace(".", ",")
        assert cells.nth(1).text_content().split(" (")[0] == value["level"]
    text = norm(card.text_content())
    assert norm(card.locator(".cc-phase strong").text_content()) == result["phase"]["label"]
    assert result["role"]["label"] in text and result["role"]["rationale"] in text
    steps = card.locator(".cc-step")
    assert 3 <= steps.count() <= 5 and steps.count() == len(result["advice"])
    for i in range(steps.count()):
        source = norm(steps.nth(i).locator(".cc-step-source").text_content())
        assert source.startswith("Bron: ") and len(source) > len("Bron: ") + 3
        doc = result["advice"][i]["source"]["document"]
        assert not source.startswith(f"Bron: {doc},"), f"a document id instead of its title: {source}"
    # the card replaces the summary texts: they are not repeated as chat bubbles
    assert "Volgende stappen:" not in scan.w.log_text()
    assert "Scores (van 1 tot 5):" not in scan.w.log_text()


def test_report_link_opens_the_report_of_this_session_in_a_new_tab(scan):
    w = scan.w
    expected = f"{scan.base_url}/api/v1/sessions/{scan.session_id}/report"
    link = w.page.locator("coalitiecoach-widget .cc-card a.cc-report-link")
    assert link.get_attribute("href") == expected
    assert link.get_attribute("target") == "_blank" and "noopener" in link.get_attribute("rel")
    assert "nieuw tabblad" in link.text_content()
    footer_link = w.page.locator("coalitiecoach-widget .cc-footer a.cc-report-link")
    assert footer_link.is_visible() and footer_link.get_attribute("href") == expected
    w.focus_by_keyboard("e => e.matches('.cc-card a.cc-report-link')", "the report link")
    with w.page.context.expect_page() as opened:
        w.page.keyboard.press("Enter")
    report = opened.value
    report.wait_for_load_state()
    assert report.url == expected
    response = w.page.request.get(expected)
    assert response.status == 200 and response.headers["content-type"].startswith("text/html")
    report.close()


def test_axe_finds_no_serious_or_critical_violations(scan):
    problems = {state: serious(v) for state, v in scan.axe.items()}
    for state, violations in scan.axe.items():
        if violations:
            print(f"axe, {state} (all impacts):\n{describe_violations(violations)}")
    assert set(scan.axe) == {"open", "mid-scan", "result"}
    assert not any(problems.values()), "\n".join(f"{s}:\n{describe_violations(v)}" for s, v in problems.items() if v)


def test_screenshots_were_saved(scan):
    for path in scan.shots.values():
        assert path.exists() and path.stat().st_size > 10_000, path


def test_zz_reload_keeps_the_conversation_and_the_result(scan):
    w = scan.w
    before = w.log_text()
    w.reload()
    assert w.session_id() == scan.session_id
    assert w.is_open(), "the panel was open before the reload"
    after = w.log_text()
    assert "Resultaat van de scan" in after
    first_question = norm(bot_texts(scan.turns[0]["reply"])[-1])
    assert first_question in after and first_question in before
    assert w.page.locator("coalitiecoach-widget [role=log] .cc-card").count() == 1
    assert w.page.locator("coalitiecoach-widget .cc-footer a.cc-report-link").is_visible()
    assert w.page.locator("coalitiecoach-widget .cc-choice").count() == len(buttons(scan.result_reply))
