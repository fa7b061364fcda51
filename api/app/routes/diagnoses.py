"""``POST /api/v1/diagnoses``: stateless scoring for integrations (nothing is stored)."""

from typing import Any

from fastapi import APIRouter
from knowledge.engine import diagnose
from knowledge.errors import AnswerError

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
        return diagnose(kb, body.answers)
    except AnswerError as exc:
        raise Problem(422, exc.detail, type_="invalid-answer", title="Ongeldig antwoord",
                      question_id=exc.question_id) from None
