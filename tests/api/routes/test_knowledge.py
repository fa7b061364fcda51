"""GET /api/v1/knowledge[/{kind}[/{id}]]: read-only knowledge from the real knowledge base."""

import json
import re

import pytest
from fastapi.testclient import TestClient
from knowledge import get_knowledge

from app.models import KnowledgeList

from ..support import assert_problem

BASE = "/api/v1/knowledge"
LIST_KINDS = {  # kind in the URL -> kind in the knowledge base
    "sources": "documents", "dimensions": "dimensions", "phases": "phases", "roles": "roles",
    "partners": "partners", "conditions": "conditions", "concepts": "concepts", "cases": "cases",
    "questionnaire": "questions", "advice": "advice",
}


@pytest.mark.parametrize(("kind", "stored"), sorted(LIST_KINDS.items()))
def test_each_kind_lists_all_its_items(client: TestClient, kind: str, stored: str) -> None:
    kb = get_knowledge()

    response = client.get(f"{BASE}/{kind}")

    assert response.status_code == 200, response.text
    body = response.json()
    KnowledgeList.model_validate(body)
    assert body["kind"] == kind
    expected = kb.questions if stored == "questions" else kb.items(stored)
    assert [item["id"] for item in body["items"]] == [item["id"] for item in expected]
    assert body["items"]


def test_phases_as_the_contract_check_reads_them(client: TestClient) -> None:
    k = client.get(f"{BASE}/phases").json()

    ids = {p.get("id") for p in (k if isinstance(k, list) else k.get("items", []))}  # contract_check.py

    assert {"initieren", "verkennen", "inrichten", "bestendigen", "doorontwikkelen"} <= ids


def test_every_source_gets_a_display_label_and_the_knowledge_base_is_not_changed(client: TestClient) -> None:
    kb = get_knowledge()

    phase = client.get(f"{BASE}/phases").json()["items"][0]
    first_tip = phase["tips"][0]["source"]

    assert phase["source"]["label"] == kb.source_label(kb.items("phases")[0]["source"])
    assert first_tip["label"].startswith("Handreiking Samenspel lokale coalities, ")  # nested entries too
    assert "label" not in kb.items("phases")[0]["source"]  # a copy was labelled, not the cached original
    assert "label" not in kb.items("phases")[0]["tips"][0]["source"]


def test_sources_are_the_documents_with_their_sections(client: TestClient) -> None:
    docs = {d["id"]: d for d in client.get(f"{BASE}/sources").json()["items"]}

    assert set(docs) == {"handreiking", "van-dijken-2020", "lagarde", "platform31", "leerbijeenkomst"}
    assert docs["handreiking"]["sections"]["1.2.4"] == "De samenwerking inrichten en markeren"


@pytest.mark.parametrize(
    ("path", "expected_id"),
    [
        ("concepts/netwerkdip", "netwerkdip"),
        ("sources/van-dijken-2020", "van-dijken-2020"),
        ("roles/aanjager", "aanjager"),
        ("questionnaire/u_elkaar_nodig", "u_elkaar_nodig"),
        ("advice/urg_wethouder_inzetten", "urg_wethouder_inzetten"),
    ],
)
def test_one_item_by_id(client: TestClient, path: str, expected_id: str) -> None:
    response = client.get(f"{BASE}/{path}")

    assert response.status_code == 200, response.text
    item = response.json()
    assert item["id"] == expected_id
    if "source" in item:
        assert item["source"]["label"]


def test_a_question_by_id_has_the_same_shape_as_in_the_questionnaire(client: TestClient) -> None:
    one = client.get(f"{BASE}/questionnaire/o_omvang_oordeel").json()
    listed = {q["id"]: q for q in client.get("/api/v1/questionnaire").json()["questions"]}

    assert one == listed["o_omvang_oordeel"]


def test_rules_are_one_object_and_its_parts_can_be_read(client: TestClient) -> None:
    kb = get_knowledge()

    rules = client.get(f"{BASE}/rules").json()
    levels = client.get(f"{BASE}/rules/levels").json()

    assert set(rules) == set(kb.rules)
    assert rules["version"] == kb.rules["version"]
    assert levels["thresholds"] == kb.rules["levels"]["thresholds"]
    assert levels["source"]["label"] == kb.source_label(kb.rules["levels"]["source"])
    assert [c["id"] for c in client.get(f"{BASE}/rules/caveats").json()] == [c["id"] for c in kb.rules["caveats"]]


def test_the_index_names_every_kind_with_its_count(client: TestClient) -> None:
    kb = get_knowledge()

    kinds = {k["kind"]: k for k in client.get(BASE).json()["kinds"]}

    assert set(kinds) == set(LIST_KINDS) | {"rules"}
    assert kinds["advice"]["count"] == len(kb.items("advice"))
    assert kinds["questionnaire"]["count"] == len(kb.questions)
    assert kinds["rules"] == {"kind": "rules", "count": 1, "href": f"{BASE}/rules"}


def test_unknown_kind_is_a_dutch_404(client: TestClient) -> None:
    for path in ("recepten", "recepten/soep", "documents"):  # 'documents' is called 'sources' here
        problem = assert_problem(client.get(f"{BASE}/{path}"), 404)
        assert "Onbekende soort kennis" in problem["detail"] and "sources" in problem["detail"]


@pytest.mark.parametrize("path", ["phases/fase_9", "questionnaire/bestaat_niet", "rules/version", "rules/x",
                                  "sources/handreiking-2"])
def test_unknown_id_is_a_dutch_404(client: TestClient, path: str) -> None:
    problem = assert_problem(client.get(f"{BASE}/{path}"), 404)

    assert "bestaat niet" in problem["detail"]


def test_openapi_documents_the_routes_and_every_reference_resolves(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    text = json.dumps(spec)

    for path in ("/api/v1/questionnaire", "/api/v1/knowledge", "/api/v1/knowledge/{kind}",
                 "/api/v1/knowledge/{kind}/{item_id}"):
        assert "get" in spec["paths"][path]
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', text))
    assert "KnowledgeList" in refs
    assert refs <= set(spec["components"]["schemas"]), refs - set(spec["components"]["schemas"])
    assert spec["components"]["schemas"]["KnowledgeList"]["examples"][0]["kind"] == "phases"
