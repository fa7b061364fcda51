"""Browser fixtures: Debian's headless Chromium (/usr/bin/chromium) driven by Playwright's sync API,
against the real gateway, Rasa and action server (the `services` fixture in tests/conftest.py).

Playwright cannot download its own browsers here; scripts/test.sh installs Debian's chromium
(scripts/lib.sh: ensure_chromium). axe-core is vendored in vendor/axe.min.js (MPL-2.0).
Screenshots go to tests/artifacts/ (gitignored).
"""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
AXE = HERE / "vendor" / "axe.min.js"
ARTIFACTS = HERE.parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
TIMEOUT_MS = 30_000

# JavaScript run in the page. The widget lives in an open shadow root of <coalitiecoach-widget>.
JS_ROOT = "document.querySelector('coalitiecoach-widget').shadowRoot"
JS_ACTIVE = f"""() => {{
  const host = document.querySelector('coalitiecoach-widget');
  let a = document.activeElement;
  if (a === host) a = host.shadowRoot.activeElement;
  if (!a || a === document.body) return {{where: 'body'}};
  return {{where: host && host.shadowRoot.contains(a) ? 'widget' : 'page', tag: a.tagName.toLowerCase(),
           cls: a.className || '', text: (a.innerText || a.value || '').trim(),
           label: a.getAttribute('aria-label') || '', id: a.id || ''}};
}}"""
# Records the text of every node added to the live region, as a screen reader would get it.
JS_WATCH_LOG = f"""() => {{
  const log = {JS_ROOT}.querySelector('[role=log]');
  window.__liveAdditions = [];
  new MutationObserver(records => {{
    for (const r of records) for (const n of r.addedNodes) {{
      window.__liveAdditions.push((n.textContent || '').replace(/\\s+/g, ' ').trim());
    }}
  }}).observe(log, {{childList: true, subtree: true, characterData: true}});
}}"""


