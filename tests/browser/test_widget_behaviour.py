"""The widget's behaviour one piece at a time, in real Chromium against the real services: keyboard
and focus, reload, restart, errors, XSS, answers with sources, host-page CSS, zoom, motion, colour."""

import re

import pytest

from .conftest import JS_ROOT, Widget, bot_texts, buttons, customs, describe_violations, norm, serious

LAUNCHER = "cc-launcher"


def luminance(rgb):
    def channel(v):
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b):
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgb(css):
    return tuple(int(x) for x in re.findall(r"\d+", css)[:3])


def start_scan_by_typing(w):
    w.open_with_keyboard()
    reply = w.type_message("Ik wil de scan van onze coalitie doen")
    assert "Vraag 1 van" in " ".join(bot_texts(reply)), reply
    return reply


# ---- keyboard and focus ---------------------------------------------------------------------

def test_escape_closes_the_panel_and_returns_focus_to_the_launcher(widget):
    widget.open_with_keyboard()
    assert widget.is_open()
    assert widget.launcher.get_attribute("aria-expanded") == "true"
    assert widget.active()["tag"] == "textarea"
    widget.page.keyboard.press("Shift+Tab")  # Escape works from anywhere in the panel
    widget.page.keyboard.press("Escape")
    assert not widget.is_open()
    active = widget.active()
    assert active["where"] == "widget" and LAUNCHER in active["cls"], active
    assert widget.launcher.get_attribute("aria-expanded") == "false"
    widget.page.keyboard.press("Enter")
    assert widget.is_open() and widget.active()["tag"] == "textarea"


def test_tab_order_in_the_panel_is_header_conversation_choices_field_send(widget):
    widget.open_with_keyboard()
    widget.focus_by_keyboard("e => e.classList.contains('cc-header-button') && e.textContent === 'Nieuw gesprek'",
                             "the restart button")
    stops = []
    for _ in range(12):
        a = widget.active()
        if a["where"] != "widget":
            break
        stops.append(a["label"] or a["text"] or a["tag"])
        widget.page.keyboard.press("Tab")
    greeting_buttons = buttons(widget.replies[-1])
    assert greeting_buttons
    assert stops == ["Nieuw gesprek", "Sluit Coalitiecoach", "Gesprek met Coalitiecoach", *greeting_buttons,
                     "textarea", "Verstuur"], stops


def test_every_control_has_an_accessible_name_and_the_input_a_label(widget):
    widget.open_with_keyboard()
    names = widget.page.evaluate(f"""() => {{
      const root = {JS_ROOT};
      return [...root.querySelectorAll('button')].filter(b => b.offsetParent !== null)
        .map(b => (b.getAttribute('aria-label') || b.innerText).trim());
    }}""")
    assert names and all(names), names
    label = widget.page.evaluate(f"""() => {{
      const root = {JS_ROOT}, input = root.querySelector('textarea');
      const label = root.querySelector('label[for="' + input.id + '"]');
      return label ? label.textContent : null;
    }}""")
    assert label and "bericht" in label
    assert widget.page.get_by_role("textbox", name=re.compile("Uw bericht")).count() == 1


def test_focus_is_visible_on_every_control(widget):
    widget.open_with_keyboard()
    widget.focus_by_keyboard("e => e.classList.contains('cc-header-button') && e.textContent === 'Nieuw gesprek'",
                             "the restart button")
    for _ in range(8):
        a = widget.active()
        if a["where"] != "widget":
            break
        style = widget.page.evaluate(f"""() => {{
          const e = {JS_ROOT}.activeElement, s = getComputedStyle(e);
          return {{style: s.outlineStyle, width: parseFloat(s.outlineWidth)}};
        }}""")
        assert style["style"] != "none" and style["width"] >= 2, (a, style)
        widget.page.keyboard.press("Tab")


