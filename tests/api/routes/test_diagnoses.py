"""POST /api/v1/diagnoses: stateless scoring for integrations."""

import pytest
from fastapi.testclient import TestClient

from app.core.store import SessionStore
from app.models import DiagnosisResult

from ..support import assert_problem

URL = "/api/v1/diagnoses"


@pytest.mark.parametrize(
    ("body", "detail_part"),
    [
        ({"answers": {}}, "Geef ten minste één antwoord."),
        ({}, "answers: Dit veld ontbreekt."),
        ({"answers": ["u_elkaar_nodig", 3]}, "answers: Verwacht een JSON-object."),
        ({"answers": {"u_elkaar_nodig": 3}, "sessie": "x"}, "sessie: Dit veld is onbekend."),
    ],
)
def test_bad_body_is_a_dutch_problem(client: TestClient, body: dict, detail_part: str) -> None:
    problem = assert_problem(client.post(URL, json=body), 422)
    assert detail_part in problem["detail"]


def test_values_and_dutch_text_are_scored(client: TestClient, store: SessionStore) -> None:
    answers = {"u_elkaar_nodig": 2, "u_doelen_eens": "best goed", "v_afspraken": "weet ik niet",
               "c_verantwoordelijk": "helemaal"}

    response = client.post(URL, json={"answers": answers})

    assert response.status_code == 200, response.text
    body = response.json()
    DiagnosisResult.model_validate(body)
    assert "session_id" not in body
    assert body["completed"] is False
    assert body["progress"]["answered"] == 4
    urgentie = body["dimensions"]["urgentiebesef"]
    assert urgentie["subdimensions"]["samenwerkingsbereidheid"]["score"] == 2.0
    assert urgentie["subdimensions"]["doelconsensus"]["score"] == 4.0
    assert body["dimensions"]["commitment"]["score"] == 5.0
    assert store.count() == 0  # nothing stored


@pytest.mark.parametrize(
    ("answers", "question_id", "detail_part"),
    [
        ({"bestaat_niet": 3}, "bestaat_niet", "bestaat_niet"),
        ({"u_elkaar_nodig": 9}, "u_elkaar_nodig", "1 tot en met 5"),
        ({"u_elkaar_nodig": "blablabla xyz"}, "u_elkaar_nodig", "kan ik niet lezen"),
    ],
)
def test_answer_the_engine_refuses_is_422_with_its_detail(
    client: TestClient, answers: dict, question_id: str, detail_part: str
) -> None:
    problem = assert_problem(client.post(URL, json={"answers": answers}), 422)

    assert problem["question_id"] == question_id
    assert detail_part in problem["detail"]
