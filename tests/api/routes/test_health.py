"""GET /health and GET /ready, with the real RasaClient on a mock transport."""

from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.deps import get_rasa_client

from ..support import ACTIONS_URL, RASA_URL, FakeRasa, assert_problem

STATUS = {"model_file": "models/20261123.tar.gz", "model_id": "b0f1c2", "num_active_training_jobs": 0,
          "fingerprint": {"config": ["abc"]}}


def test_health_is_ok_without_rasa(client: TestClient, fake_rasa: FakeRasa) -> None:
    fake_rasa.down = True
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def services(rasa_status: Callable[[httpx.Request], httpx.Response],
             actions: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request]):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if str(request.url).startswith(f"{RASA_URL}/status"):
            return rasa_status(request)
        if str(request.url) == f"{ACTIONS_URL}/health":
            return actions(request)
        return httpx.Response(404)

    return handler


def ok_status(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=STATUS)


def ok_actions(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"status": "ok"})


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def ready_response(app: FastAPI, mock_rasa_client, rasa_status, actions, token: str | None = None):
    seen: list[httpx.Request] = []
    rasa = mock_rasa_client(services(rasa_status, actions, seen), token=token)
    app.dependency_overrides[get_rasa_client] = lambda: rasa
    with TestClient(app) as client:
        return client.get("/ready"), seen


def test_ready_when_model_loaded_and_actions_up(app: FastAPI, mock_rasa_client) -> None:
    response, seen = ready_response(app, mock_rasa_client, ok_status, ok_actions, token="geheim-token")

    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ready", "checks": {"rasa": "ok", "action_server": "ok"}}
    status_request = next(r for r in seen if r.url.path == "/status")
    assert status_request.url.params["token"] == "geheim-token"


def test_ready_sends_no_token_when_none_is_set(app: FastAPI, mock_rasa_client) -> None:
    response, seen = ready_response(app, mock_rasa_client, ok_status, ok_actions)

    assert response.status_code == 200
    assert "token" not in next(r for r in seen if r.url.path == "/status").url.params


@pytest.mark.parametrize(
    ("rasa_status", "actions", "named", "not_named"),
    [
        (refused, ok_actions, "Rasa", "actieserver"),
        (ok_status, refused, "actieserver", "Rasa"),
        (lambda r: httpx.Response(200, json={"model_file": None, "model_id": None, "fingerprint": {}}),
         ok_actions, "geen getraind model", "actieserver"),
        (lambda r: httpx.Response(401, json={"message": "User is not authenticated."}), ok_actions,
         "toegangstoken", "actieserver"),
        (lambda r: httpx.Response(500), lambda r: httpx.Response(503), "status 500", None),
    ],
    ids=["rasa-down", "actions-down", "no-model", "bad-token", "both-failing"],
)
def test_not_ready_names_what_is_missing(
    app: FastAPI, mock_rasa_client, rasa_status, actions, named, not_named
) -> None:
    response, _ = ready_response(app, mock_rasa_client, rasa_status, actions)

    problem = assert_problem(response, 503)
    assert named in problem["detail"]
    if not_named:
        assert not_named not in problem["detail"]
    else:
        assert "actieserver antwoordt met status 503" in problem["detail"]


def test_ready_recovers_when_rasa_comes_back(app: FastAPI, mock_rasa_client) -> None:
    state = {"up": False}
    rasa = mock_rasa_client(services(lambda r: ok_status(r) if state["up"] else refused(r), ok_actions, []))
    app.dependency_overrides[get_rasa_client] = lambda: rasa

    with TestClient(app) as client:
        before = client.get("/ready").status_code
        state["up"] = True
        after = client.get("/ready").status_code

    assert (before, after) == (503, 200)
