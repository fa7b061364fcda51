"""The result of the scan, in plain Dutch and as {"type": "diagnosis", "result": ...} for the gateway."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from knowledge import KnowledgeBase, get_knowledge
from knowledge.engine import diagnose

from .scan_state import ScanState

# What the bot says in front of an advice item that rests on our own reading of the sources.
INFERENCE_NOTE = "Naar onze inschatting: "
RESULT_BUTTONS = [
    {"title": "Waarom dit advies?", "payload": "/uitleg_resultaat"},
    {"title": "Wat moeten we doen in deze fase?", "payload": "/fase_advies"},
    {"title": "Opnieuw beginnen", "payload": "/opnieuw_beginnen"},
]


def score_text(score: float | None) -> str:
    return "onbekend" if score is None else f"{score:.1f}".replace(".", ",")


def step_lines(kb: KnowledgeBase, advice: list[dict]) -> str:
    lines = []
    for n, item in enumerate(advice, 1):
        prefix = INFERENCE_NOTE if item["basis"] == "inference" else ""
        lines.append(f"{n}. {prefix}{item['text']} (Bron: {kb.source_label(item['source'])})")
    return "\n".join(lines)


def utter_result(dispatcher: CollectingDispatcher, kb: KnowledgeBase, result: dict) -> None:
    scores = "\n".join(
        f"• {kb.item('dimensions', d)['label']}: {v['level'] or 'onbekend'} ({score_text(v['score'])})"
        for d, v in result["dimensions"].items())
    dispatcher.utter_message(response="utter_resultaat_scores", scores=scores)
    phase = result["phase"]
    if phase["id"]:
        dispatcher.utter_message(response="utter_resultaat_fase", phase=phase["label"],
                                 confidence=f"{round(phase['confidence'] * 100)}%",
                                 signals=" ".join(phase["signals"][:3]))
    else:
        dispatcher.utter_message(response="utter_resultaat_fase_onbekend")
    also = ", ".join(r["label"].lower() for r in result["also_roles"])
    dispatcher.utter_message(response="utter_resultaat_rol_ook" if also else "utter_resultaat_rol",
                             role=result["role"]["label"].lower(), rationale=result["role"]["rationale"],
                             also=also)
    if result["caveats"]:
        dispatcher.utter_message(response="utter_resultaat_kanttekeningen",
                                 caveats="\n".join(f"• {c}" for c in result["caveats"]))
    dispatcher.utter_message(response="utter_resultaat_stappen", steps=step_lines(kb, result["advice"]),
                             buttons=RESULT_BUTTONS)


class ActionDiagnosisResult(Action):
    def name(self) -> str:
        return "action_diagnosis_result"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        result = diagnose(kb, ScanState.from_tracker(tracker).answers)
        utter_result(dispatcher, kb, result)
        dispatcher.utter_message(json_message={"type": "diagnosis", "result": result})
        return []
