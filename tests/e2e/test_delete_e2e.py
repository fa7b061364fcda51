"""DELETE /api/v1/sessions/{id} removes the conversation from Rasa's tracker store and the result
from the gateway, for real."""

import json
import urllib.request

from .conftest import Chat, call


def tracker_events(services, session_id):
    url = (f"http://127.0.0.1:{services.config.rasa_port}/conversations/{session_id}/tracker"
           f"?token={services.token}&include_events=ALL")
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)["events"]


def test_delete_erases_conversation_and_result(base_url, services):
    chat = Chat(base_url)
    chat.say("ik wil de scan doen")
    chat.say("best goed")
    assert any(e["event"] == "user" for e in tracker_events(services, chat.session_id))

    status, _, _ = call(base_url, "DELETE", f"/api/v1/sessions/{chat.session_id}")
    assert status == 204
    assert not any(e["event"] in ("user", "bot", "slot") for e in tracker_events(services, chat.session_id))
    status, _, _ = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    assert status == 404
    status, _, _ = call(base_url, "DELETE", f"/api/v1/sessions/{chat.session_id}")
    assert status == 404
