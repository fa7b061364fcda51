/*!
 * Coalitiecoach web chat widget. Embed with one tag:
 *
 *   <script src="https://<gateway>/static/widget.js" data-gateway="https://<gateway>"
 *           data-title="Coalitiecoach" data-color="#01689b" defer></script>
 *
 * data-gateway  base URL of the gateway (default: the origin this script was loaded from)
 * data-title    name shown on the launcher and the panel (default "Coalitiecoach")
 * data-color    accent colour, #rgb or #rrggbb (default #01689b); darkened when needed so that
 *               white text on it and the colour on white keep a contrast of at least 4.5:1
 *
 * Any element of the host page with the attribute data-coalitiecoach-open opens the panel.
 * A page on another origin than the gateway must be listed in the gateway's CORS_ORIGINS.
 *
 * Vanilla JavaScript, no dependencies. The widget lives in a shadow root, so the host page's
 * CSS does not reach it; its styles are in widget.css next to this file. Bot and user text is
 * only ever put in the page as text (textContent), never as HTML.
 */
(function () {
  "use strict";

  if (window.__coalitiecoachWidget) { return; }
  window.__coalitiecoachWidget = true;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  var scriptSrc = script && script.src ? script.src : window.location.href;
  var DEFAULT_COLOR = "#01689b";
  var MAX_ENTRIES = 300;
  var GREETING = "Hallo";
  // Bot texts that the result card shows in full (actions/result.py, bot/domain/diagnosis.yml):
  // in a reply that carries the diagnosis, these are replaced by the card instead of repeated.
  var RESULT_SUMMARY = /^(Scores \(|Fase:|De fase kan ik niet bepalen|Rol van de gemeente:|Let op:|Volgende stappen:)/;
  var DIMENSION_LABELS = {
    urgentiebesef: "Urgentiebesef en doelconsensus",
    vertrouwen: "Vertrouwen",
    omvang: "Omvang en diversiteit",
    commitment: "Commitment"
  };

  function attr(name, fallback) {
    var value = script && script.getAttribute(name);
    return value && value.trim() ? value.trim() : fallback;
  }

  // The gateway's base URL: data-gateway (http or https only), else the origin of this script.
  var gateway;
  try {
    var given = attr("data-gateway", "") ? new URL(attr("data-gateway", ""), window.location.href) : null;
    gateway = given && /^https?:$/.test(given.protocol) ? given.href.replace(/[?#].*$/, "")
      : new URL(scriptSrc, window.location.href).origin;
  } catch (e) {
    gateway = window.location.origin;
  }
  gateway = gateway.replace(/\/+$/, "");
  var title = attr("data-title", "Coalitiecoach");
  var cssUrl = new URL("widget.css", scriptSrc).href;
  var storePrefix = "coalitiecoach:v1:" + gateway + ":";

  // ---- colour: keep ≥ 4.5:1 for white on the accent and the accent on white ----------------
  function parseHex(value) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value || "");
    if (!m) { return null; }
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, "$1$1") : m[1];
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
  }
  function luminance(rgb) {
    var c = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function contrastWithWhite(rgb) { return 1.05 / (luminance(rgb) + 0.05); }
  function hex(rgb) { return "#" + rgb.map(function (v) { return ("0" + Math.round(v).toString(16)).slice(-2); }).join(""); }
  function accentColours(value) {
    var rgb = parseHex(value) || parseHex(DEFAULT_COLOR);
    for (var i = 0; i < 40 && contrastWithWhite(rgb) < 4.6; i++) {
      rgb = rgb.map(function (v) { return v * 0.9; });
    }
    var tint = rgb.map(function (v) { return 255 - (255 - v) * 0.1; });
    return { accent: hex(rgb), tint: hex(tint) };
  }
  var colours = accentColours(attr("data-color", DEFAULT_COLOR));

  // ---- storage: the session id and the conversation survive a reload ------------------------
  var memory = {};
  function store(kind) {
    try { var s = window[kind]; s.setItem(storePrefix + "probe", "1"); s.removeItem(storePrefix + "probe"); return s; } catch (e) { return null; }
  }
  var local = store("localStorage");
  var perTab = store("sessionStorage");
  function getItem(s, key) { try { return s ? s.getItem(storePrefix + key) : (memory[key] || null); } catch (e) { return memory[key] || null; } }
  function setItem(s, key, value) {
    try { if (s) { s.setItem(storePrefix + key, value); return; } } catch (e) { /* full or blocked */ }
    memory[key] = value;
  }
  function removeItem(s, key) { try { if (s) { s.removeItem(storePrefix + key); } } catch (e) { /* blocked */ } delete memory[key]; }

  var state = {
    sessionId: getItem(local, "session"),
    entries: [],
    busy: false,
    open: false,
    reportReady: false,
    returnFocus: null
  };
  try { state.entries = JSON.parse(getItem(local, "log") || "[]"); } catch (e) { state.entries = []; }
  if (!Array.isArray(state.entries)) { state.entries = []; }

  function saveSession(id) {
    state.sessionId = id;
    if (id) { setItem(local, "session", id); } else { removeItem(local, "session"); }
  }
  function saveEntries() {
    if (state.entries.length > MAX_ENTRIES) { state.entries = state.entries.slice(-MAX_ENTRIES); }
    setItem(local, "log", JSON.stringify(state.entries));
  }

  // ---- DOM helpers (text only, never innerHTML) ----------------------------------------------
  var uid = 0;
  function nextId(prefix) { uid += 1; return "cc-" + prefix + "-" + uid; }
  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function srOnly(text) { return el("span", "cc-sr-only", text); }

  // Bot text as paragraphs, keeping line breaks; lines starting with "• " become a list, lines
  // starting with "1. ", "2. " … a numbered list.
  function appendText(parent, text) {
    var lines = String(text).split(/\r?\n/);
    var list = null, listKind = null, para = null;
    lines.forEach(function (line) {
      var bullet = /^\s*[•\-\*]\s+(.*)$/.exec(line);
      var numbered = /^\s*(\d+)[.)]\s+(.*)$/.exec(line);
      if (bullet || numbered) {
        var kind = bullet ? "ul" : "ol";
        if (!list || listKind !== kind) {
          list = el(kind, "cc-list"); listKind = kind; parent.appendChild(list);
          if (numbered && numbered[1] !== "1") { list.setAttribute("start", numbered[1]); }
        }
        list.appendChild(el("li", null, bullet ? bullet[1] : numbered[2]));
        para = null;
        return;
      }
      list = null; listKind = null;
      if (!line.trim()) { para = null; return; }
      if (para) { para.appendChild(document.createElement("br")); para.appendChild(document.createTextNode(line)); }
      else { para = el("p", "cc-p", line); parent.appendChild(para); }
    });
  }

  // One decimal with a Dutch comma, rounded like the bot's and the report's text (Python's
  // format): toFixed rounds the exact binary value like Python does, except at an exact tie
  // (only quarters such as 2.25 are exactly halfway), where Python rounds to even: "2,2".
  function formatScore(score) {
    if (typeof score !== "number" || !isFinite(score)) { return "onbekend"; }
    var value = score;
    if (Number.isInteger(score * 4) && !Number.isInteger(score * 2)) {
      var tenths = Math.floor(score * 10);
      value = (tenths % 2 === 0 ? tenths : tenths + 1) / 10;
    }
    return value.toFixed(1).replace(".", ",");
  }
  function percent(x) { return typeof x === "number" ? Math.round(x * 100) + "%" : ""; }
  function capitalise(s) { s = String(s || ""); return s.charAt(0).toUpperCase() + s.slice(1); }

  function sourceLabel(source) {
    if (!source || typeof source !== "object") { return typeof source === "string" ? source : ""; }
    if (source.label) { return String(source.label); }
    var out = String(source.document || "");
    if (source.section) { out += ", " + (/^\d/.test(source.section) ? "§" : "") + source.section; }
    if (source.detail) { out += " (" + source.detail + ")"; }
    return out;
  }

  // ---- build the widget ------------------------------------------------------------------------
  var host = document.createElement("coalitiecoach-widget");
  host.setAttribute("lang", "nl");
  var shadow = host.attachShadow({ mode: "open" });

  var early = el("style");
  early.textContent = ":host{all:initial !important;}.cc-root{visibility:hidden}";
  var link = el("link");
  link.rel = "stylesheet";
  link.href = cssUrl;
  shadow.appendChild(early);
  shadow.appendChild(link);

  var root = el("div", "cc-root");
  root.setAttribute("lang", "nl");
  root.style.setProperty("--cc-accent", colours.accent);
  root.style.setProperty("--cc-tint", colours.tint);
  link.addEventListener("error", function () { root.style.visibility = "visible"; });
  shadow.appendChild(root);

  var panelId = nextId("panel");
  var launcher = el("button", "cc-launcher");
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", panelId);
  var launcherIcon = el("span", "cc-launcher-icon");
  launcherIcon.setAttribute("aria-hidden", "true");
  launcherIcon.appendChild(chatIcon());
  launcher.appendChild(launcherIcon);
  var launcherText = el("span", "cc-launcher-text", title);
  launcher.appendChild(launcherText);
  launcher.appendChild(srOnly(" – chatvenster"));

  var panel = el("section", "cc-panel");
  panel.id = panelId;
  panel.hidden = true;
  var titleId = nextId("title");
  panel.setAttribute("aria-labelledby", titleId);

  var header = el("div", "cc-header");
  var heading = el("h2", "cc-title", title);
  heading.id = titleId;
  var restartButton = el("button", "cc-header-button", "Nieuw gesprek");
  restartButton.type = "button";
  var closeButton = el("button", "cc-header-button cc-close");
  closeButton.type = "button";
  closeButton.setAttribute("aria-label", "Sluit " + title);
  var closeMark = el("span", null, "×");
  closeMark.setAttribute("aria-hidden", "true");
  closeButton.appendChild(closeMark);
  var actions = el("div", "cc-header-actions");
  actions.appendChild(restartButton);
  actions.appendChild(closeButton);
  header.appendChild(heading);
  header.appendChild(actions);

  var progressWrap = el("div", "cc-progress");
  progressWrap.hidden = true;
  var progressLabelId = nextId("progress-label");
  var progressLabel = el("span", "cc-progress-label", "");
  progressLabel.id = progressLabelId;
  var progressBar = el("progress", "cc-progress-bar");
  progressBar.setAttribute("aria-labelledby", progressLabelId);
  progressBar.max = 1;
  progressBar.value = 0;
  progressWrap.appendChild(progressLabel);
  progressWrap.appendChild(progressBar);

  var log = el("div", "cc-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.setAttribute("aria-label", "Gesprek met " + title);
  log.tabIndex = 0;

  var status = el("p", "cc-status", "");

  var form = el("form", "cc-composer");
  form.noValidate = true;
  var inputId = nextId("input");
  var hintId = nextId("hint");
  var label = el("label", "cc-sr-only", "Uw bericht aan " + title);
  label.htmlFor = inputId;
  var input = el("textarea", "cc-input");
  input.id = inputId;
  input.rows = 2;
  input.setAttribute("autocomplete", "off");
  input.setAttribute("aria-describedby", hintId);
  input.placeholder = "Typ uw antwoord of vraag";
  var hint = el("span", "cc-sr-only", "Enter verstuurt, Shift+Enter begint een nieuwe regel.");
  hint.id = hintId;
  var sendButton = el("button", "cc-send", "Verstuur");
  sendButton.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(hint);
  form.appendChild(sendButton);

  var footer = el("div", "cc-footer");
  var reportLink = el("a", "cc-report-link");
  reportLink.target = "_blank";
  reportLink.rel = "noopener";
  reportLink.appendChild(document.createTextNode("Rapport van de scan"));
  reportLink.appendChild(srOnly(" (opent in een nieuw tabblad)"));
  reportLink.hidden = true;
  var privacy = el("p", "cc-privacy", "Uw antwoorden blijven op de server van uw eigen organisatie.");
  footer.appendChild(reportLink);
  footer.appendChild(privacy);

  panel.appendChild(header);
  panel.appendChild(progressWrap);
  panel.appendChild(log);
  panel.appendChild(status);
  panel.appendChild(form);
  panel.appendChild(footer);

  root.appendChild(launcher);
  root.appendChild(panel);

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z");
    svg.appendChild(path);
    return svg;
  }

  // ---- rendering -------------------------------------------------------------------------------
  function scrollToNew(first) {
    if (!first) { return; }
    var top = first.offsetTop;
    if (log.scrollHeight - top > log.clientHeight) { log.scrollTop = Math.max(0, top - 8); }
    else { log.scrollTop = log.scrollHeight; }
  }

  function addNote(kind, text) {
    var p = el("p", "cc-note cc-" + kind, text);
    log.appendChild(p);
    return p;
  }

  function addUser(text) {
    var div = el("div", "cc-msg cc-user");
    div.appendChild(srOnly("U: "));
    appendText(div, text);
    log.appendChild(div);
    return div;
  }

  function addBot(text) {
    var div = el("div", "cc-msg cc-bot");
    div.id = nextId("msg");
    div.appendChild(srOnly(title + ": "));
    appendText(div, text);
    log.appendChild(div);
    return div;
  }

  function addSources(bubble, sources) {
    var list = sources.filter(function (s) { return s && (s.label || s.document); });
    if (!list.length) { return null; }
    // The text may end with "(Bron: <label>)"; the sources below say it, so drop that tail.
    var lastP = bubble && bubble.querySelector(".cc-p:last-of-type");
    if (lastP && lastP.lastChild && lastP.lastChild.nodeType === 3) {
      list.forEach(function (s) {
        var tail = " (Bron: " + sourceLabel(s) + ")";
        var t = lastP.lastChild.nodeValue;
        if (t.slice(-tail.length) === tail) { lastP.lastChild.nodeValue = t.slice(0, -tail.length); }
      });
    }
    var box = el("div", "cc-sources");
    function item(tag, s) {
      var node = el(tag, null, sourceLabel(s));
      if (s.basis === "inference") { node.appendChild(document.createTextNode(" (naar onze inschatting)")); }
      return node;
    }
    if (list.length === 1) {
      var p = el("p", "cc-sources-one");
      p.appendChild(el("span", "cc-sources-title", "Bron: "));
      p.appendChild(item("span", list[0]));
      box.appendChild(p);
    } else {
      box.appendChild(el("p", "cc-sources-title", "Bronnen:"));
      var ul = el("ul", "cc-sources-list");
      list.forEach(function (s) { ul.appendChild(item("li", s)); });
      box.appendChild(ul);
    }
    (bubble || log).appendChild(box);
    return box;
  }

  function addChoices(buttons, labelledBy, live) {
    var group = el("div", "cc-choices");
    group.setAttribute("role", "group");
    if (labelledBy) { group.setAttribute("aria-labelledby", labelledBy); }
    else { group.setAttribute("aria-label", "Antwoordmogelijkheden"); }
    buttons.forEach(function (b) {
      var button = el("button", "cc-choice", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        if (state.busy || button.getAttribute("aria-disabled") === "true") { return; }
        send({ payload: b.payload }, b.title, { fromChoice: true });
      });
      group.appendChild(button);
    });
    if (!live) { group.hidden = true; }
    log.appendChild(group);
    return group;
  }

  function removeChoices() {
    var groups = log.querySelectorAll(".cc-choices");
    for (var i = 0; i < groups.length; i++) { groups[i].parentNode.removeChild(groups[i]); }
  }

  function setChoicesDisabled(value) {
    var buttons = log.querySelectorAll(".cc-choice");
    for (var i = 0; i < buttons.length; i++) {
      if (value) { buttons[i].setAttribute("aria-disabled", "true"); } else { buttons[i].removeAttribute("aria-disabled"); }
    }
  }

  function showProgress(custom) {
    if (!custom || typeof custom.answered !== "number" || typeof custom.total !== "number" || custom.total <= 0) {
      progressWrap.hidden = true;
      return;
    }
    var current = Math.min(custom.answered + 1, custom.total);
    progressLabel.textContent = "Vraag " + current + " van " + custom.total;
    progressBar.max = custom.total;
    progressBar.value = Math.min(custom.answered, custom.total);
    progressBar.textContent = custom.answered + " van " + custom.total + " beantwoord";
    progressWrap.hidden = false;
  }

  function updateReportLink() {
    reportLink.hidden = !(state.reportReady && state.sessionId);
    if (state.sessionId) { reportLink.href = reportUrl(); }
  }
  function reportUrl() { return gateway + "/api/v1/sessions/" + encodeURIComponent(state.sessionId || "") + "/report"; }

  // Source labels for the advice, read from the bot's own "Volgende stappen" text when the
  // result does not carry them: "N. <text> (Bron: <label>)".
  function adviceLabels(result, texts) {
    var lines = [];
    texts.forEach(function (t) { lines = lines.concat(String(t).split(/\r?\n/)); });
    return (result.advice || []).map(function (a) {
      if (!a || !a.text) { return null; }
      for (var i = 0; i < lines.length; i++) {
        if (lines[i].indexOf(a.text) !== -1) {
          var m = /\(Bron: (.+)\)\s*$/.exec(lines[i]);
          if (m) { return m[1]; }
        }
      }
      return null;
    });
  }

  function section(parent, headingText) {
    var s = el("div", "cc-card-section");
    s.appendChild(el("h4", "cc-card-heading", headingText));
    parent.appendChild(s);
    return s;
  }

  function addResultCard(result, texts) {
    var card = el("section", "cc-card");
    var h = el("h3", "cc-card-title", "Resultaat van de scan");
    h.id = nextId("card");
    card.setAttribute("aria-labelledby", h.id);
    card.appendChild(h);

    var dims = result.dimensions && typeof result.dimensions === "object" ? result.dimensions : {};
    var ids = Object.keys(dims);
    if (ids.length) {
      var table = el("table", "cc-scores");
      table.appendChild(el("caption", "cc-card-heading", "Scores (van 1 tot 5)"));
      var thead = el("thead");
      var hr = el("tr");
      ["Dimensie", "Score", "Niveau"].forEach(function (t) { var th = el("th", null, t); th.scope = "col"; hr.appendChild(th); });
      thead.appendChild(hr);
      table.appendChild(thead);
      var tbody = el("tbody");
      ids.forEach(function (id) {
        var d = dims[id] || {};
        var tr = el("tr", "cc-dimension");
        tr.setAttribute("data-dimension", id);
        var th = el("th", null, d.label || DIMENSION_LABELS[id] || capitalise(id));
        th.scope = "row";
        tr.appendChild(th);
        var td = el("td", "cc-score");
        td.appendChild(el("span", "cc-score-value", formatScore(d.score)));
        var bar = el("span", "cc-bar");
        bar.setAttribute("aria-hidden", "true");
        var fill = el("span", "cc-bar-fill cc-level-" + (d.level || "onbekend"));
        fill.style.width = (typeof d.score === "number" ? Math.max(0, Math.min(100, (d.score / 5) * 100)) : 0) + "%";
        bar.appendChild(fill);
        td.appendChild(bar);
        tr.appendChild(td);
        var level = el("td", "cc-level", d.level || "onbekend");
        if (typeof d.confidence === "number" && d.confidence < 0.75) {
          level.appendChild(el("span", "cc-muted", " (zekerheid " + percent(d.confidence) + ")"));
        }
        tr.appendChild(level);
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      card.appendChild(table);
    }

    var phase = result.phase || {};
    var ps = section(card, "Fase");
    ps.classList.add("cc-phase");
    if (phase.id && phase.label) {
      var pp = el("p", "cc-p");
      pp.appendChild(el("strong", null, phase.label));
      if (typeof phase.confidence === "number") { pp.appendChild(document.createTextNode(" (zekerheid " + percent(phase.confidence) + ")")); }
      ps.appendChild(pp);
      if (Array.isArray(phase.signals) && phase.signals.length) {
        var sl = el("ul", "cc-list");
        phase.signals.slice(0, 3).forEach(function (s) { sl.appendChild(el("li", null, s)); });
        ps.appendChild(sl);
      }
    } else {
      ps.appendChild(el("p", "cc-p", "De fase is niet te bepalen uit uw antwoorden."));
    }

    var role = result.role || {};
    if (role.label) {
      var rs = section(card, "Rol van de gemeente");
      rs.classList.add("cc-role");
      var rp = el("p", "cc-p");
      rp.appendChild(el("strong", null, role.label));
      if (role.rationale) { rp.appendChild(document.createTextNode(". " + role.rationale)); }
      rs.appendChild(rp);
      var also = Array.isArray(result.also_roles) ? result.also_roles.filter(function (r) { return r && r.label; }) : [];
      if (also.length) {
        rs.appendChild(el("p", "cc-p", "Daarnaast past ook: " + also.map(function (r) { return r.label; }).join(", ") + "."));
      }
    }

    if (Array.isArray(result.advice) && result.advice.length) {
      var as = section(card, "Volgende stappen");
      as.classList.add("cc-steps");
      var labels = adviceLabels(result, texts);
      var ol = el("ol", "cc-list");
      result.advice.forEach(function (a, i) {
        if (!a) { return; }
        var li = el("li", "cc-step");
        if (a.basis === "inference") { li.appendChild(el("em", null, "Naar onze inschatting: ")); }
        li.appendChild(document.createTextNode(a.text || ""));
        var label = (a.source && a.source.label) || labels[i] || sourceLabel(a.source);
        if (label) { li.appendChild(el("span", "cc-step-source", "Bron: " + label)); }
        ol.appendChild(li);
      });
      as.appendChild(ol);
    }

    if (Array.isArray(result.caveats) && result.caveats.length) {
      var cs = section(card, "Let op");
      var cl = el("ul", "cc-list");
      result.caveats.forEach(function (c) { cl.appendChild(el("li", null, c)); });
      cs.appendChild(cl);
    }

    if (state.sessionId) {
      var rp2 = el("p", "cc-p cc-card-report");
      var a = el("a", "cc-report-link");
      a.href = reportUrl();
      a.target = "_blank";
      a.rel = "noopener";
      a.appendChild(document.createTextNode("Open het rapport voor uw volgende overleg"));
      a.appendChild(srOnly(" (opent in een nieuw tabblad)"));
      rp2.appendChild(a);
      card.appendChild(rp2);
    }
    log.appendChild(card);
    return card;
  }

  // One bot reply (the messages of one POST /chat answer). `live` is false when replaying.
  function renderBot(messages, live) {
    var first = null;
    function mark(node) { if (!first) { first = node; } return node; }
    var hasResult = messages.some(function (m) { return m && m.custom && m.custom.type === "diagnosis" && m.custom.result; });
    var summaryTexts = [];
    var lastBubble = null, choices = null, progress = null, sawProgress = false, card = null;
    messages.forEach(function (m) {
      if (!m || typeof m !== "object") { return; }
      var bubble = null;
      if (typeof m.text === "string" && m.text) {
        if (hasResult && RESULT_SUMMARY.test(m.text)) { summaryTexts.push(m.text); }
        else { bubble = lastBubble = mark(addBot(m.text)); }
      }
      if (Array.isArray(m.buttons) && m.buttons.length) {
        choices = { buttons: m.buttons, labelledBy: (bubble || lastBubble) ? (bubble || lastBubble).id : null };
      }
      var c = m.custom;
      if (c && c.type === "progress") { progress = c; sawProgress = true; }
      if (c && c.type === "answer" && Array.isArray(c.sources)) { var s = addSources(lastBubble, c.sources); if (!lastBubble && s) { mark(s); } }
      if (c && c.type === "diagnosis" && c.result && typeof c.result === "object") {
        state.reportReady = true;
        card = mark(addResultCard(c.result, summaryTexts));
      }
    });
    showProgress(sawProgress ? progress : null);
    var group = null;
    if (choices) { group = mark(addChoices(choices.buttons, choices.labelledBy, true)); }
    updateReportLink();
    if (live) { scrollToNew(first); }
    return { first: first, group: group, card: card };
  }

  function renderEntry(entry, live) {
    if (!entry || typeof entry !== "object") { return null; }
    // The choices of the last bot reply stay (disabled while waiting) until the next reply.
    if (entry.t === "user") { return addUser(entry.text); }
    if (entry.t === "bot") { removeChoices(); return renderBot(entry.m || [], live); }
    if (entry.t === "note" || entry.t === "error") { return addNote(entry.t, entry.text); }
    return null;
  }

  function record(entry) {
    state.entries.push(entry);
    saveEntries();
  }

  function replay() {
    log.setAttribute("aria-busy", "true");
    log.textContent = "";
    state.reportReady = false;
    progressWrap.hidden = true;
    state.entries.forEach(function (e) { renderEntry(e, false); });
    if (state.entries.length) {
      addNote("note", "U gaat verder met uw eerdere gesprek. Kies \u201cNieuw gesprek\u201d om opnieuw te beginnen.");
    }
    updateReportLink();
    log.scrollTop = log.scrollHeight;
    log.removeAttribute("aria-busy");
  }

  // ---- talking to the gateway ---------------------------------------------------------------
  function setBusy(value) {
    state.busy = value;
    status.textContent = value ? title + " is aan het typen…" : "";
    if (value) { sendButton.setAttribute("aria-disabled", "true"); } else { sendButton.removeAttribute("aria-disabled"); }
    setChoicesDisabled(value);
  }

  function problemDetail(data, statusCode) {
    if (data && typeof data.detail === "string" && data.detail) { return data.detail; }
    if (statusCode === 429) { return "Het is even te druk. Probeer het over een minuut opnieuw."; }
    return "Er ging iets mis. Probeer het opnieuw.";
  }

  // body: {text} or {payload}; shown: what the user sees as their message (null: nothing)
  function send(body, shown, options) {
    options = options || {};
    if (state.busy) { return; }
    if (shown !== null && shown !== undefined && !options.retry) {
      var entry = { t: "user", text: shown };
      record(entry);
      var node = renderEntry(entry, true);
      scrollToNew(node);
    }
    var payload = {};
    if (body.text !== undefined) { payload.text = body.text; } else { payload.payload = body.payload; }
    if (state.sessionId) { payload.session_id = state.sessionId; }
    setBusy(true);
    fetch(gateway + "/api/v1/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json, application/problem+json" },
      body: JSON.stringify(payload),
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) { return { status: response.status, data: data }; });
    }).then(function (r) {
      setBusy(false);
      var focusWasInChoices = isFocusIn(".cc-choices");
      if (r.status === 200 && r.data && typeof r.data.session_id === "string") {
        if (r.data.session_id !== state.sessionId) { saveSession(r.data.session_id); }
        var entry = { t: "bot", m: Array.isArray(r.data.messages) ? r.data.messages : [] };
        record(entry);
        var rendered = renderEntry(entry, true);
        restoreFocus(focusWasInChoices || options.fromChoice, rendered);
        return;
      }
      if (r.status === 404 && payload.session_id && !options.retry) {
        // The stored conversation is gone (deleted, or a new server): start a new one, with the
        // same text; a button choice belonged to the old conversation, so greet instead.
        clearConversation();
        var note = { t: "note", text: problemDetail(r.data, 404) + " Er begint een nieuw gesprek." };
        record(note);
        renderEntry(note, true);
        var again = body.text !== undefined && body.text !== GREETING;
        if (again && shown !== null && shown !== undefined) {
          var again_entry = { t: "user", text: shown };
          record(again_entry);
          renderEntry(again_entry, true);
        }
        send({ text: again ? body.text : GREETING }, shown, { retry: true, fromChoice: options.fromChoice });
        return;
      }
      var err = { t: "error", text: problemDetail(r.data, r.status) };
      record(err);
      scrollToNew(renderEntry(err, true));
      giveBack(body);
      restoreFocus(false, null);
    }).catch(function () {
      setBusy(false);
      var err = { t: "error", text: "Geen verbinding met de server. Controleer uw netwerk en probeer het opnieuw." };
      record(err);
      scrollToNew(renderEntry(err, true));
      giveBack(body);
      restoreFocus(false, null);
    });
  }

  // A typed message that was not accepted goes back into the empty field, to correct or resend.
  function giveBack(body) {
    if (body.text !== undefined && body.text !== GREETING && !input.value) { input.value = body.text; }
  }

  function isFocusIn(selector) {
    var active = shadow.activeElement;
    return !!(active && active.closest && active.closest(selector));
  }

  // After a button choice, focus goes to the first new choice when the whole reply fits in view,
  // else to the start of the reply (the result card's heading, or the first new message), so
  // that nothing is skipped; after typing, focus stays in the input. Focus is never left on a
  // removed node.
  function restoreFocus(afterChoice, rendered) {
    if (!state.open) { return; }
    var active = shadow.activeElement;
    var lost = !active || !root.contains(active);
    if (!afterChoice && !lost) { return; }
    rendered = rendered || {};
    var firstChoice = rendered.group ? rendered.group.querySelector("button") : null;
    var fits = rendered.first ? log.scrollHeight - rendered.first.offsetTop <= log.clientHeight : true;
    var start = rendered.card ? rendered.card.querySelector(".cc-card-title") : rendered.first;
    if (firstChoice && fits && !rendered.card) {
      firstChoice.focus();
    } else if (start && start !== rendered.group) {
      start.tabIndex = -1;
      start.focus({ preventScroll: true });
      scrollToNew(rendered.first);
    } else {
      input.focus();
    }
  }

  // ---- open, close, restart ---------------------------------------------------------------------
  function openPanel(options) {
    options = options || {};
    if (!state.open) {
      state.open = true;
      panel.hidden = false;
      root.classList.add("cc-open");
      launcher.setAttribute("aria-expanded", "true");
      setItem(perTab, "open", "1");
      log.scrollTop = log.scrollHeight;
    }
    if (options.returnFocus) { state.returnFocus = options.returnFocus; }
    if (options.focus !== false) { input.focus(); }
    if (!state.sessionId && !state.entries.length && !state.busy) {
      send({ text: GREETING }, null);
    }
  }

  function closePanel(returnFocus) {
    if (!state.open) { return; }
    state.open = false;
    panel.hidden = true;
    root.classList.remove("cc-open");
    launcher.setAttribute("aria-expanded", "false");
    removeItem(perTab, "open");
    if (returnFocus !== false) {
      var target = state.returnFocus && document.contains(state.returnFocus) ? state.returnFocus : null;
      state.returnFocus = null;
      if (target) { target.focus(); } else { launcher.focus(); }
    }
  }

  function clearConversation() {
    saveSession(null);
    state.entries = [];
    saveEntries();
    state.reportReady = false;
    log.textContent = "";
    progressWrap.hidden = true;
    updateReportLink();
  }

  function restart() {
    if (state.busy) { return; }
    clearConversation();
    var note = { t: "note", text: "U bent een nieuw gesprek begonnen." };
    record(note);
    renderEntry(note, true);
    input.value = "";
    input.focus();
    send({ text: GREETING }, null);
  }

  launcher.addEventListener("click", function () {
    if (state.open) { closePanel(); } else { openPanel({ returnFocus: null }); }
  });
  closeButton.addEventListener("click", function () { closePanel(); });
  restartButton.addEventListener("click", restart);
  root.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.open && !event.isComposing) {
      event.preventDefault();
      state.returnFocus = null;
      closePanel();
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text || state.busy) { return; }
    input.value = "";
    send({ text: text }, text);
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      if (!state.busy) { form.dispatchEvent(new Event("submit", { cancelable: true })); }
    }
  });
  sendButton.addEventListener("click", function (event) {
    if (sendButton.getAttribute("aria-disabled") === "true") { event.preventDefault(); }
  });

  // Elements of the host page with data-coalitiecoach-open open the panel; focus returns to
  // them when the panel is closed with its close button.
  document.addEventListener("click", function (event) {
    var target = event.target && event.target.closest ? event.target.closest("[data-coalitiecoach-open]") : null;
    if (!target) { return; }
    event.preventDefault();
    openPanel({ returnFocus: target });
  });

  function mount() {
    document.body.appendChild(host);
    replay();
    if (getItem(perTab, "open")) { openPanel({ focus: false }); }
  }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }

  window.Coalitiecoach = {
    open: function () { openPanel(); },
    close: function () { closePanel(false); }
  };
})();
