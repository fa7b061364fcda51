"""Free questions, phase advice and 'waarom?': grounded answers that cite only declared sources."""

import json

import pytest

from actions.answers import ActionAnswerQuestion, ActionExplainResult, ActionPhaseAdvice
from knowledge.search import SEARCHABLE

from .conftest import make_tracker, run
from .test_result_action import full_state


def sources_of(messages):
    customs = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "answer"]
    assert len(customs) == 1, messages
    return customs[0]["sources"]


def assert_declared(kb, sources):
    assert sources
    for source in sources:
        doc = kb.item("documents", source["document"])
        assert str(source["section"]) in doc["sections"], source
        assert source["basis"] in ("source", "inference")


def ask(domain, text, active_loop=None, state=None, entities=None, intent="kennisvraag"):
    tracker = make_tracker(state, text, intent=intent, entities=entities, active_loop=active_loop)
    return run(ActionAnswerQuestion(), tracker, domain)


def test_question_is_answered_with_its_source(kb, domain):
    messages, events = ask(domain, "Wat is een netwerkdip?")
    assert events == []
    answer = messages[0]
    concept = kb.item("concepts", "netwerkdip")
    assert answer["text"].startswith(concept["answer"].strip()[:40])
    assert f"(Bron: {kb.source_label(concept['source'])})" in answer["text"]
    assert 2 <= len(answer["buttons"]) <= 3
    assert sources_of(messages) == [{**concept["source"], "label": kb.source_label(concept["source"]),
                                     "basis": concept["basis"]}]


@pytest.mark.parametrize("kind", SEARCHABLE)
def test_every_kind_of_answer_cites_only_declared_sources(kb, domain, kind):
    for item in kb.items(kind)[:6]:
        for depth in ("kort", "meer"):
            payload_entities = [{"entity": "onderwerp", "value": f"{kind}:{item['id']}"},
                                {"entity": "diepte", "value": depth}]
            messages, _ = ask(domain, "/kennisvraag", entities=payload_entities)
            text = " ".join(m.get("text") or m.get("lines") or "" for m in messages)
            if not any((m.get("custom") or {}).get("type") == "answer" for m in messages):
                assert "(Bron: " not in text  # related topics only: no claim, no citation
                continue
            sources = sources_of(messages)
            assert_declared(kb, sources)
            # each citation shown is one the item itself carries, and nothing else is cited
            own = [item["source"]] + [e["source"] for v in item.values() if isinstance(v, list)
                                      for e in v if isinstance(e, dict) and "source" in e]
            assert all({k: s[k] for k in s if k not in ("label", "basis")} in own for s in sources)
            assert text.count("(Bron: ") == len(sources)
            assert all(f"(Bron: {s['label']})" in text for s in sources)


def test_follow_up_buttons_lead_deeper_and_to_a_case(kb, domain):
    messages, _ = ask(domain, "wat moeten we doen in de fase inrichten?")
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "Vertel meer" in titles and "Start de scan" in titles
    more = next(b for b in messages[0]["buttons"] if b["title"] == "Vertel meer")
    entities = [{"entity": k, "value": v} for k, v in json.loads(more["payload"][len("/kennisvraag"):]).items()]
    deeper, _ = ask(domain, more["payload"], entities=entities)
    assert deeper[0]["response"] == "utter_antwoord_meer" and deeper[0]["lines"].count("(Bron: ") >= 2


def test_unclear_question_offers_the_closest_topics(domain):
    messages, _ = ask(domain, "samen dingen doen met mensen")
    assert messages[0]["response"] == "utter_antwoord_onzeker"
    assert 1 <= len(messages[0]["buttons"]) <= 3
    assert all(b["payload"].startswith("/kennisvraag{") for b in messages[0]["buttons"])


def test_question_the_sources_do_not_cover_gets_an_honest_answer(domain):
    messages, _ = ask(domain, "xqzt vlprm")
    assert messages[0]["response"] == "utter_antwoord_onbekend"
    assert not any(m.get("custom") for m in messages)


