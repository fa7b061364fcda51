"""The Rasa client against an httpx.MockTransport: what it sends and how it fails."""

import asyncio
import json

import httpx
import pytest

from app.core.rasa_client import ConversationNotErased, RasaClient, RasaUnavailable

from ..support import ACTIONS_URL, RASA_URL


def run(coro):
    return asyncio.run(coro)


async def send(handler, message: str = "hallo"):
    client = RasaClient(RASA_URL, ACTIONS_URL, transport=httpx.MockTransport(handler))
    try:
        return await client.send_message("sessie-1", message)
    finally:
        await client.aclose()


def test_posts_sender_and_message_to_the_rest_channel() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"recipient_id": "sessie-1", "text": "Hoi"}, "rommel"])

    replies = run(send(handler, "Wat is een kantelmoment?"))

    assert replies == [{"recipient_id": "sessie-1", "text": "Hoi"}]
    assert seen[0].method == "POST"
    assert str(seen[0].url) == f"{RASA_URL}/webhooks/rest/webhook"
    assert json.loads(seen[0].content) == {"sender": "sessie-1", "message": "Wat is een kantelmoment?"}


@pytest.mark.parametrize(
    "handler",
    [
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)),
        lambda r: httpx.Response(502),
        lambda r: httpx.Response(500, json=[]),
        lambda r: httpx.Response(404, json={"message": "not found"}),
        lambda r: httpx.Response(200, text="geen json"),
        lambda r: httpx.Response(200, json={"text": "geen lijst"}),
    ],
    ids=["refused", "timeout", "502", "500-with-a-list", "404", "not-json", "not-a-list"],
)
def test_every_failure_is_rasa_unavailable(handler) -> None:
    with pytest.raises(RasaUnavailable):
        run(send(handler))


def test_timeout_setting_is_applied() -> None:
    client = RasaClient(RASA_URL, ACTIONS_URL, timeout_seconds=7.5)
    try:
        assert client._http.timeout.read == 7.5
    finally:
        run(client.aclose())


# --- erasing a conversation (DELETE /api/v1/sessions/{id}) ----------------------------------------

SESSION_START_ONLY = {"sender_id": "s", "events": [
    {"event": "action", "name": "action_session_start"}, {"event": "session_started"},
    {"event": "action", "name": "action_listen"}]}


async def erase(handler, sender: str = "sessie-1", token: str | None = "geheim"):
    client = RasaClient(RASA_URL, ACTIONS_URL, auth_token=token, transport=httpx.MockTransport(handler))
    try:
        await client.erase_conversation(sender)
    finally:
        await client.aclose()


def test_erase_replaces_the_events_with_an_empty_list_then_reads_the_tracker_back() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "PUT":
            return httpx.Response(200, json={"sender_id": "a/b c", "events": []})
        return httpx.Response(200, json=SESSION_START_ONLY)

    run(erase(handler, sender="a/b c"))

    put, get = seen
    assert put.method == "PUT"
    assert put.url.raw_path.decode().startswith("/conversations/a%2Fb%20c/tracker/events?")
    assert put.url.params["token"] == "geheim"
    assert json.loads(put.content) == []
    assert get.method == "GET"
    assert get.url.raw_path.decode().startswith("/conversations/a%2Fb%20c/tracker?")
    assert get.url.params["include_events"] == "ALL" and get.url.params["token"] == "geheim"


def test_erase_without_a_token_sends_none() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=SESSION_START_ONLY)

    run(erase(handler, token=None))

    assert all("token" not in r.url.params for r in seen)


@pytest.mark.parametrize(
    "kept",
    [
        {"event": "user", "text": "Wij zijn met twaalf partners"},
        {"event": "bot", "text": "Dank u."},
        {"event": "slot", "name": "u_elkaar_nodig", "value": 3},
    ],
    ids=["user", "bot", "slot"],
)
def test_erase_fails_when_rasa_kept_messages(kept) -> None:
    # what Rasa 3.6's SQLTrackerStore does: PUT answers 200 but only appends, so nothing is removed
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            return httpx.Response(200, json={"events": []})
        return httpx.Response(200, json={"events": [*SESSION_START_ONLY["events"], kept]})

    with pytest.raises(ConversationNotErased):
        run(erase(handler))


@pytest.mark.parametrize(
    "handler",
    [
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
        lambda r: httpx.Response(401, json={"message": "wrong token"}),
        lambda r: httpx.Response(500, json={}),
        lambda r: httpx.Response(200, json=[]) if r.method == "GET" else httpx.Response(200, json={}),
        lambda r: httpx.Response(503) if r.method == "GET" else httpx.Response(200, json={}),
    ],
    ids=["refused", "401", "500", "tracker-not-an-object", "tracker-read-fails"],
)
def test_erase_failures_are_rasa_unavailable(handler) -> None:
    with pytest.raises(RasaUnavailable):
        run(erase(handler))
