"""POST /api/v1/chat: sessions, input guards, payload guard, custom messages, Rasa outages."""

import json
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.core.store import SessionStore
from app.deps import get_rasa_client
from ..support import RASA_URL, FakeRasa, assert_problem, build_app, make_settings

CHAT = "/api/v1/chat"
NOT_OFFERED = "Deze keuze hoort niet bij dit gesprek."
UNAVAILABLE = "De assistent is even niet bereikbaar. Probeer het over een minuut opnieuw."

SCALE_BUTTONS = [
    {"title": "Helemaal niet", "payload": '/antwoord{"waarde": "1"}'},
    {"title": "Gedeeltelijk", "payload": '/antwoord{"waarde": "3"}'},
    {"title": "Helemaal", "payload": '/antwoord{"waarde": "5"}'},
]


def start(client: TestClient, fake_rasa: FakeRasa, *reply: dict[str, Any], text: str = "hallo") -> str:
    """Open a session whose first bot reply is ``reply``; return its id."""
    if reply:
        fake_rasa.reply(*reply)
    response = client.post(CHAT, json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


# --- sessions ----------------------------------------------------------------------------------


def test_new_session_is_issued_and_relayed(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    response = client.post(CHAT, json={"text": "Hallo"})

    assert response.status_code == 200
    body = response.json()
    session_id = body["session_id"]
    assert len(session_id) >= 32  # token_urlsafe(24): 192 random bits
    assert body["messages"] == [{"text": "Hallo! Waarmee kan ik u helpen?"}]
    assert fake_rasa.received == [(session_id, "Hallo")]
    assert store.exists(session_id)


def test_each_new_conversation_gets_its_own_id(client: TestClient, fake_rasa: FakeRasa) -> None:
    first = client.post(CHAT, json={"text": "hallo"}).json()["session_id"]
    second = client.post(CHAT, json={"text": "hallo"}).json()["session_id"]

    assert first != second
    assert [sender for sender, _ in fake_rasa.received] == [first, second]


def test_known_session_is_continued(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = start(client, fake_rasa)

    response = client.post(CHAT, json={"session_id": session_id, "text": "Wat is de netwerkdip?"})

    assert response.status_code == 200
    assert response.json()["session_id"] == session_id
    assert fake_rasa.received[-1] == (session_id, "Wat is de netwerkdip?")


def test_unknown_session_is_404_and_nothing_relayed(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    response = client.post(CHAT, json={"session_id": "bestaat-niet", "text": "hallo"})

    assert_problem(response, 404)
    assert "gesprek" in response.json()["detail"]
    assert fake_rasa.received == []
    assert store.count() == 0


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail_part"),
    [
        ({"text": ""}, "leeg"),
        ({"text": "   \n\t "}, "leeg"),
        ({"text": "x" * 2001}, "Uw bericht is te lang (maximaal 2000 tekens)."),
        ({"text": "/"}, "geen tekst"),
        ({"text": " // / "}, "geen tekst"),
        ({"text": "hallo", "payload": "/affirm"}, "niet allebei"),
        ({}, "niet allebei"),
        ({"text": 42}, "Verwacht tekst"),
        ({"text": "hallo", "onbekend": 1}, "onbekend"),
        ({"session_id": "", "text": "hallo"}, "session_id"),
        ([{"text": "hallo"}], "JSON-object"),
    ],
)
def test_bad_input_is_a_dutch_problem_and_stores_nothing(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore, body: Any, detail_part: str
) -> None:
    response = client.post(CHAT, json=body)

    problem = assert_problem(response, 422)
    assert detail_part in problem["detail"]
    assert fake_rasa.received == []
    assert store.count() == 0


def test_malformed_json_is_a_problem(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    response = client.post(CHAT, content=b'{"text": "hallo"', headers={"Content-Type": "application/json"})

    problem = assert_problem(response, 422)
    assert problem["detail"] == "De aanvraag bevat geen geldige JSON."
    assert fake_rasa.received == []
    assert store.count() == 0


def test_body_that_is_not_json_is_a_problem(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post(CHAT, content=b"hallo", headers={"Content-Type": "text/plain"})

    assert "JSON" in assert_problem(response, 422)["detail"]
    assert fake_rasa.received == []


def test_bad_input_in_a_session_changes_nothing(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    session_id = start(client, fake_rasa, {"text": "Hoe staat het?", "buttons": SCALE_BUTTONS})
    before = store.get(session_id)

    for body in ({"text": ""}, {"text": "y" * 5000}, {"payload": "/stop"}):
        response = client.post(CHAT, json={"session_id": session_id, **body})
        assert_problem(response, 422)

    assert store.get(session_id) == before
    assert len(fake_rasa.received) == 1
    # the offered buttons still work
    assert client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[1]["payload"]}).status_code == 200


def test_text_at_the_limit_is_accepted_and_trimmed(client: TestClient, fake_rasa: FakeRasa) -> None:
    text = "a" * 2000

    response = client.post(CHAT, json={"text": f"  {text}\n"})

    assert response.status_code == 200
    assert fake_rasa.received[-1][1] == text


def test_limit_comes_from_settings(tmp_path, fake_rasa: FakeRasa) -> None:
    app = build_app(make_settings(tmp_path, max_message_chars=10), fake_rasa)
    with TestClient(app) as client:
        assert client.post(CHAT, json={"text": "0123456789"}).status_code == 200
        response = client.post(CHAT, json={"text": "0123456789!"})

    assert_problem(response, 422, "Uw bericht is te lang (maximaal 10 tekens).")
    assert len(fake_rasa.received) == 1


@pytest.mark.parametrize(
    ("typed", "relayed"),
    [
        ('/start_scan{"fase": "bestendigen"}', 'start_scan{"fase": "bestendigen"}'),
        ("  / /restart", "restart"),
        ("//stop", "stop"),
        ("Ik wil de scan doen / nu", "Ik wil de scan doen / nu"),
    ],
)
def test_typed_text_never_reaches_rasa_with_a_leading_slash(
    client: TestClient, fake_rasa: FakeRasa, typed: str, relayed: str
) -> None:
    response = client.post(CHAT, json={"text": typed})

    assert response.status_code == 200
    assert fake_rasa.received[-1][1] == relayed
    assert not fake_rasa.received[-1][1].startswith("/")


def test_control_characters_are_removed(client: TestClient, fake_rasa: FakeRasa) -> None:
    assert client.post(CHAT, json={"text": "ja\x00 hoor\x1b"}).status_code == 200
    assert fake_rasa.received[-1][1] == "ja hoor"


# --- payloads ----------------------------------------------------------------------------------


def test_offered_payload_is_relayed_as_is(client: TestClient, fake_rasa: FakeRasa) -> None:
    question = {"text": "Zien de partners dat ze elkaar nodig hebben?", "buttons": SCALE_BUTTONS}
    session_id = start(client, fake_rasa, question)

    response = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[2]["payload"]})

    assert response.status_code == 200
    assert fake_rasa.received[-1] == (session_id, '/antwoord{"waarde": "5"}')


def test_payload_not_offered_is_refused_and_not_relayed(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})

    response = client.post(CHAT, json={"session_id": session_id, "payload": '/antwoord{"waarde": "4"}'})

    assert_problem(response, 422, NOT_OFFERED)
    assert len(fake_rasa.received) == 1


def test_only_the_last_reply_buttons_count(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})
    yes_no = [{"title": "Ja", "payload": "/ja"}, {"title": "Nee", "payload": "/nee"}]
    fake_rasa.reply({"text": "Vraag 2", "buttons": yes_no})
    assert client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[0]["payload"]}).status_code == 200

    stale = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[0]["payload"]})
    current = client.post(CHAT, json={"session_id": session_id, "payload": "/nee"})

    assert_problem(stale, 422, NOT_OFFERED)
    assert current.status_code == 200
    assert [m for _, m in fake_rasa.received] == ["hallo", SCALE_BUTTONS[0]["payload"], "/nee"]


