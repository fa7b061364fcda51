"""The diagnosis form: asking, validating (with one clarifying re-ask), and the interruptions."""

from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import AnswerError, get_knowledge
from knowledge.parsing import UNKNOWN, option_labels, parse_answer, value_label

from .scan_state import ANSWER_SLOT, DONE, SLOT, ScanState

# Button payloads force the `antwoord` intent and carry the canonical value as an entity, so a
# pressed button is never misread by the NLU.
ANSWER_ENTITY = "antwoord"
# Sent only by the "yes, erase my answers" button of the restart confirmation.
RESTART_CONFIRMED_INTENT = "opnieuw_bevestigd"


def answer_buttons(question_id: str, clarify: bool) -> list[dict]:
    """Buttons for a question: all options for scale, yes/no and choice questions; for partner
    questions only when re-asking; 'Weet ik niet' always."""
    kb = get_knowledge()
    q = kb.question(question_id)
    options = option_labels(kb, question_id)
    if q["type"] in ("number", "partners") and not clarify:
        options = options[-1:]
    return [{"title": label, "payload": "/antwoord" + json.dumps({ANSWER_ENTITY: value}, ensure_ascii=False)}
            for label, value in options]


def _button_value(tracker: Tracker) -> tuple[bool, Any]:
    """(True, value) when the latest message was one of our answer buttons."""
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == ANSWER_ENTITY:
            return True, entity.get("value")
    return False, None


class ValidateDiagnoseForm(FormValidationAction):
    def name(self) -> str:
        return "validate_diagnose_form"

    async def validate_scan_answer(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: dict) -> dict[str, Any]:
        if slot_value is None:  # our own reset of the slot (start, restart), not an answer
            return {}
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        question = state.current(kb)
        if question is None:
            return {ANSWER_SLOT: DONE}
        pressed, value = _button_value(tracker)
        try:
            parsed = parse_answer(kb, question["id"], value if pressed else slot_value)
        except AnswerError:
            # A button of another question (a double click that arrives after the form moved on,
            # an old card in Teams): nothing recorded, the current question is asked again.
            return {ANSWER_SLOT: None}
        if parsed.status == "unclear":
            if state.clarify != question["id"]:
                state.clarify = question["id"]  # the ask action re-asks once, with the options
                return {ANSWER_SLOT: None, SLOT: state.dump()}
            dispatcher.utter_message(response="utter_genoteerd_weet_niet")
        value = parsed.value if parsed.status == "ok" else UNKNOWN
        text = value_label(kb, question["id"], value, parsed.detail) if pressed else str(slot_value)
        state.record(question["id"], value, text)
        done = state.current(kb) is None
        return {ANSWER_SLOT: DONE if done else None, SLOT: state.dump()}


class ActionAskScanAnswer(Action):
    """Asks the current question ('Vraag 5 van 27'), or re-asks it once with the options."""

    def name(self) -> str:
        return "action_ask_scan_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        question = state.current(kb)
        if question is None:
            return []
        clarify = state.clarify == question["id"]
        response = f"utter_vraag_verduidelijk_{question['type']}" if clarify else "utter_vraag"
        dispatcher.utter_message(response=response, question=question["text"].strip(),
                                 number=kb.questions.index(question) + 1, total=len(kb.questions),
                                 buttons=answer_buttons(question["id"], clarify))
        dispatcher.utter_message(json_message=state.progress(kb))
        return []


class ActionStartScan(Action):
    """Starts a new scan with a short introduction, or resumes a paused one."""

    def name(self) -> str:
        return "action_start_scan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        question = state.current(kb)
        if state.started and question is not None:
            dispatcher.utter_message(response="utter_scan_hervat", number=kb.questions.index(question) + 1)
        else:
            state = ScanState()
            dispatcher.utter_message(response="utter_scan_intro", total=len(kb.questions))
        return [SlotSet(SLOT, state.dump()), SlotSet(ANSWER_SLOT, None)]


class ActionRestartScan(Action):
    """Starts the scan anew. A scan with answers that is not finished is only erased after the user
    confirms: the NLU can take an answer such as "we willen de visie opnieuw bespreken" for a request
    to start again, and the answers would be lost. Without confirmation nothing changes and the form
    asks its current question again."""

    def name(self) -> str:
        return "action_restart_scan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        confirmed = (tracker.latest_message.get("intent") or {}).get("name") == RESTART_CONFIRMED_INTENT
        if not confirmed and state.started and state.current(kb) is not None:
            dispatcher.utter_message(response="utter_opnieuw_bevestigen", answered=len(state.answers))
            return []
        dispatcher.utter_message(response="utter_scan_nieuw", total=len(kb.questions))
        return [SlotSet(SLOT, ScanState().dump()), SlotSet(ANSWER_SLOT, None)]


class ActionStopScan(Action):
    """Pauses the scan; the answers stay in the slot, so "verder" resumes where it stopped."""

    def name(self) -> str:
        return "action_stop_scan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        dispatcher.utter_message(response="utter_scan_gestopt")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(ANSWER_SLOT, None)]


class ActionExplainQuestion(Action):
    """'Waarom vraag je dit?': the question's `why` and its source."""

    def name(self) -> str:
        return "action_explain_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        question = ScanState.from_tracker(tracker).current(kb)
        if question is None or tracker.active_loop_name != "diagnose_form":
            dispatcher.utter_message(response="utter_geen_scan_actief")
            return []
        dispatcher.utter_message(response="utter_uitleg_vraag", why=question["why"].strip(),
                                 source=kb.source_label(question["source"]))
        return []


class ActionPreviousQuestion(Action):
    """'Vorige vraag': forget the previous answer, so the form asks that question again."""

    def name(self) -> str:
        return "action_previous_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list[EventType]:
        kb = get_knowledge()
        state = ScanState.from_tracker(tracker)
        previous = state.previous(kb)
        if previous is None:
            dispatcher.utter_message(response="utter_geen_vorige_vraag")
            return []
        del state.answers[previous["id"]]
        state.clarify = None
        dispatcher.utter_message(response="utter_vorige_vraag")
        return [SlotSet(SLOT, state.dump()), SlotSet(ANSWER_SLOT, None)]
