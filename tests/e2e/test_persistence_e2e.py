"""Conversations (Rasa's SQL tracker store) and results (the gateway's store) survive a restart
of every service. Runs last in this folder: it restarts the shared services."""

from .conftest import Chat, call


def test_zz_scan_continues_after_every_service_restarts(base_url, services):
    chat = Chat(base_url)
    chat.say("ik wil de scan doen")
    chat.say("grotendeels")
    chat.say("nauwelijks")
    assert "Vraag 3 van" in chat.texts()

    services.stop()
    services.start()
    services.wait_ready(timeout=240)

    status, _, result = call(base_url, "GET", f"/api/v1/sessions/{chat.session_id}/diagnosis")
    assert status == 200 and result["progress"]["answered"] == 2
    chat.say("ja hoor")  # the bot remembers where the form was
    assert "Vraag 4 van" in chat.texts()