def test_a_reply_without_buttons_withdraws_earlier_ones(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})
    fake_rasa.reply({"text": "Goed, vertel eens meer."})
    client.post(CHAT, json={"session_id": session_id, "text": "eerst een vraag"})

    response = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[1]["payload"]})

    assert_problem(response, 422, NOT_OFFERED)


def test_payload_without_session_is_refused_and_creates_nothing(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    response = client.post(CHAT, json={"payload": "/start_scan"})

    assert_problem(response, 422, NOT_OFFERED)
    assert fake_rasa.received == []
    assert store.count() == 0


def test_buttons_of_one_session_are_not_valid_in_another(client: TestClient, fake_rasa: FakeRasa) -> None:
    first = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})
    second = start(client, fake_rasa, {"text": "Waarmee kan ik helpen?"})

    response = client.post(CHAT, json={"session_id": second, "payload": SCALE_BUTTONS[0]["payload"]})

    assert_problem(response, 422, NOT_OFFERED)
    assert client.post(CHAT, json={"session_id": first, "payload": SCALE_BUTTONS[0]["payload"]}).status_code == 200


# --- replies and custom messages ---------------------------------------------------------------


def test_replies_are_passed_on_in_the_contract_shape(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.reply(
        {"text": "Welkom bij de scan."},
        {"text": "Vraag 1", "buttons": SCALE_BUTTONS + [{"title": "kapot"}]},
        {"image": "https://example.org/plaatje.png"},
        {"custom": {"type": "answer", "sources": [{"document": "handreiking", "section": "1.3"}]}},
    )

    body = client.post(CHAT, json={"text": "start"}).json()

    assert body["messages"] == [
        {"text": "Welkom bij de scan."},
        {"text": "Vraag 1", "buttons": SCALE_BUTTONS},
        {"custom": {"type": "answer", "sources": [{"document": "handreiking", "section": "1.3"}]}},
    ]


def test_progress_is_stored_and_answers_are_not_sent_to_the_client(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})
    answers = {"u_elkaar_nodig": "Gedeeltelijk", "u_doelen_eens": "best goed"}
    fake_rasa.reply(
        {"text": "Vraag 3", "buttons": SCALE_BUTTONS},
        {"custom": {"type": "progress", "answered": 2, "total": 35, "answers": answers}},
    )

    body = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[1]["payload"]}).json()

    assert body["messages"][1] == {"custom": {"type": "progress", "answered": 2, "total": 35}}
    assert "answers" not in json.dumps(body)
    record = store.get(session_id)
    assert record is not None
    assert (record.progress.answered, record.progress.total) == (2, 35)
    assert record.answers == answers
    assert record.result is None


