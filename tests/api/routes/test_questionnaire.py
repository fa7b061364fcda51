"""GET /api/v1/questionnaire: the questions from the real knowledge base, with buttons and sources."""

from fastapi.testclient import TestClient
from knowledge import get_knowledge

from app.models import Questionnaire

URL = "/api/v1/questionnaire"


def test_lists_every_question_in_the_order_the_bot_asks_them(client: TestClient) -> None:
    kb = get_knowledge()

    response = client.get(URL)

    assert response.status_code == 200, response.text
    body = response.json()
    Questionnaire.model_validate(body)
    assert body["version"] == kb.questionnaire["version"]
    assert [q["id"] for q in body["questions"]] == [q["id"] for q in kb.questions]
    assert len(body["questions"]) >= 20


def test_a_scale_question_has_its_five_labels_and_weet_ik_niet_last(client: TestClient) -> None:
    questions = {q["id"]: q for q in client.get(URL).json()["questions"]}

    q = questions["u_elkaar_nodig"]

    assert q["dimension"] == "urgentiebesef" and q["subdimension"] == "samenwerkingsbereidheid"
    assert q["type"] == "scale"
    assert q["text"].startswith("Zien de partners")
    assert q["why"]
    assert q["options"] == [
        {"label": "Helemaal niet", "value": 1}, {"label": "Nauwelijks", "value": 2},
        {"label": "Gedeeltelijk", "value": 3}, {"label": "Grotendeels", "value": 4},
        {"label": "Helemaal", "value": 5}, {"label": "Weet ik niet", "value": "weet_niet"},
    ]


def test_choice_partner_and_number_questions_offer_their_own_values(client: TestClient) -> None:
    questions = {q["id"]: q for q in client.get(URL).json()["questions"]}

    assert questions["o_omvang_oordeel"]["options"][:3] == [
        {"label": "Te klein", "value": "te_klein"}, {"label": "Past goed", "value": "passend"},
        {"label": "Te groot", "value": "te_groot"}]
    assert {"label": "Inwoners", "value": ["inwoners"]} in questions["o_soorten_partners"]["options"]
    assert questions["o_aantal_partners"]["options"] == [{"label": "Weet ik niet", "value": "weet_niet"}]
    assert questions["f_procesregie"]["subdimension"] is None
    assert [o["value"] for o in questions["f_procesregie"]["options"]] == ["ja", "deels", "nee", "weet_niet"]


def test_every_question_has_a_labelled_source_and_weet_ik_niet(client: TestClient) -> None:
    kb = get_knowledge()

    for q in client.get(URL).json()["questions"]:
        raw = kb.question(q["id"])["source"]
        assert q["source"]["document"] == raw["document"] and q["source"]["section"] == str(raw["section"])
        assert q["source"]["label"] == kb.source_label(raw)
        assert q["basis"] in ("source", "inference")
        assert q["options"][-1] == {"label": "Weet ik niet", "value": "weet_niet"}, q["id"]


def test_openapi_documents_it_with_an_example(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()

    operation = spec["paths"]["/api/v1/questionnaire"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Questionnaire")
    example = spec["components"]["schemas"]["Questionnaire"]["examples"][0]
    assert example["questions"][0]["id"] == "u_elkaar_nodig"
