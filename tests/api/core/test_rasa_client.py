"""The Rasa client against an httpx.MockTransport: what it sends and how it fails."""

import asyncio
import json

import httpx
import pytest

from app.core.rasa_client import RasaClient, RasaUnavailable

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
