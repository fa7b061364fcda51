"""Fixtures for the gateway tests: an app per test with its own data directory and a fake Rasa.

No test talks to a live service: Rasa is replaced through ``app.dependency_overrides`` by
:class:`FakeRasa` (scripted replies, records what it received) or by the real
:class:`~app.core.rasa_client.RasaClient` on an ``httpx.MockTransport``.
"""

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.rasa_client import RasaClient, RasaUnavailable, ServiceCheck
from app.core.store import SessionStore
from app.deps import get_knowledge_base, get_rasa_client
from app.main import create_app

RASA_URL = "http://rasa.test:5005"
ACTIONS_URL = "http://actions.test:5055"


def _engine_available() -> bool:
    try:
        importlib.import_module("knowledge.engine")
        importlib.import_module("knowledge.errors")
    except ImportError:
        return False
    return True


HAVE_ENGINE = _engine_available()
requires_engine = pytest.mark.skipif(not HAVE_ENGINE, reason="the knowledge engine is not installed yet")


class FakeRasa:
    """Stands in for :class:`RasaClient`: replies from a script, records every relayed message."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []
        self.script: list[list[dict[str, Any]]] = []
        self.down = False
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


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


def build_app(settings: Settings, rasa: Any) -> FastAPI:
    app = create_app(settings)
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    if not HAVE_ENGINE:
        # The knowledge package is not installed yet: tests that need it are skipped; the others
        # must not fail on loading it.
        app.dependency_overrides[get_knowledge_base] = lambda: None
    return app


@pytest.fixture
def app(settings: Settings, fake_rasa: FakeRasa) -> FastAPI:
    return build_app(settings, fake_rasa)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def store(client: TestClient, app: FastAPI) -> SessionStore:
    return app.state.store


@pytest.fixture
def mock_rasa_client() -> Callable[..., RasaClient]:
    """Makes the real RasaClient on an httpx.MockTransport with the given handler."""

    def make(handler: Callable[[httpx.Request], httpx.Response], token: str | None = None) -> RasaClient:
        return RasaClient(RASA_URL, ACTIONS_URL, auth_token=token, timeout_seconds=5,
                          transport=httpx.MockTransport(handler))

    return make


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
