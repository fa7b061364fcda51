"""App-wide behaviour: demo page and static files, OpenAPI, problem+json everywhere, CORS, limits."""

import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.deps import get_store

from .support import FakeRasa, assert_problem, build_app, make_settings

CHAT = "/api/v1/chat"
ORIGIN = "https://intranet.gemeente.example"


def test_demo_page_is_served_at_root(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="nl">' in page
    # the demo intranet page embeds the widget with its one script tag, and loads nothing external
    assert re.findall(r"<script\b[^>]*>", page) == [
        '<script src="/static/widget.js" data-title="Coalitiecoach" data-color="#01689b" defer>']
    links = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: links.extend(v for k, v in attrs if k in ("src", "href") and v)
    parser.feed(page)
    assert links and not [link for link in links if re.match(r"(https?:)?//", link)]


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/demo.html").status_code == 200
    widget = client.get("/static/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.headers["content-type"]
    assert client.get("/static/widget.css").headers["content-type"].startswith("text/css")
    assert_problem(client.get("/static/bestaat-niet.js"), 404)


def test_openapi_is_published_under_v1(client: TestClient) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/chat", "/api/v1/sessions/{session_id}/diagnosis", "/api/v1/diagnoses",
            "/health", "/ready"} <= set(paths)
    assert "/" not in paths


def test_unknown_route_is_a_dutch_problem(client: TestClient) -> None:
    problem = assert_problem(client.get("/api/v1/bestaat-niet"), 404)
    assert problem["detail"] == "Deze pagina of bron bestaat niet."


def test_wrong_method_is_a_dutch_problem_with_allow(client: TestClient) -> None:
    response = client.get(CHAT)

    problem = assert_problem(response, 405)
    assert problem["detail"] == "Deze methode is hier niet toegestaan."
    assert "POST" in response.headers["allow"]


def test_oversized_body_is_refused_before_reading(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post(CHAT, content=b'{"text": "' + b"x" * 300_000 + b'"}',
                           headers={"Content-Type": "application/json"})

    assert_problem(response, 413, "De aanvraag is te groot.")
    assert fake_rasa.received == []


def test_unexpected_error_is_a_problem_without_a_trace(app: FastAPI) -> None:
    def broken_store():
        raise RuntimeError("geheime interne details")

    app.dependency_overrides[get_store] = broken_store
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post(CHAT, json={"text": "hallo"})

    problem = assert_problem(response, 500)
    assert "geheime" not in response.text
    assert problem["detail"].startswith("Er ging iets mis")


# --- CORS --------------------------------------------------------------------------------------


def preflight(client: TestClient, origin: str):
    return client.options(CHAT, headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                         "Access-Control-Request-Headers": "content-type"})


def test_cors_allows_only_the_configured_origin(tmp_path, fake_rasa: FakeRasa) -> None:
    app = build_app(make_settings(tmp_path, cors_origins=f"{ORIGIN}, https://andere.example"), fake_rasa)
    with TestClient(app) as client:
        allowed = preflight(client, ORIGIN)
        refused = preflight(client, "https://kwaadwillend.example")
        simple = client.post(CHAT, json={"text": "hallo"}, headers={"Origin": ORIGIN})
        other = client.post(CHAT, json={"text": "hallo"}, headers={"Origin": "https://kwaadwillend.example"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert simple.headers["access-control-allow-origin"] == ORIGIN
    assert "access-control-allow-origin" not in other.headers


@pytest.mark.parametrize("origin", [ORIGIN, "https://kwaadwillend.example"])
def test_no_cross_origin_access_by_default(client: TestClient, origin: str) -> None:
    response = client.post(CHAT, json={"text": "hallo"}, headers={"Origin": origin})

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-origin" not in preflight(client, origin).headers