def test_malformed_progress_is_passed_on_but_not_stored(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    fake_rasa.reply({"custom": {"type": "progress", "answered": "twee", "total": 35, "answers": {"x": "y"}}})

    body = client.post(CHAT, json={"text": "start"}).json()

    assert body["messages"] == [{"custom": {"type": "progress", "answered": "twee", "total": 35}}]
    record = store.get(body["session_id"])
    assert record is not None and record.progress is None and record.answers == {}


def diagnosis_result() -> dict[str, Any]:
    return {
        "completed": True,
        "progress": {"answered": 35, "total": 35},
        "respondents": 1,
        "dimensions": {"vertrouwen": {"score": 3.5, "level": "matig", "confidence": 0.8,
                                      "subdimensions": {}, "answers": []}},
        "phase": {"id": "verkennen", "label": "Verkennen en concretiseren", "confidence": 0.6,
                  "signals": [], "stated_by_user": None},
        "role": {"id": "mediator", "label": "Verbinder", "rationale": "Het vertrouwen is matig."},
        "also_roles": [],
        "advice": [],
        "caveats": ["Dit resultaat berust op het beeld van één persoon."],
    }


def test_diagnosis_is_stored_and_fetched(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    session_id = start(client, fake_rasa, {"text": "Laatste vraag", "buttons": SCALE_BUTTONS})
    result = diagnosis_result()
    fake_rasa.reply(
        {"text": "Dank u. Hier is het resultaat."},
        {"custom": {"type": "progress", "answered": 35, "total": 35, "answers": {"u_elkaar_nodig": "3"}}},
        {"custom": {"type": "diagnosis", "result": result}},
    )

    body = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[0]["payload"]}).json()
    fetched = client.get(f"/api/v1/sessions/{session_id}/diagnosis")

    assert body["messages"][2] == {"custom": {"type": "diagnosis", "result": result}}
    assert store.get(session_id).result == result
    assert fetched.status_code == 200
    assert fetched.json() == {"session_id": session_id, **result, "completed": True}
    assert fetched.json()["phase"]["stated_by_user"] is None  # nulls inside results survive