def test_a_page_button_with_data_coalitiecoach_open_opens_the_widget(widget):
    widget.page.get_by_role("button", name="Open de Coalitiecoach").focus()
    with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        widget.page.keyboard.press("Enter")
    widget.wait_idle()
    assert widget.is_open() and widget.active()["tag"] == "textarea"
    widget.focus_by_keyboard("e => e.classList.contains('cc-close')", "the close button")
    widget.page.keyboard.press("Enter")
    assert not widget.is_open()
    assert widget.page.evaluate("() => document.activeElement.textContent") == "Open de Coalitiecoach"


# ---- conversation ------------------------------------------------------------------------------

def test_reload_in_the_middle_of_the_scan_keeps_the_conversation_and_the_session(widget):
    start_scan_by_typing(widget)
    widget.choose("Nauwelijks")
    reply = widget.choose("Gedeeltelijk")
    assert "Vraag 3 van" in " ".join(bot_texts(reply))
    session, before = widget.session_id(), widget.log_text()
    widget.reload()
    assert widget.is_open()
    assert widget.session_id() == session
    after = widget.log_text()
    assert after.startswith(before), (before[-200:], after[-300:])
    assert "U gaat verder met uw eerdere gesprek" in after
    assert norm(widget.page.locator("coalitiecoach-widget .cc-progress-label").text_content()) == "Vraag 3 van 27"
    reply = widget.choose("Grotendeels")  # the buttons of the last question are back and work
    assert "Vraag 4 van" in " ".join(bot_texts(reply)) and reply["body"]["session_id"] == session


def test_restart_starts_a_new_conversation(widget):
    start_scan_by_typing(widget)
    old = widget.session_id()
    widget.focus_by_keyboard("e => e.textContent === 'Nieuw gesprek'", "the restart button")
    with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
        widget.page.keyboard.press("Enter")
    widget.wait_idle()
    assert widget.session_id() not in (None, old)
    text = widget.log_text()
    assert "Vraag 1 van" not in text and "nieuw gesprek begonnen" in text
    assert bot_texts(widget.replies[-1])[0] in text  # the greeting of the new session
    assert not widget.page.locator("coalitiecoach-widget .cc-progress").is_visible()
    assert widget.active()["tag"] == "textarea"


def test_an_answer_shows_its_sources_under_the_text(widget):
    widget.open_with_keyboard()
    reply = widget.type_message("Wat is de netwerkdip?")
    sources = customs(reply, "answer")
    assert sources and sources[0]["sources"], reply
    label = sources[0]["sources"][0]["label"]
    box = widget.page.locator("coalitiecoach-widget [role=log] .cc-bot .cc-sources").last
    assert box.is_visible()
    assert label in norm(box.text_content())
    bubble = norm(widget.page.locator("coalitiecoach-widget [role=log] .cc-bot").last.text_content())
    assert bubble.count(label) == 1, "the source is shown once, under the answer"
    assert "netwerkdip" in bubble.lower()


def test_user_and_bot_text_is_shown_as_text_never_as_html(widget):
    widget.open_with_keyboard()
    evil = '<img src=x onerror="window.__xss=1"><b>vet</b>\nregel twee'
    widget.type_message(evil.split("\n")[0])
    widget.focus_by_keyboard("e => e.tagName === 'TEXTAREA'", "the message field")
    widget.page.keyboard.type("eerste regel")
    widget.page.keyboard.press("Shift+Enter")  # a new line, not sending
    widget.page.keyboard.type("tweede regel")
    assert widget.page.evaluate(f"() => {JS_ROOT}.querySelector('textarea').value") == "eerste regel\ntweede regel"
    widget._send_with("Enter")
    assert widget.page.evaluate("() => window.__xss") is None
    counts = widget.page.evaluate(f"() => [{JS_ROOT}.querySelectorAll('[role=log] img, [role=log] b').length]")
    assert counts == [0]
    users = widget.page.locator("coalitiecoach-widget .cc-user")
    assert '<img src=x onerror="window.__xss=1"><b>vet</b>' in users.nth(0).text_content()
    assert users.nth(1).locator("br").count() == 1  # the line break is kept


