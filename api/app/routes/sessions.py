"""``/api/v1/sessions/{session_id}/…``: what the gateway keeps per conversation."""

import logging
from typing import Any

from fastapi import APIRouter
from knowledge.engine import diagnose
from knowledge.errors import AnswerError

from app.core.problems import Problem
from app.deps import KnowledgeDep, StoreDep
from app.models import DiagnosisResult, ProblemDetails

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/sessions", tags=["sessions"])


@router.get(
    "/{session_id}/diagnosis",
    summary="The session's diagnosis: the stored result, or the result so far while the scan runs",
    responses={
        200: {"model": DiagnosisResult},
        404: {"model": ProblemDetails, "description": "Unknown session, or no scan started"},
    },
)
def get_diagnosis(session_id: str, store: StoreDep, kb: KnowledgeDep) -> dict[str, Any]:
    record = store.get(session_id)
    if record is None:
        raise Problem(404, "Dit gesprek bestaat niet (meer).", type_="session-not-found",
                      title="Gesprek niet gevonden")
    if not record.scan_started:
        raise Problem(404, "In dit gesprek is nog geen scan gestart.", type_="no-diagnosis",
                      title="Geen scan")
    if record.result is not None:
        return _with_session(session_id, record.result, completed=True)
    answers = dict(record.answers)
    while True:
        try:
            result = diagnose(kb, answers)
            break
        except AnswerError as exc:
            # The bot accepted these answers, so the engine refusing one is a mismatch between the
            # two: leave that answer out of the result so far rather than showing nothing.
            if exc.question_id not in answers:
                logger.error("result so far failed: %s", exc.detail)
                raise Problem(500, "Het tussenresultaat kon niet worden berekend.", type_="diagnosis-failed",
                              title="Tussenresultaat mislukt") from None
            logger.warning("stored answer to %s left out of the result so far: %s", exc.question_id, exc.detail)
            del answers[exc.question_id]
    result = _with_session(session_id, result, completed=False)
    if record.progress is not None:
        result["progress"] = {"answered": record.progress.answered, "total": record.progress.total}
    return result


def _with_session(session_id: str, result: dict[str, Any], *, completed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"session_id": session_id}
    out.update(result)
    out["session_id"], out["completed"] = session_id, completed
    return out
