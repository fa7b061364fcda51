import pytest

from actions.diagnosis import (ActionAskScanAnswer, ActionExplainQuestion, ActionPreviousQuestion, ActionRestartScan,
                               ActionStartScan, ActionStopScan, ValidateDiagnoseForm)
from actions.scan_state import DONE

from .conftest import make_tracker, run, slot

FIRST, SECOND = "u_elkaar_nodig", "u_thema_belangrijk"


def answered_all_but_last(kb):
    return {"answers": {q["id"]: {"value": "weet_niet", "text": "weet ik niet"} for q in kb.questions[:-1]},
            "clarify": None}


def validate(domain, state, text, entities=None):
    tracker = make_tracker(state, text, entities=entities, slot_events=[("scan_answer", text)])
    return run(ValidateDiagnoseForm(), tracker, domain)


def test_first_question_is_asked_with_progress_and_buttons(kb, domain):
    messages, events = run(ActionAskScanAnswer(), make_tracker({"answers": {}, "clarify": None}), domain)
    assert events == []
    ask, progress = messages
    assert ask["response"] == "utter_vraag"
    assert (ask["number"], ask["total"], ask["question"]) == (1, len(kb.questions), kb.question(FIRST)["text"])
    assert [b["title"] for b in ask["buttons"]] == ["Helemaal niet", "Nauwelijks", "Gedeeltelijk", "Grotendeels",
                                                   "Helemaal", "Weet ik niet"]
    assert all(b["payload"].startswith("/antwoord{") for b in ask["buttons"])
    assert progress["custom"] == {"type": "progress", "answered": 0, "total": len(kb.questions), "answers": {}}


def test_free_text_answer_is_parsed_and_stored(domain):
    messages, events = validate(domain, {"answers": {}, "clarify": None}, "best goed eigenlijk")
    assert messages == []
    assert slot(events, "scan_answer") is None  # keep the form asking
    assert slot(events, "scan_state")["answers"][FIRST] == {"value": 4, "text": "best goed eigenlijk"}


def test_button_answer_uses_the_value_it_carries(domain):
    payload = '/antwoord{"antwoord": 2}'
    _, events = validate(domain, {"answers": {}, "clarify": None}, payload,
                         entities=[{"entity": "antwoord", "value": 2}])
    assert slot(events, "scan_state")["answers"][FIRST] == {"value": 2, "text": "Nauwelijks"}


def test_a_button_of_another_question_changes_nothing_and_the_question_is_asked_again(kb, domain):
    # question 10 asks for partner types; a scale button (say, a double click on question 9) does not fit
    before = {"answers": {q["id"]: {"value": 3, "text": "x"} for q in kb.questions[:9]}, "clarify": None}
    assert kb.questions[9]["type"] == "partners"
    messages, events = validate(domain, before, '/antwoord{"antwoord": 3}',
                                entities=[{"entity": "antwoord", "value": 3}])
    assert messages == []
    assert slot(events, "scan_answer") is None
    assert all(e.get("name") != "scan_state" for e in events if e.get("event") == "slot")


def test_unclear_answer_is_reasked_once_with_the_options(domain):
    messages, events = validate(domain, {"answers": {}, "clarify": None}, "het regent vandaag")
    state = slot(events, "scan_state")
    assert messages == [] and state["clarify"] == FIRST and FIRST not in state["answers"]
    messages, _ = run(ActionAskScanAnswer(), make_tracker(state), domain)
    assert messages[0]["response"] == "utter_vraag_verduidelijk_scale"
    assert len(messages[0]["buttons"]) == 6


def test_second_unclear_answer_is_recorded_as_weet_niet_and_said(domain):
    messages, events = validate(domain, {"answers": {}, "clarify": FIRST}, "blauw")
    assert [m["response"] for m in messages] == ["utter_genoteerd_weet_niet"]
    state = slot(events, "scan_state")
    assert state["answers"][FIRST] == {"value": "weet_niet", "text": "blauw"} and state["clarify"] is None


def test_last_answer_completes_the_form(kb, domain):
    _, events = validate(domain, answered_all_but_last(kb), "weet ik niet")
    assert slot(events, "scan_answer") == DONE


def test_partner_question_offers_only_weet_niet_until_reasked(kb, domain):
    before = {"answers": {q["id"]: {"value": 3, "text": "x"} for q in kb.questions[:9]}, "clarify": None}
    assert kb.questions[9]["id"] == "o_soorten_partners"
    messages, _ = run(ActionAskScanAnswer(), make_tracker(before), domain)
    assert [b["title"] for b in messages[0]["buttons"]] == ["Weet ik niet"]
    messages, _ = run(ActionAskScanAnswer(), make_tracker({**before, "clarify": "o_soorten_partners"}), domain)
    assert len(messages[0]["buttons"]) == len(kb.items("partners")) + 1


