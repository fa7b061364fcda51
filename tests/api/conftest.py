"""Fixtures for the gateway tests: an app per test with its own data directory and a fake Rasa.

No test talks to a live service: Rasa is replaced through ``app.dependency_overrides`` by
:class:`~tests.api.support.FakeRasa` (scripted replies, records what it received) or by the real
:class:`~app.core.rasa_client.RasaClient` on an ``httpx.MockTransport``.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.rasa_client import RasaClient
from app.core.store import SessionStore

from .support import ACTIONS_URL, RASA_URL, FakeRasa, build_app, make_settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


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