def norm(text):
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test.sh (it installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL", reduced_motion="reduce")
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def widget(context, base_url):
    page = context.new_page()
    w = Widget(page, base_url)
    w.goto()
    return w


class Widget:
    """The demo page with the widget, driven like a person would (keyboard first)."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url
        self.replies = []  # the JSON bodies of every POST /api/v1/chat answer, in order
        self.errors = []
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("response", self._on_response)

    def _on_response(self, response):
        if response.url.endswith("/api/v1/chat") and response.request.method == "POST":
            try:
                self.replies.append({"status": response.status, "body": response.json()})
            except Exception:  # noqa: BLE001 - a body that is not JSON is recorded as such
                self.replies.append({"status": response.status, "body": None})

    # ---- page and widget --------------------------------------------------------------------
    def goto(self, path="/"):
        self.page.goto(self.base_url + path)
        self.wait_ready()

    def reload(self):
        self.page.reload()
        self.wait_ready()

    def wait_ready(self):
        self.page.wait_for_function(f"() => document.querySelector('coalitiecoach-widget') && "
                                    f"getComputedStyle({JS_ROOT}.querySelector('.cc-root')).visibility === 'visible'")
        self.page.evaluate(JS_WATCH_LOG)

    @property
    def root(self):
        return self.page.locator("coalitiecoach-widget .cc-root")

    @property
    def panel(self):
        return self.page.locator("coalitiecoach-widget .cc-panel")

    @property
    def log(self):
        return self.page.locator("coalitiecoach-widget [role=log]")

    @property
    def launcher(self):
        return self.page.locator("coalitiecoach-widget .cc-launcher")

    def active(self):
        return self.page.evaluate(JS_ACTIVE)

    def is_open(self):
        return self.panel.is_visible()

    def session_id(self):
        return self.page.evaluate("() => { for (let i = 0; i < localStorage.length; i++) {"
                                  " const k = localStorage.key(i); if (k.endsWith(':session')) return localStorage.getItem(k); }"
                                  " return null; }")

    def live_additions(self):
        return self.page.evaluate("() => window.__liveAdditions.slice()")

    def log_text(self):
        return norm(self.log.text_content())

    # ---- keyboard -------------------------------------------------------------------------
    def tab_to(self, matches, max_presses=60, backwards=None):
        """Press Tab (or Shift+Tab) until `matches(active)` holds; the list of stops passed."""
        seen = []
        for _ in range(max_presses):
            active = self.active()
            if matches(active):
                return seen
            seen.append(active)
            key = "Shift+Tab" if (backwards(active) if callable(backwards) else backwards) else "Tab"
            self.page.keyboard.press(key)
        raise AssertionError(f"not reachable with the keyboard in {max_presses} presses; passed: {seen[-12:]}")

    def open_with_keyboard(self):
        stops = self.tab_to(lambda a: a.get("where") == "widget" and "cc-launcher" in a.get("cls", ""))
        if self.session_id() is None and not self.log_text():  # a first visit: the widget greets
            with self.page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
                self.page.keyboard.press("Enter")
        else:
            self.page.keyboard.press("Enter")
        self.wait_idle()
        return stops

    def _position(self, predicate_js):
        """-1 when the element matching predicate_js comes before the focused one, 1 after, 0 same."""
        return self.page.evaluate(f"""() => {{
          const root = {JS_ROOT};
          const target = [...root.querySelectorAll('button, textarea, a[href], [tabindex]')].find({predicate_js});
          if (!target) return null;
          const a = root.activeElement;
          if (!a) return 1;
          if (a === target) return 0;
          return (a.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING) ? 1 : -1;
        }}""")

    def focus_by_keyboard(self, predicate_js, describe, max_presses=40):
        for _ in range(max_presses):
            pos = self._position(predicate_js)
            assert pos is not None, f"{describe} is not in the widget"
            if pos == 0:
                return
            self.page.keyboard.press("Tab" if pos > 0 else "Shift+Tab")
        raise AssertionError(f"{describe} not reachable with Tab/Shift+Tab")

    def choose(self, title):
        """Reach the answer button `title` with Tab/Shift+Tab and press Enter."""
        predicate = f"e => e.classList.contains('cc-choice') && e.textContent.trim() === {json.dumps(title)}"
        self.focus_by_keyboard(predicate, f"button {title!r}")
        assert self.active()["text"] == title
        return self._send_with("Enter")

    def type_message(self, text):
        """Reach the message field with Tab/Shift+Tab, type, and press Enter."""
        self.focus_by_keyboard("e => e.tagName === 'TEXTAREA'", "the message field")
        self.page.keyboard.type(text)
        return self._send_with("Enter")

    def _send_with(self, key):
        before = len(self.replies)
        with self.page.expect_response(lambda r: r.url.endswith("/api/v1/chat")):
            self.page.keyboard.press(key)
        self.wait_idle()
        assert len(self.replies) > before
        return self.replies[-1]

    def wait_idle(self):
        self.page.wait_for_function(f"() => !{JS_ROOT}.querySelector('.cc-send').hasAttribute('aria-disabled')")

    # ---- checks ---------------------------------------------------------------------------
    def axe(self, context_name):
        """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the whole page; the violations."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=str(AXE))
        return self.page.evaluate("""async () => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                         nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))}));
        }""")

    def screenshot(self, path):
        self.page.screenshot(path=str(path))


def serious(violations):
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe_violations(violations):
    return "\n".join(f"- [{v['impact']}] {v['id']}: {v['help']}\n    " +
                     "\n    ".join(f"{n['target']}: {n['summary']}" for n in v["nodes"][:5])
                     for v in violations)


def bot_texts(reply):
    return [m["text"] for m in (reply["body"] or {}).get("messages", []) if m.get("text")]


def customs(reply, kind):
    return [m["custom"] for m in (reply["body"] or {}).get("messages", []) if (m.get("custom") or {}).get("type") == kind]


def buttons(reply):
    return [b["title"] for m in (reply["body"] or {}).get("messages", []) for b in (m.get("buttons") or [])]