def test_why_explains_the_current_question_with_its_source(kb, domain):
    messages, _ = run(ActionExplainQuestion(), make_tracker({"answers": {}, "clarify": None}, intent="uitleg_vraag"),
                      domain)
    assert messages[0]["response"] == "utter_uitleg_vraag"
    assert messages[0]["why"] == kb.question(FIRST)["why"].strip()
    assert messages[0]["source"].startswith("Eén tegen eenzaamheid") or "§4.4.2" in messages[0]["source"]


def test_why_outside_the_scan_says_no_scan_is_running(domain):
    messages, _ = run(ActionExplainQuestion(), make_tracker(None, intent="uitleg_vraag", active_loop=None), domain)
    assert messages[0]["response"] == "utter_geen_scan_actief"


def test_previous_question_forgets_the_previous_answer(domain):
    state = {"answers": {FIRST: {"value": 4, "text": "ja"}, SECOND: {"value": 2, "text": "weinig"}}, "clarify": None}
    messages, events = run(ActionPreviousQuestion(), make_tracker(state, intent="vorige_vraag"), domain)
    assert messages[0]["response"] == "utter_vorige_vraag"
    assert list(slot(events, "scan_state")["answers"]) == [FIRST]


def test_previous_question_at_the_start(domain):
    messages, events = run(ActionPreviousQuestion(), make_tracker({"answers": {}, "clarify": None}), domain)
    assert messages[0]["response"] == "utter_geen_vorige_vraag" and events == []


def test_start_introduces_a_new_scan(kb, domain):
    messages, events = run(ActionStartScan(), make_tracker(None, intent="start_scan", active_loop=None), domain)
    assert messages[0]["response"] == "utter_scan_intro" and messages[0]["total"] == len(kb.questions)
    assert slot(events, "scan_state") == {"answers": {}, "clarify": None}


def test_start_resumes_a_paused_scan(domain):
    state = {"answers": {FIRST: {"value": 4, "text": "ja"}}, "clarify": None}
    messages, events = run(ActionStartScan(), make_tracker(state, intent="start_scan", active_loop=None), domain)
    assert messages[0]["response"] == "utter_scan_hervat" and messages[0]["number"] == 2
    assert slot(events, "scan_state") == state


def test_start_after_a_completed_scan_begins_anew(kb, domain):
    done = {"answers": {q["id"]: {"value": "weet_niet", "text": "?"} for q in kb.questions}, "clarify": None}
    messages, events = run(ActionStartScan(), make_tracker(done, intent="start_scan", active_loop=None), domain)
    assert messages[0]["response"] == "utter_scan_intro"
    assert slot(events, "scan_state")["answers"] == {}


def test_stop_pauses_the_form_and_keeps_the_answers(domain):
    state = {"answers": {FIRST: {"value": 4, "text": "ja"}}, "clarify": None}
    messages, events = run(ActionStopScan(), make_tracker(state, intent="stoppen"), domain)
    assert messages[0]["response"] == "utter_scan_gestopt"
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]
    assert all(e.get("name") != "scan_state" for e in events)


def test_restart_in_an_unfinished_scan_asks_first_and_keeps_the_answers(domain):
    state = {"answers": {FIRST: {"value": 4, "text": "ja"}}, "clarify": None}
    messages, events = run(ActionRestartScan(), make_tracker(state, "opnieuw", intent="opnieuw_beginnen"), domain)
    assert messages[0]["response"] == "utter_opnieuw_bevestigen" and messages[0]["answered"] == 1
    assert events == []


def test_confirmed_restart_erases_the_answers(kb, domain):
    state = {"answers": {FIRST: {"value": 4, "text": "ja"}}, "clarify": None}
    tracker = make_tracker(state, "/opnieuw_bevestigd", intent="opnieuw_bevestigd")
    messages, events = run(ActionRestartScan(), tracker, domain)
    assert messages[0]["response"] == "utter_scan_nieuw" and messages[0]["total"] == len(kb.questions)
    assert slot(events, "scan_state") == {"answers": {}, "clarify": None}


@pytest.mark.parametrize("finished", [False, True])
def test_restart_without_answers_to_lose_needs_no_confirmation(kb, domain, finished):
    answers = {q["id"]: {"value": "weet_niet", "text": "?"} for q in kb.questions} if finished else {}
    tracker = make_tracker({"answers": answers, "clarify": None}, "opnieuw", intent="opnieuw_beginnen",
                           active_loop=None)
    messages, events = run(ActionRestartScan(), tracker, domain)
    assert messages[0]["response"] == "utter_scan_nieuw"
    assert slot(events, "scan_state")["answers"] == {}


def test_resetting_the_answer_slot_is_not_read_as_an_answer(domain):
    tracker = make_tracker({"answers": {}, "clarify": None}, "start de scan", intent="start_scan",
                           slot_events=[("scan_answer", None)])
    messages, events = run(ValidateDiagnoseForm(), tracker, domain)
    assert messages == [] and all(e.get("name") != "scan_state" for e in events)
