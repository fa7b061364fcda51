"""``POST /api/v1/diagnoses``: stateless scoring for integrations (nothing is stored)."""

from typing import Any

from fastapi import APIRouter

from app.core.engine import InvalidAnswer, diagnose_answers
from app.core.problems import Problem
from app.deps import KnowledgeDep
from app.models import DiagnosisRequest, DiagnosisResult, ProblemDetails

router = APIRouter(prefix="/diagnoses", tags=["diagnoses"])


@router.post(
    "",
    summary="Score a set of answers (values or Dutch text) into a diagnosis",
    responses={
        200: {"model": DiagnosisResult},
        422: {"model": ProblemDetails, "description": "No answers, or an answer the engine cannot use"},
    },
)
def create_diagnosis(body: DiagnosisRequest, kb: KnowledgeDep) -> dict[str, Any]:
    try:
        return diagnose_answers(kb, body.answers)
    except InvalidAnswer as exc:
        extra = {"question_id": exc.question_id} if exc.question_id else {}
        raise Problem(422, exc.detail, type_="invalid-answer", title="Ongeldig antwoord", **extra) from None
