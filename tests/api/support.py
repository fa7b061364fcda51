"""Helpers for the gateway tests: a fake Rasa, settings and app builders, problem assertions."""

from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from app.core.config import Settings
from app.core.rasa_client import ConversationNotErased, RasaUnavailable, ServiceCheck
from app.deps import get_rasa_client
from app.main import create_app

RASA_URL = "http://rasa.test:5005"
ACTIONS_URL = "http://actions.test:5055"


class FakeRasa:
    """Stands in for :class:`RasaClient`: replies from a script, records every relayed message and
    every conversation it was asked to erase (``erased``; ``keeps_events`` plays a tracker store that
    does not replace events)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.erased: list[str] = []
        self.script: list[list[dict[str, Any]]] = []
        self.down = False
        self.keeps_events = False
        self.rasa_check = ServiceCheck(True)
        self.actions_check = ServiceCheck(True)

    def reply(self, *messages: dict[str, Any]) -> None:
        """Queue the bot's reply (a list of REST-channel messages) for the next turn."""
        self.script.append(list(messages))

    async def send_message(self, sender: str, message: str) -> list[dict[str, Any]]:
        if self.down:
            raise RasaUnavailable("connection refused")
        self.received.append((sender, message))
        messages = self.script.pop(0) if self.script else [{"text": "Hallo! Waarmee kan ik u helpen?"}]
        return [{"recipient_id": sender, **m} for m in messages]

    async def erase_conversation(self, sender: str) -> None:
        if self.down:
            raise RasaUnavailable("connection refused")
        if self.keeps_events:
            raise ConversationNotErased("2 events remain")
        self.erased.append(sender)

    async def rasa_status(self) -> ServiceCheck:
        return self.rasa_check

    async def action_server_health(self) -> ServiceCheck:
        return self.actions_check


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "rasa_url": RASA_URL,
        "rasa_auth_token": None,
        "action_server_url": ACTIONS_URL,
        "cors_origins": [],
        "max_message_chars": 2000,
        "rasa_timeout_seconds": 5,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def build_app(settings: Settings, rasa: Any) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    return app


def assert_problem(response: httpx.Response, status: int, detail: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem with a (Dutch) detail; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"] and body["title"] and body["detail"]
    if detail is not None:
        assert body["detail"] == detail
    assert "Traceback" not in response.text
    return body
