"""Read-only reference data: ``GET /api/v1/questionnaire`` and ``GET /api/v1/knowledge[/{kind}[/{id}]]``.

Everything comes from the validated knowledge base (``knowledge.get_knowledge()``). Every
``source`` reference in the answers also carries a display ``label``
("Handreiking Samenspel lokale coalities, §1.2.4"), so clients need not resolve document ids.
"""

import copy
from typing import Any

from fastapi import APIRouter
from knowledge import KnowledgeBase
from knowledge.parsing import option_labels

from app.core.problems import Problem
from app.deps import KnowledgeDep
from app.models import KnowledgeIndex, KnowledgeList, ProblemDetails, Question, Questionnaire

router = APIRouter(tags=["knowledge"])

# kind in the URL -> kind in the knowledge base (None: handled separately)
KINDS: dict[str, str | None] = {
    "sources": "documents",
    "dimensions": "dimensions",
    "phases": "phases",
    "roles": "roles",
    "partners": "partners",
    "conditions": "conditions",
    "concepts": "concepts",
    "cases": "cases",
    "questionnaire": None,
    "rules": None,
    "advice": "advice",
}
KIND_LIST = ", ".join(KINDS)


def question_out(kb: KnowledgeBase, question: dict[str, Any]) -> dict[str, Any]:
    """A question as the API shows it: its buttons as (label, value) and a labelled source."""
    return {
        "id": question["id"],
        "dimension": question["dimension"],
        "subdimension": question.get("subdimension"),
        "type": question["type"],
        "text": question["text"].strip(),
        "why": question["why"].strip(),
        "options": [{"label": label, "value": value} for label, value in option_labels(kb, question["id"])],
        "source": _labelled_source(kb, question["source"]),
        "basis": question["basis"],
    }


def _labelled_source(kb: KnowledgeBase, source: dict[str, Any]) -> dict[str, Any]:
    return {**source, "label": kb.source_label(source)}


def with_source_labels(kb: KnowledgeBase, value: Any) -> Any:
    """A deep copy of ``value`` in which every ``source: {document, section}`` has a ``label``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "source" and isinstance(item, dict) and "document" in item and "section" in item:
                out[key] = _labelled_source(kb, copy.deepcopy(item))
            else:
                out[key] = with_source_labels(kb, item)
        return out
    if isinstance(value, list):
        return [with_source_labels(kb, item) for item in value]
    return copy.deepcopy(value)


def _items(kb: KnowledgeBase, kind: str) -> list[dict[str, Any]]:
    if kind == "questionnaire":
        return [question_out(kb, q) for q in kb.questions]
    stored = KINDS[kind]
    assert stored is not None
    return [with_source_labels(kb, item) for item in kb.items(stored)]


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise Problem(404, f"Onbekende soort kennis '{kind}'. Kies uit: {KIND_LIST}.", type_="unknown-kind",
                      title="Onbekende soort", kinds=list(KINDS))


@router.get(
    "/questionnaire",
    response_model=Questionnaire,
    summary="The diagnosis questions, in order, with their buttons, why they are asked and their source",
)
def get_questionnaire(kb: KnowledgeDep) -> dict[str, Any]:
    return {"version": kb.questionnaire["version"], "questions": [question_out(kb, q) for q in kb.questions]}


@router.get("/knowledge", response_model=KnowledgeIndex, summary="The kinds of knowledge and how many items each has")
def get_knowledge_index(kb: KnowledgeDep) -> dict[str, Any]:
    kinds = []
    for kind, stored in KINDS.items():
        if kind == "rules":
            count = 1
        elif kind == "questionnaire":
            count = len(kb.questions)
        else:
            assert stored is not None
            count = len(kb.items(stored))
        kinds.append({"kind": kind, "count": count, "href": f"/api/v1/knowledge/{kind}"})
    return {"kinds": kinds}


@router.get(
    "/knowledge/{kind}",
    response_model=KnowledgeList | dict[str, Any],
    summary="All items of one kind (`rules`: the rules as one object)",
    responses={
        200: {"description": "`{kind, items}`; for `rules` the rules object itself"},
        404: {"model": ProblemDetails, "description": "Unknown kind"},
    },
)
def get_knowledge_kind(kind: str, kb: KnowledgeDep) -> KnowledgeList | dict[str, Any]:
    _check_kind(kind)
    if kind == "rules":
        return with_source_labels(kb, kb.rules)
    return KnowledgeList(kind=kind, items=_items(kb, kind))


@router.get(
    "/knowledge/{kind}/{item_id}",
    summary="One item by id (`rules`: one part of the rules, e.g. `levels`, `roles`, `caveats`)",
    responses={
        200: {
            "description": "The item",
            "content": {"application/json": {"example": {
                "id": "netwerkdip", "label": "Netwerkdip", "answer": "…",
                "source": {"document": "handreiking", "section": "1.2.5",
                           "label": "Handreiking Samenspel lokale coalities, §1.2.5"},
                "basis": "source"}}},
        },
        404: {"model": ProblemDetails, "description": "Unknown kind or id"},
    },
)
def get_knowledge_item(kind: str, item_id: str, kb: KnowledgeDep) -> Any:
    _check_kind(kind)
    if kind == "rules":
        if item_id in kb.rules and item_id != "version":
            return with_source_labels(kb, kb.rules[item_id])
    elif kind == "questionnaire":
        if kb.has("questions", item_id):
            return Question.model_validate(question_out(kb, kb.question(item_id))).model_dump()
    else:
        stored = KINDS[kind]
        assert stored is not None
        if kb.has(stored, item_id):
            return with_source_labels(kb, kb.item(stored, item_id))
    raise Problem(404, f"'{item_id}' bestaat niet bij {kind}.", type_="unknown-item", title="Onbekend item")
