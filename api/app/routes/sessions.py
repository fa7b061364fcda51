"""``/api/v1/sessions/{session_id}[/…]``: what the gateway keeps per conversation — the diagnosis, its
report (HTML or PDF), and deleting the whole conversation."""

import logging
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse
from knowledge import KnowledgeBase
from knowledge.engine import diagnose
from knowledge.errors import AnswerError

from app.core.problems import Problem
from app.core.rasa_client import ConversationNotErased, RasaUnavailable
from app.core.report import PdfFailed, PdfUnavailable, build_report, render_html, render_pdf, report_filename
from app.core.store import SessionRecord, SessionStore
from app.deps import KnowledgeDep, RasaDep, SettingsDep, StoreDep
from app.models import DiagnosisResult, ProblemDetails

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/sessions", tags=["sessions"])

# The report holds what a user said about their coalition: never cached, never framed elsewhere,
# and it loads nothing from anywhere (styles and the chart are inline).
REPORT_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
    "Referrer-Policy": "no-referrer",
}


def _unknown_session() -> Problem:
    return Problem(404, "Dit gesprek bestaat niet (meer).", type_="session-not-found", title="Gesprek niet gevonden")


def session_result(session_id: str, store: SessionStore, kb: KnowledgeBase) -> tuple[dict[str, Any], SessionRecord]:
    """The session's diagnosis as ``GET …/diagnosis`` answers it, and the session's record.

    The stored result once the scan is done; while it runs, the result so far computed from the
    stored answers (nothing is stored). 404 when the session is unknown or no scan was started.
    """
    record = store.get(session_id)
    if record is None:
        raise _unknown_session()
    if not record.scan_started:
        raise Problem(404, "In dit gesprek is nog geen scan gestart.", type_="no-diagnosis",
                      title="Geen scan")
    if record.result is not None:
        return _with_session(session_id, record.result, completed=True), record
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
    return result, record


def _with_session(session_id: str, result: dict[str, Any], *, completed: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"session_id": session_id}
    out.update(result)
    out["session_id"], out["completed"] = session_id, completed
    return out


@router.get(
    "/{session_id}/diagnosis",
    summary="The session's diagnosis: the stored result, or the result so far while the scan runs",
    responses={
        200: {"model": DiagnosisResult},
        404: {"model": ProblemDetails, "description": "Unknown session, or no scan started"},
    },
)
def get_diagnosis(session_id: str, store: StoreDep, kb: KnowledgeDep) -> dict[str, Any]:
    result, _ = session_result(session_id, store, kb)
    return result


@router.get(
    "/{session_id}/report",
    summary="The diagnosis as a printable report in Dutch: HTML (default) or PDF",
    description="The same data as `GET …/diagnosis`: a radar chart of the four dimensions, the phase, "
                "the advised role, the next steps with their sources, caveats and the answers given. "
                "While the scan runs the report says it is not finished. `?format=pdf` prints it with "
                "headless Chromium; without Chromium on the server that is a 503 (the HTML still works).",
    response_class=HTMLResponse,
    responses={
        200: {"description": "The report",
              "content": {"text/html": {"example": "<!DOCTYPE html><html lang=\"nl\">…</html>"},
                          "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
        404: {"model": ProblemDetails, "description": "Unknown session, or no scan started"},
        503: {"model": ProblemDetails, "description": "PDF asked for but not available on this server"},
    },
)
def get_report(
    session_id: str,
    store: StoreDep,
    kb: KnowledgeDep,
    settings: SettingsDep,
    output: Annotated[Literal["html", "pdf"], Query(alias="format", description="html (default) or pdf")] = "html",
) -> Response:
    result, record = session_result(session_id, store, kb)
    when = record.completed_at if record.result is not None and record.completed_at else record.updated_at
    report = build_report(kb, result, timestamp=when, now=time.time())
    html = render_html(report)
    if output == "html":
        return HTMLResponse(html, headers=REPORT_HEADERS)
    try:
        pdf = render_pdf(html, settings.chromium_path, timeout=settings.pdf_timeout_seconds)
    except PdfUnavailable as exc:
        logger.warning("PDF asked for, but no PDF engine: %s", exc)
        raise Problem(503, "Een PDF maken is op deze server niet beschikbaar. Open het rapport als webpagina "
                           "en druk het af of bewaar het als PDF via uw browser.",
                      type_="pdf-unavailable", title="PDF niet beschikbaar") from None
    except PdfFailed as exc:
        logger.error("PDF failed: %s", exc)
        raise Problem(503, "Het maken van de PDF is niet gelukt. Probeer het later opnieuw, of open het rapport "
                           "als webpagina.", type_="pdf-failed", title="PDF mislukt",
                      headers={"Retry-After": "30"}) from None
    return Response(pdf, media_type="application/pdf", headers={
        **REPORT_HEADERS,
        "Content-Disposition": f'attachment; filename="{report_filename(report, "pdf")}"',
    })


@router.delete(
    "/{session_id}",
    status_code=204,
    summary="Delete the conversation and its result everywhere: the gateway's store and Rasa's tracker",
    description="Rasa's tracker is emptied first; only when that worked is the session removed from the "
                "gateway's store. So a 503 changes nothing and the call can simply be repeated.",
    responses={
        204: {"description": "Deleted"},
        404: {"model": ProblemDetails, "description": "Unknown session"},
        502: {"model": ProblemDetails, "description": "Rasa kept the messages (its tracker store cannot "
                                                      "replace events); nothing was deleted"},
        503: {"model": ProblemDetails, "description": "Rasa not reachable; nothing was deleted"},
    },
)
async def delete_session(session_id: str, store: StoreDep, rasa: RasaDep) -> Response:
    if not store.exists(session_id):
        raise _unknown_session()
    try:
        await rasa.erase_conversation(session_id)
    except RasaUnavailable:
        raise Problem(503, "Het gesprek kan nu niet worden verwijderd, omdat de assistent niet bereikbaar is. "
                           "Er is niets verwijderd; probeer het over een minuut opnieuw.",
                      type_="assistant-unavailable", title="Assistent niet bereikbaar",
                      headers={"Retry-After": "60"}) from None
    except ConversationNotErased:
        raise Problem(502, "Het gesprek kon niet volledig worden verwijderd: de assistent bewaart de berichten "
                           "nog. Er is niets verwijderd. Meld dit bij de beheerder.",
                      type_="conversation-not-erased", title="Verwijderen mislukt") from None
    store.delete(session_id)
    return Response(status_code=204)
