"""``POST /api/v1/chat``: relay one user turn to Rasa's REST channel and return the bot's replies.

The relay itself (text and payload guards, storing what the bot's ``custom`` messages carry) is
shared with the Teams channel: see :mod:`app.core.relay`.
"""

from fastapi import APIRouter

from app.core.problems import Problem
from app.core.relay import new_session_id, relay_turn, resolve_message
from app.core.store import SessionRecord
from app.deps import RasaDep, SettingsDep, StoreDep
from app.models import ChatRequest, ChatResponse, ProblemDetails

router = APIRouter(prefix="/chat", tags=["chat"])


def _unknown_session() -> Problem:
    return Problem(404, "Dit gesprek bestaat niet (meer). Begin een nieuw gesprek.", type_="session-not-found",
                   title="Gesprek niet gevonden")


@router.post(
    "",
    response_model=ChatResponse,
    response_model_exclude_none=True,
    summary="Send one user message or button choice and get the bot's replies",
    responses={
        404: {"model": ProblemDetails, "description": "Unknown session_id"},
        422: {"model": ProblemDetails, "description": "Empty or too long text, or a payload not offered"},
        503: {"model": ProblemDetails, "description": "Rasa not reachable"},
    },
)
async def post_chat(body: ChatRequest, settings: SettingsDep, store: StoreDep, rasa: RasaDep) -> ChatResponse:
    record: SessionRecord | None = None
    if body.session_id is not None:
        record = store.get(body.session_id)
        if record is None:
            raise _unknown_session()

    message = resolve_message(record, text=body.text, payload=body.payload, max_chars=settings.max_message_chars)
    session_id = record.id if record is not None else new_session_id()
    messages = await relay_turn(rasa, store, session_id, message, create=record is None)
    return ChatResponse(session_id=session_id, messages=messages)
