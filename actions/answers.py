"""Answers for procesbegeleiders: free questions, "wat moeten we doen in deze fase?" and "waarom?".

Every answer comes from a retrieved knowledge item and cites only that item's sources; the reply
carries {"type": "answer", "sources": [...]}. When the search is not confident the bot offers the
closest topics instead of guessing; when nothing fits it says so.
"""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from knowledge import KnowledgeBase, get_knowledge
from knowledge.engine import diagnose
from knowledge.scoring import question_score
from knowledge.search import SEARCHABLE, SearchResult, index_for

from .result import INFERENCE_NOTE, score_text
from .scan_state import ScanState

# Button titles (Dutch UI words, not advice).
MORE, EXAMPLE, START, RESUME = "Vertel meer", "Voorbeeld uit de praktijk", "Start de scan", "Verder met de scan"
# Nested lists shown when the user asks for more, per kind, in this order.
DEEPER = {"phases": ("activities", "tips", "risks"), "roles": ("activities", "pitfalls"),
          "partners": ("pitfalls",), "dimensions": ("strategies",)}
MAX_DEEPER = 4


def topic_payload(kind: str, item_id: str, depth: str = "kort") -> str:
    return "/kennisvraag" + json.dumps({"onderwerp": f"{kind}:{item_id}", "diepte": depth})


def entity(tracker: Tracker, name: str) -> Any:
    return next((e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == name),
                None)


def source_entry(kb: KnowledgeBase, source: dict, basis: str) -> dict:
    return {**source, "label": kb.source_label(source), "basis": basis}


def with_source(kb: KnowledgeBase, text: str, source: dict, basis: str) -> str:
    prefix = INFERENCE_NOTE if basis == "inference" else ""
    return f"{prefix}{text.strip()} (Bron: {kb.source_label(source)})"


def scan_running(tracker: Tracker) -> bool:
    return tracker.active_loop_name == "diagnose_form"


def next_buttons(kb: KnowledgeBase, tracker: Tracker, kind: str, item: dict, depth: str) -> list[dict]:
    """2-3 follow-ups: deeper, a related case, and the scan (start or resume)."""
    buttons = []
    if depth == "kort" and (DEEPER.get(kind) or related_refs(kind, item)):
        buttons.append({"title": MORE, "payload": topic_payload(kind, item["id"], "meer")})
    case = related_case(kb, kind, item["id"])
    if case:
        buttons.append({"title": f"{EXAMPLE}: {case['label']}", "payload": topic_payload("cases", case["id"])})
    if not scan_running(tracker):
        state = ScanState.from_tracker(tracker)
        started = state.started and state.current(kb) is not None
        buttons.append({"title": RESUME if started else START, "payload": "/start_scan"})
    return buttons[:3]


def related_case(kb: KnowledgeBase, kind: str, item_id: str) -> dict | None:
    if kind not in ("phases", "roles"):
        return None
    field = "phases" if kind == "phases" else "roles"
    return next((c for c in kb.items("cases") if item_id in c[field]), None)


def deeper_lines(kb: KnowledgeBase, kind: str, item: dict) -> tuple[list[str], list[dict]]:
    """The item's nested entries (or related items) as lines, with their sources."""
    lines, sources = [], []
    for field in DEEPER.get(kind, ()):
        for entry in item.get(field, [])[: MAX_DEEPER - len(lines)]:
            lines.append("• " + with_source(kb, entry["text"], entry["source"], entry["basis"]))
            sources.append(source_entry(kb, entry["source"], entry["basis"]))
    return lines, sources


def related_refs(kind: str, item: dict) -> list[str]:
    """Ids of the items an item points to: a concept's related items, a case's phases and roles."""
    return item.get("related", []) if kind != "cases" else [*item["phases"], *item["roles"]]


def related_buttons(kb: KnowledgeBase, kind: str, item: dict) -> list[dict]:
    buttons = []
    for ref in related_refs(kind, item):
        for kind in SEARCHABLE:
            if kb.has(kind, ref):
                buttons.append({"title": kb.item(kind, ref)["label"], "payload": topic_payload(kind, ref)})
                break
    return buttons[:3]


def answer_item(dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase, kind: str, item: dict,
                depth: str) -> None:
    if depth == "meer":
        lines, sources = deeper_lines(kb, kind, item)
        if lines:
            dispatcher.utter_message(response="utter_antwoord_meer", topic=item["label"], lines="\n".join(lines),
                                     buttons=next_buttons(kb, tracker, kind, item, depth))
            dispatcher.utter_message(json_message={"type": "answer", "sources": sources})
            return
        buttons = related_buttons(kb, kind, item)
        if buttons:
            dispatcher.utter_message(response="utter_antwoord_verwant", topic=item["label"], buttons=buttons)
            return
    dispatcher.utter_message(text=with_source(kb, short_answer(kind, item), item["source"], item["basis"]),
                             buttons=next_buttons(kb, tracker, kind, item, depth))
    dispatcher.utter_message(json_message={"type": "answer",
                                           "sources": [source_entry(kb, item["source"], item["basis"])]})


