"""GET /api/v1/sessions/{session_id}/diagnosis: stored result, result so far, 404s."""

from typing import Any

from fastapi.testclient import TestClient

from app.core.store import SessionStore
from app.models import DiagnosisResult

from ..support import FakeRasa, assert_problem

CHAT = "/api/v1/chat"


def diagnosis_url(session_id: str) -> str:
    return f"/api/v1/sessions/{session_id}/diagnosis"


def turn(client: TestClient, fake_rasa: FakeRasa, session_id: str | None, *reply: dict[str, Any]) -> str:
    fake_rasa.reply(*reply)
    body = {"text": "verder"} if session_id is None else {"session_id": session_id, "text": "verder"}
    response = client.post(CHAT, json=body)
    assert response.status_code == 200, response.text
    return response.json()["session_id"]


def test_unknown_session_is_404(client: TestClient) -> None:
    problem = assert_problem(client.get(diagnosis_url("bestaat-niet")), 404)
    assert "gesprek" in problem["detail"]


def test_session_without_a_scan_is_404(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = turn(client, fake_rasa, None, {"text": "De netwerkdip is ..."})

    problem = assert_problem(client.get(diagnosis_url(session_id)), 404)

    assert problem["detail"] == "In dit gesprek is nog geen scan gestart."


def test_stored_result_is_returned_completed(client: TestClient, fake_rasa: FakeRasa) -> None:
    result = {"completed": True, "progress": {"answered": 27, "total": 27}, "dimensions": {}, "advice": [],
              "session_id": "iets-anders"}
    session_id = turn(client, fake_rasa, None, {"custom": {"type": "diagnosis", "result": result}})

    body = client.get(diagnosis_url(session_id)).json()

    assert body["session_id"] == session_id  # never another session's id from the result
    assert body["completed"] is True
    assert body["progress"] == {"answered": 27, "total": 27}


def test_result_so_far_while_the_scan_runs(client: TestClient, fake_rasa: FakeRasa, store: SessionStore) -> None:
    answers = {"u_elkaar_nodig": "Gedeeltelijk", "v_afspraken": {"value": 4, "text": "best goed"}}
    session_id = turn(client, fake_rasa, None, {"text": "Vraag 3"},
                      {"custom": {"type": "progress", "answered": 2, "total": 27, "answers": answers}})

    response = client.get(diagnosis_url(session_id))

    assert response.status_code == 200, response.text
    body = response.json()
    DiagnosisResult.model_validate(body)
    assert body["session_id"] == session_id
    assert body["completed"] is False
    assert body["progress"] == {"answered": 2, "total": 27}
    assert set(body["dimensions"]) == {"urgentiebesef", "vertrouwen", "omvang", "commitment"}
    urgentie = body["dimensions"]["urgentiebesef"]
    assert urgentie["score"] == 3.0 and urgentie["level"] == "matig"
    assert [a["text"] for a in body["dimensions"]["vertrouwen"]["answers"]] == ["best goed"]
    assert store.get(session_id).result is None  # computing the result so far stores nothing


def test_restarted_scan_shows_the_new_run_not_the_old_result(client: TestClient, fake_rasa: FakeRasa) -> None:
    session_id = turn(client, fake_rasa, None, {"custom": {"type": "diagnosis", "result": {"completed": True}}})
    turn(client, fake_rasa, session_id, {"custom": {"type": "progress", "answered": 0, "total": 27}})

    body = client.get(diagnosis_url(session_id)).json()

    assert body["completed"] is False
    assert body["progress"] == {"answered": 0, "total": 27}
    assert all(d["score"] is None for d in body["dimensions"].values())


def test_a_stored_answer_the_engine_refuses_is_left_out(client: TestClient, fake_rasa: FakeRasa) -> None:
    answers = {"u_elkaar_nodig": "Grotendeels", "o_aantal_partners": "gaat wel", "bestaat_niet": 3}
    session_id = turn(client, fake_rasa, None,
                      {"custom": {"type": "progress", "answered": 3, "total": 27, "answers": answers}})

    response = client.get(diagnosis_url(session_id))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["dimensions"]["urgentiebesef"]["score"] == 4.0
    assert body["dimensions"]["omvang"]["answers"] == []
    assert body["progress"] == {"answered": 3, "total": 27}


# --- DELETE /api/v1/sessions/{session_id} -------------------------------------------------------


def session_url(session_id: str) -> str:
    return f"/api/v1/sessions/{session_id}"


def scanned_session(client: TestClient, fake_rasa: FakeRasa) -> str:
    result = {"completed": True, "progress": {"answered": 27, "total": 27}, "dimensions": {}, "advice": []}
    return turn(client, fake_rasa, None, {"custom": {"type": "diagnosis", "result": result}})


def test_delete_removes_the_session_here_and_in_rasa(client: TestClient, fake_rasa: FakeRasa,
                                                     store: SessionStore) -> None:
    session_id = scanned_session(client, fake_rasa)
    other = scanned_session(client, fake_rasa)

    response = client.delete(session_url(session_id))

    assert response.status_code == 204, response.text
    assert response.content == b""
    assert fake_rasa.erased == [session_id]
    assert store.get(session_id) is None
    assert store.get(other) is not None and store.get(other).result is not None  # only that session
    assert_problem(client.get(diagnosis_url(session_id)), 404)
    assert_problem(client.post(CHAT, json={"session_id": session_id, "text": "hallo"}), 404)
    assert_problem(client.delete(session_url(session_id)), 404)  # gone: a second delete finds nothing


def test_delete_of_an_unknown_session_is_404_and_asks_rasa_nothing(client: TestClient, fake_rasa: FakeRasa) -> None:
    problem = assert_problem(client.delete(session_url("bestaat-niet")), 404)

    assert "gesprek" in problem["detail"]
    assert fake_rasa.erased == []


def test_delete_while_rasa_is_down_is_503_and_deletes_nothing(client: TestClient, fake_rasa: FakeRasa,
                                                              store: SessionStore) -> None:
    session_id = scanned_session(client, fake_rasa)
    fake_rasa.down = True

    response = client.delete(session_url(session_id))

    problem = assert_problem(response, 503)
    assert "niets verwijderd" in problem["detail"]
    assert response.headers["retry-after"] == "60"
    assert store.get(session_id) is not None and store.get(session_id).result is not None

    fake_rasa.down = False  # Rasa is back: the same call now works
    assert client.delete(session_url(session_id)).status_code == 204
    assert store.get(session_id) is None
    assert fake_rasa.erased == [session_id]


def test_delete_when_rasa_keeps_the_messages_is_502_and_deletes_nothing(client: TestClient, fake_rasa: FakeRasa,
                                                                        store: SessionStore) -> None:
    session_id = scanned_session(client, fake_rasa)
    fake_rasa.keeps_events = True

    problem = assert_problem(client.delete(session_url(session_id)), 502)

    assert "niet volledig" in problem["detail"]
    assert store.get(session_id) is not None