def test_a_problem_detail_is_shown_in_dutch_and_the_text_is_given_back(widget):
    widget.open_with_keyboard()
    too_long = "Wij hebben een coalitie. " * 100  # 2400 characters; the gateway takes 2000
    widget.page.locator("coalitiecoach-widget textarea").fill(too_long)
    reply = widget._send_with("Enter")
    assert reply["status"] == 422
    detail = reply["body"]["detail"]
    error = widget.page.locator("coalitiecoach-widget [role=log] .cc-error").last
    assert error.is_visible() and norm(error.text_content()) == detail and "te lang" in detail
    assert widget.page.locator("coalitiecoach-widget textarea").input_value() == too_long.strip()


def test_an_unknown_stored_session_starts_a_new_one(widget):
    widget.open_with_keyboard()
    widget.page.evaluate("""() => {
      for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (k.endsWith(':session')) localStorage.setItem(k, 'een-gesprek-dat-niet-bestaat');
      }
    }""")
    widget.reload()
    assert widget.session_id() == "een-gesprek-dat-niet-bestaat"
    widget.focus_by_keyboard("e => e.tagName === 'TEXTAREA'", "the message field")
    widget.page.keyboard.type("Wat is de netwerkdip?")
    with widget.page.expect_response(lambda r: r.url.endswith("/api/v1/chat") and r.status == 200):
        widget.page.keyboard.press("Enter")
    widget.wait_idle()
    assert [r["status"] for r in widget.replies[-2:]] == [404, 200]
    new = widget.session_id()
    assert new and new != "een-gesprek-dat-niet-bestaat" and new == widget.replies[-1]["body"]["session_id"]
    text = widget.log_text()
    assert widget.replies[-2]["body"]["detail"] in text and "Er begint een nieuw gesprek" in text
    assert "netwerkdip" in norm(widget.page.locator("coalitiecoach-widget .cc-bot").last.text_content()).lower()


# ---- look: host CSS, zoom, motion, colour, language ---------------------------------------------

def test_the_host_pages_css_does_not_reach_the_widget(widget):
    widget.open_with_keyboard()
    probe = f"""() => {{
      const root = {JS_ROOT};
      const s = e => getComputedStyle(root.querySelector(e));
      return {{choice: [s('.cc-choice').textTransform, s('.cc-choice').fontFamily, s('.cc-choice').letterSpacing],
               text: [s('.cc-bot').color, s('.cc-bot').fontSize, s('.cc-bot .cc-p').marginBottom]}};
    }}"""
    before = widget.page.evaluate(probe)
    assert before["choice"][0] == "none" and "Verdana" not in before["choice"][1]
    widget.page.add_style_tag(content="* { color: red !important; font: 40px/5 serif !important; "
                                      "text-transform: uppercase !important; margin: 3em !important; } "
                                      "coalitiecoach-widget { display: none !important; }")
    assert widget.page.evaluate(probe) == before
    assert widget.is_open() and widget.launcher.is_visible()


@pytest.mark.parametrize("width,height,name", [(640, 400, "widget-zoom-200.png"), (320, 568, "widget-320px.png")])
def test_reflow_at_200_percent_zoom_and_320_css_pixels(context, base_url, artifacts, width, height, name):
    # 1280x800 at 200 % zoom is a 640x400 CSS-pixel viewport; 320 CSS px is WCAG's reflow width
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    w = Widget(page, base_url)
    w.goto()
    w.open_with_keyboard()
    w.type_message("Ik wil de scan van onze coalitie doen")
    geometry = page.evaluate(f"""() => {{
      const root = {JS_ROOT};
      const r = e => root.querySelector(e).getBoundingClientRect();
      const inView = b => b.left >= 0 && b.top >= 0 && b.right <= innerWidth + 0.5 && b.bottom <= innerHeight + 0.5;
      const log = root.querySelector('.cc-log'), panel = root.querySelector('.cc-panel');
      return {{panel: inView(r('.cc-panel')), input: inView(r('.cc-input')), send: inView(r('.cc-send')),
               close: inView(r('.cc-close')), restart: inView(r('.cc-header-button')),
               sideways: log.scrollWidth - log.clientWidth, panelSideways: panel.scrollWidth - panel.clientWidth,
               logHeight: log.clientHeight, choiceWidth: r('.cc-choice').right <= r('.cc-log').right + 0.5}};
    }}""")
    w.screenshot(artifacts / name)
    assert geometry["panel"] and geometry["input"] and geometry["send"] and geometry["close"] and geometry["restart"]
    assert geometry["sideways"] <= 0 and geometry["panelSideways"] <= 0, geometry
    assert geometry["logHeight"] >= 80 and geometry["choiceWidth"], geometry
    violations = serious(w.axe(f"{width}x{height}"))
    assert not violations, describe_violations(violations)