def test_during_the_scan_the_answer_offers_no_scan_button(domain):
    messages, _ = ask(domain, "Wat is een netwerkdip?", active_loop="diagnose_form",
                      state={"answers": {}, "clarify": None})
    assert all(b["payload"] != "/start_scan" for b in messages[0]["buttons"])


def test_phase_advice_without_scan_asks_which_phase(kb, domain):
    messages, _ = run(ActionPhaseAdvice(), make_tracker(None, "wat moeten we doen in deze fase?", intent="fase_advies",
                                                        active_loop=None), domain)
    assert messages[0]["response"] == "utter_welke_fase"
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/fase_advies{"fase_id": "%s"}' % p["id"] for p in sorted(kb.items("phases"), key=lambda p: p["order"])]


def test_phase_advice_for_a_named_phase(kb, domain):
    tracker = make_tracker(None, "/fase_advies", intent="fase_advies", active_loop=None,
                           entities=[{"entity": "fase_id", "value": "verkennen"}])
    messages, _ = run(ActionPhaseAdvice(), tracker, domain)
    assert messages[0]["response"] == "utter_fase_advies" and messages[0]["phase"] == "Verkennen en concretiseren"
    assert_declared(kb, sources_of(messages))


def test_phase_advice_after_the_scan_uses_its_phase_and_weak_spots(kb, domain):
    state = full_state(kb)
    messages, _ = run(ActionPhaseAdvice(), make_tracker(state, "wat moeten we nu doen in deze fase",
                                                        intent="fase_advies", active_loop=None), domain)
    assert messages[0]["response"] == "utter_fase_advies_scan"
    assert 3 <= messages[0]["steps"].count("(Bron: ") <= 5
    assert_declared(kb, sources_of(messages))


def test_why_after_the_result_explains_answers_phase_role_and_steps(kb, domain):
    messages, _ = run(ActionExplainResult(), make_tracker(full_state(kb), "waarom?", intent="uitleg_resultaat",
                                                          active_loop=None), domain)
    responses = [m.get("response") for m in messages]
    assert responses[:4] == ["utter_uitleg_scores", "utter_uitleg_fase", "utter_uitleg_rol", "utter_uitleg_stappen"]
    assert all(kb.item("dimensions", d)["label"] in messages[0]["dimensions"] for d in
               ("urgentiebesef", "vertrouwen", "omvang", "commitment"))
    assert "gekozen omdat" in messages[3]["steps"]
    assert_declared(kb, sources_of(messages))


def test_why_before_any_result(domain):
    messages, _ = run(ActionExplainResult(), make_tracker(None, "waarom?", intent="uitleg_resultaat", active_loop=None),
                      domain)
    assert messages[0]["response"] == "utter_nog_geen_resultaat"


def test_a_question_the_sources_are_silent_on_is_not_answered_from_a_near_item(kb, domain):
    messages, _ = ask(domain, "Hoeveel subsidie krijgen wij dit jaar van het Rijk?")
    limit = next(entry for entry in kb.limits if entry["id"] == "bedragen")
    assert messages[0]["response"] == "utter_buiten_bronnen"
    assert (messages[0]["topic"], messages[0]["ask"]) == (limit["topic"], limit["ask"])
    assert not any((m.get("custom") or {}).get("type") == "answer" for m in messages)
    # the closest topics are offered as buttons, not given as the answer
    assert all(b["payload"].startswith("/kennisvraag") for m in messages[1:] for b in m.get("buttons") or [])


def test_why_without_a_result_answers_a_topic_question(kb, domain):
    tracker = make_tracker(None, "waarom is vertrouwen zo belangrijk in een coalitie?", intent="uitleg_resultaat",
                           active_loop=None)
    messages, _ = run(ActionExplainResult(), tracker, domain)
    assert sources_of(messages)[0]["document"] == kb.item("dimensions", "vertrouwen")["source"]["document"]
    assert messages[0]["text"].startswith(kb.item("dimensions", "vertrouwen")["definition"][:30])
