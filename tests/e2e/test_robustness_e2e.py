"""Bad input through the real gateway and Rasa: a clear Dutch problem+json error or a safe reply,
and nothing stored or relayed."""

import pytest

from .conftest import Chat, call


def assert_problem(status, ctype, body, expected_status):
    assert status == expected_status, (status, body)
    assert ctype.startswith("application/problem+json"), ctype
    assert body["status"] == expected_status and body["detail"] and body["title"]


@pytest.fixture(scope="module")
def running_scan(base_url):
    chat = Chat(base_url)
    chat.say("start de scan")
    chat.say("best goed")
    return chat


def progress(base_url, chat):
    status, _, result = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    assert status == 200
    return result["progress"]


@pytest.mark.parametrize("body, raw", [
    ({"text": ""}, None),
    ({"text": "   "}, None),
    ({"text": "x" * 10_000}, None),
    (None, b"{not json"),
    ({"text": "hallo", "payload": "/start_scan"}, None),
    ({"text": 42}, None),
])
def test_bad_chat_bodies_change_nothing(base_url, running_scan, body, raw):
    before = progress(base_url, running_scan)
    if body is not None:
        body = {**body, "session_id": running_scan.session_id}
    status, ctype, problem = call(base_url, "POST", "/api/v1/chat", body, raw=raw)
    assert 400 <= status < 500
    assert_problem(status, ctype, problem, status)
    assert progress(base_url, running_scan) == before


def test_unknown_session_is_a_404(base_url):
    status, ctype, problem = call(base_url, "POST", "/api/v1/chat", {"session_id": "bestaat-niet", "text": "hoi"})
    assert_problem(status, ctype, problem, 404)


def test_payload_the_bot_never_offered_is_refused(base_url, running_scan):
    before = progress(base_url, running_scan)
    status, ctype, problem = call(base_url, "POST", "/api/v1/chat", {
        "session_id": running_scan.session_id, "payload": '/antwoord{"antwoord": 5}x'})
    assert_problem(status, ctype, problem, 422)
    status, ctype, problem = call(base_url, "POST", "/api/v1/chat", {
        "session_id": running_scan.session_id, "payload": "/stoppen"})
    assert_problem(status, ctype, problem, 422)
    assert progress(base_url, running_scan) == before


def test_typed_intent_with_slots_is_read_as_plain_text(base_url):
    chat = Chat(base_url)
    chat.say("start de scan")
    # Sent as is, Rasa would read this as the intent `antwoord` with an entity, as if a button had
    # been pressed (the answer's text would be the button label "Helemaal"). The gateway strips the
    # slash, so it arrives as plain text and is parsed like any typed answer.
    chat.say('/antwoord{"antwoord": 5}')
    status, _, result = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    answers = result["dimensions"]["urgentiebesef"]["answers"]
    # Read as text it is either taken as a typed answer (its text kept as typed) or not as an answer
    # at all; never as the button press "Helemaal".
    assert all(a["text"] == 'antwoord{"antwoord": 5}' for a in answers), answers
    assert "Vraag 1 van" in chat.texts() or "Vraag 2 van" in chat.texts()


def test_html_is_not_executed_but_answered_safely(base_url):
    chat = Chat(base_url)
    messages = chat.say("<script>alert('x')</script>")
    assert messages and all("<script>" not in (m.get("text") or "") for m in messages)


def test_offered_button_payload_is_accepted(base_url):
    chat = Chat(base_url)
    chat.say("start de scan")
    chat.say(payload=chat.buttons()[1]["payload"])  # "Nauwelijks"
    status, _, result = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    answer = result["dimensions"]["urgentiebesef"]["answers"][0]
    assert (answer["value"], answer["text"]) == (2, "Nauwelijks")


@pytest.mark.parametrize("answers, fragment", [
    ({}, None),
    ({"bestaat_niet": "ja"}, "bestaat_niet"),
    ({"u_elkaar_nodig": 9}, "u_elkaar_nodig"),
    ({"o_aantal_partners": -1}, "o_aantal_partners"),
    ({"u_elkaar_nodig": "het regent"}, "u_elkaar_nodig"),
])
def test_bad_stateless_diagnoses(base_url, answers, fragment):
    status, ctype, problem = call(base_url, "POST", "/api/v1/diagnoses", {"answers": answers})
    assert_problem(status, ctype, problem, 422)
    if fragment:
        assert fragment in problem["detail"]


def test_stateless_diagnosis_reads_dutch_text(base_url):
    status, _, result = call(base_url, "POST", "/api/v1/diagnoses", {"answers": {
        "u_elkaar_nodig": "nauwelijks", "u_thema_belangrijk": 1, "o_aantal_partners": "een stuk of twaalf",
        "f_verkennen_toegezegd": "nee"}})
    assert status == 200
    assert result["completed"] is False
    assert result["dimensions"]["urgentiebesef"]["subdimensions"]["samenwerkingsbereidheid"]["score"] == 1.5
    assert result["phase"]["id"] == "initieren"