def test_no_animation_or_transition_anywhere(widget):
    widget.open_with_keyboard()
    moving = widget.page.evaluate(f"""() => [...{JS_ROOT}.querySelectorAll('*')].filter(e => {{
      const s = getComputedStyle(e);
      return s.animationName !== 'none' || s.transitionDuration.split(',').some(d => parseFloat(d) > 0);
    }}).map(e => e.className)""")
    assert moving == []
    assert widget.page.evaluate(f"() => getComputedStyle({JS_ROOT}.querySelector('.cc-log')).scrollBehavior") == "auto"


def test_the_widget_is_dutch(widget):
    assert widget.page.evaluate("() => document.querySelector('coalitiecoach-widget').getAttribute('lang')") == "nl"
    assert widget.root.get_attribute("lang") == "nl"


def test_text_contrast_is_at_least_4_5_to_1(widget):
    widget.open_with_keyboard()
    widget.type_message("Hallo")
    pairs = widget.page.evaluate(f"""() => {{
      const root = {JS_ROOT};
      const pick = (sel, bgSel) => {{ const e = root.querySelector(sel), b = root.querySelector(bgSel || sel);
        return [sel, getComputedStyle(e).color, getComputedStyle(b).backgroundColor]; }};
      return [pick('.cc-launcher'), pick('.cc-send'), pick('.cc-title', '.cc-header'), pick('.cc-choice'),
              pick('.cc-bot'), pick('.cc-privacy', '.cc-panel'), pick('.cc-user', '.cc-user')];
    }}""")
    for selector, fg, bg in pairs:
        assert contrast(rgb(fg), rgb(bg)) >= 4.5, (selector, fg, bg)


def test_a_light_brand_colour_is_darkened_to_keep_contrast(context, base_url):
    page = context.new_page()
    html = ('<!doctype html><html lang="nl"><head><title>Kleurtest</title></head><body><main><h1>Kleurtest</h1></main>'
            f'<script src="{base_url}/static/widget.js" data-gateway="{base_url}" data-title="Buurtcoach" '
            'data-color="#7fd1ff" defer></script></body></html>')
    page.route(f"{base_url}/kleurtest", lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
    w = Widget(page, base_url)
    w.goto("/kleurtest")
    launcher = w.page.evaluate(f"() => [getComputedStyle({JS_ROOT}.querySelector('.cc-launcher')).backgroundColor, "
                               f"{JS_ROOT}.querySelector('.cc-launcher').innerText]")
    assert contrast(rgb(launcher[0]), (255, 255, 255)) >= 4.5, launcher
    assert "Buurtcoach" in launcher[1]
    w.open_with_keyboard()  # data-gateway is where the widget talks to
    assert w.replies and w.replies[-1]["status"] == 200 and bot_texts(w.replies[-1])


def test_axe_sees_inside_the_widget(widget):
    """The axe check can fail: a control without a name and grey-on-grey text put in the widget
    are reported."""
    widget.open_with_keyboard()
    widget.page.evaluate(f"""() => {{
      const log = {JS_ROOT}.querySelector('[role=log]');
      const b = document.createElement('button'); b.className = 'cc-broken'; log.appendChild(b);
      const p = document.createElement('p'); p.textContent = 'Nauwelijks leesbaar';
      p.style.color = '#bbbbbb'; p.style.background = '#ffffff'; log.appendChild(p);
    }}""")
    ids = {v["id"] for v in serious(widget.axe("broken"))}
    assert {"button-name", "color-contrast"} <= ids, ids