def test_progress_zero_after_a_result_clears_it(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    session_id = start(client, fake_rasa, {"custom": {"type": "diagnosis", "result": diagnosis_result()}})
    assert store.get(session_id).result is not None
    fake_rasa.reply({"text": "We beginnen opnieuw."}, {"custom": {"type": "progress", "answered": 0, "total": 35}})

    client.post(CHAT, json={"session_id": session_id, "text": "opnieuw beginnen"})

    record = store.get(session_id)
    assert record.result is None
    assert record.progress.answered == 0
    assert record.answers == {}


def test_progress_after_a_result_keeps_it_unless_zero(
    client: TestClient, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    session_id = start(client, fake_rasa, {"custom": {"type": "diagnosis", "result": diagnosis_result()}})
    fake_rasa.reply({"custom": {"type": "progress", "answered": 34, "total": 35}})

    client.post(CHAT, json={"session_id": session_id, "text": "vertrouwen opnieuw"})

    assert store.get(session_id).result == diagnosis_result()


# --- Rasa outages ------------------------------------------------------------------------------


def test_rasa_down_is_a_503_apology_then_recovers(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})
    before = store.get(session_id)
    fake_rasa.down = True

    new = client.post(CHAT, json={"text": "hallo"})
    existing = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[0]["payload"]})

    for response in (new, existing):
        assert_problem(response, 503, UNAVAILABLE)
        assert response.headers["retry-after"] == "60"
    assert store.count() == 1
    assert store.get(session_id) == before

    fake_rasa.down = False
    again = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[0]["payload"]})

    assert again.status_code == 200
    assert fake_rasa.received[-1] == (session_id, SCALE_BUTTONS[0]["payload"])


@pytest.mark.parametrize(
    "outage",
    [
        lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused", request=request)),
        lambda request: (_ for _ in ()).throw(httpx.ReadTimeout("timed out", request=request)),
        lambda request: httpx.Response(500, text="Internal Server Error"),
        lambda request: httpx.Response(200, text="<html>proxy</html>"),
    ],
    ids=["refused", "timeout", "http-500", "not-json"],
)
def test_real_client_outage_then_recovery_without_restart(tmp_path, mock_rasa_client, outage) -> None:
    state = {"down": True, "seen": []}

    def handler(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == f"{RASA_URL}/webhooks/rest/webhook"
        if state["down"]:
            return outage(request)
        body = json.loads(request.content)
        state["seen"].append(body)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": "Daar ben ik weer."}])

    app = build_app(make_settings(tmp_path), None)
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    rasa = mock_rasa_client(handler)
    with TestClient(app) as client:
        down = client.post(CHAT, json={"text": "hallo"})
        state["down"] = False
        up = client.post(CHAT, json={"text": "hallo"})
        store: SessionStore = app.state.store
        count = store.count()

    assert_problem(down, 503, UNAVAILABLE)
    assert up.status_code == 200
    assert up.json()["messages"] == [{"text": "Daar ben ik weer."}]
    assert state["seen"] == [{"sender": up.json()["session_id"], "message": "hallo"}]
    assert count == 1


# --- persistence -------------------------------------------------------------------------------


def test_sessions_and_offered_buttons_survive_a_restart(tmp_path, fake_rasa: FakeRasa) -> None:
    settings = make_settings(tmp_path)
    with TestClient(build_app(settings, fake_rasa)) as client:
        session_id = start(client, fake_rasa, {"text": "Vraag 1", "buttons": SCALE_BUTTONS})

    with TestClient(build_app(settings, fake_rasa)) as client:
        response = client.post(CHAT, json={"session_id": session_id, "payload": SCALE_BUTTONS[1]["payload"]})

    assert response.status_code == 200
    assert (tmp_path / "gateway.sqlite3").exists()