def short_answer(kind: str, item: dict) -> str:
    """The answer text of an item. A partner type's text is written to follow its name, and a
    question about a partner is usually "how do I involve them", so both parts are given."""
    if kind == "partners":
        return f"{item['label']}: {item['brings'].strip()} {item.get('involve', '').strip()}".strip()
    return item[SEARCHABLE[kind]]


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        topic = entity(tracker, "onderwerp")
        if topic and ":" in str(topic):
            kind, item_id = str(topic).split(":", 1)
            if kind in SEARCHABLE and kb.has(kind, item_id):
                answer_item(dispatcher, tracker, kb, kind, kb.item(kind, item_id), entity(tracker, "diepte") or "kort")
                return []
        result = index_for(kb).search(tracker.latest_message.get("text") or "")
        if answer_confidently(dispatcher, tracker, kb, result):
            return []
        if result.limit:
            dispatcher.utter_message(response="utter_buiten_bronnen", topic=result.limit["topic"],
                                     ask=result.limit["ask"])
            if result.hits:
                dispatcher.utter_message(response="utter_buiten_bronnen_verwant", buttons=[
                    {"title": h.label, "payload": topic_payload(h.kind, h.id)} for h in result.hits[:2]])
        elif result.hits and not result.off_topic:
            dispatcher.utter_message(response="utter_antwoord_onzeker", buttons=[
                {"title": h.label, "payload": topic_payload(h.kind, h.id)} for h in result.hits[:3]])
        else:
            dispatcher.utter_message(response="utter_antwoord_onbekend")
        return []


def answer_confidently(dispatcher: CollectingDispatcher, tracker: Tracker, kb: KnowledgeBase,
                       result: SearchResult | None = None) -> bool:
    """Answer the message from the knowledge item the search is confident about; False if none."""
    result = result or index_for(kb).search(tracker.latest_message.get("text") or "")
    if not result.confident:
        return False
    hit = result.hits[0]
    answer_item(dispatcher, tracker, kb, hit.kind, kb.item(hit.kind, hit.id), "kort")
    return True


def phase_from(tracker: Tracker, kb: KnowledgeBase) -> tuple[str | None, dict | None]:
    """(phase id, result): a phase named in the message wins, else this session's scan result."""
    named = entity(tracker, "fase_id") or entity(tracker, "fase")
    if named:
        for hit in index_for(kb).search(str(named)).hits:
            if hit.kind == "phases":
                return hit.id, None
    state = ScanState.from_tracker(tracker)
    if state.started:
        result = diagnose(kb, state.answers)
        return result["phase"]["id"], result
    return None, None


class ActionPhaseAdvice(Action):
    """'Wat moeten we doen in deze fase?': the phase from the message or the scan; else ask."""

    def name(self) -> str:
        return "action_phase_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        phase_id, result = phase_from(tracker, kb)
        if phase_id is None:
            phases = sorted(kb.items("phases"), key=lambda p: p["order"])
            dispatcher.utter_message(response="utter_welke_fase", buttons=[
                {"title": p["label"], "payload": "/fase_advies" + json.dumps({"fase_id": p["id"]})} for p in phases])
            return []
        phase = kb.item("phases", phase_id)
        if result and result["completed"]:
            steps = result["advice"]  # chosen by the engine for this phase and the weakest dimensions
            lines = [f"{n}. " + with_source(kb, s["text"], s["source"], s["basis"]) for n, s in enumerate(steps, 1)]
            sources = [source_entry(kb, s["source"], s["basis"]) for s in steps]
            response = "utter_fase_advies_scan"
        else:
            entries = (phase["activities"] + phase["tips"])[:MAX_DEEPER]
            lines = ["• " + with_source(kb, e["text"], e["source"], e["basis"]) for e in entries]
            sources = [source_entry(kb, e["source"], e["basis"]) for e in entries]
            response = "utter_fase_advies"
        dispatcher.utter_message(response=response, phase=phase["label"], steps="\n".join(lines),
                                 buttons=next_buttons(kb, tracker, "phases", phase, "meer"))
        dispatcher.utter_message(json_message={"type": "answer", "sources": sources})
        return []


class ActionExplainResult(Action):
    """'Waarom?' after the result: which answers led to each score, the phase, the role and each step."""

    def name(self) -> str:
        return "action_explain_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        if not state.started or state.current(kb) is not None:
            # Without a result, "waarom is vertrouwen zo belangrijk?" is a question about a topic.
            if answer_confidently(dispatcher, tracker, kb):
                return []
            dispatcher.utter_message(response="utter_nog_geen_resultaat",
                                     buttons=[{"title": RESUME if state.started else START, "payload": "/start_scan"}])
            return []
        result = diagnose(kb, state.answers)
        dims = []
        for d, v in result["dimensions"].items():
            scored = [(question_score(kb, kb.question(a["question_id"]), a["value"]), a) for a in v["answers"]]
            low = [a for s, a in sorted((p for p in scored if p[0] is not None), key=lambda p: p[0])[:2]]
            said = "; ".join(f"\"{a['question']}\" – {a['text']}" for a in low)
            dims.append(f"• {kb.item('dimensions', d)['label']}: {v['level'] or 'onbekend'} "
                        f"({score_text(v['score'])}). {said}")
        dispatcher.utter_message(response="utter_uitleg_scores", dimensions="\n".join(dims))
        phase = result["phase"]
        if phase["id"]:
            dispatcher.utter_message(response="utter_uitleg_fase", phase=phase["label"],
                                     signals=" ".join(phase["signals"]))
        role = result["role"]
        dispatcher.utter_message(response="utter_uitleg_rol", role=role["label"].lower(),
                                 rationale=with_source(kb, role["rationale"], role["source"], role["basis"]))
        steps = "\n".join(f"{n}. {s['text']} — gekozen omdat: {s['rule']}. (Bron: {kb.source_label(s['source'])})"
                          for n, s in enumerate(result["advice"], 1))
        dispatcher.utter_message(response="utter_uitleg_stappen", steps=steps)
        sources = [source_entry(kb, role["source"], role["basis"])] + \
                  [source_entry(kb, s["source"], s["basis"]) for s in result["advice"]]
        dispatcher.utter_message(json_message={"type": "answer", "sources": sources})
        return []
