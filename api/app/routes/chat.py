"""``POST /api/v1/chat``: relay one user turn to Rasa's REST channel and return the bot's replies.

Guards (DESIGN.md §6): typed text never reaches Rasa starting with ``/`` (its REST channel would
read ``/intent{...}`` as an intent with slot values), and a ``payload`` is forwarded only when it
is one of the buttons the bot offered in this session's last reply. The data the bot sends in
``custom`` messages is kept per session: progress and answers, and the diagnosis result.
"""

import re
import secrets
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter

from app.core.problems import Problem
from app.core.rasa_client import RasaUnavailable
from app.core.store import Progress, SessionRecord, TurnUpdate
from app.deps import RasaDep, SettingsDep, StoreDep
from app.models import Button, ChatRequest, ChatResponse, Message, ProblemDetails

router = APIRouter(prefix="/chat", tags=["chat"])

_LEADING_SLASHES = re.compile(r"^[\s/]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

UNAVAILABLE_DETAIL = "De assistent is even niet bereikbaar. Probeer het over een minuut opnieuw."


def new_session_id() -> str:
    """A random, unguessable session id (192 bits)."""
    return secrets.token_urlsafe(24)


def clean_text(text: str, max_chars: int) -> str:
    """Trimmed user text without control characters or leading slashes; :class:`Problem` if unusable."""
    text = _CONTROL_CHARS.sub("", text).strip()
    if not text:
        raise Problem(422, "Uw bericht is leeg. Typ een vraag of antwoord.", type_="empty-message",
                      title="Leeg bericht")
    if len(text) > max_chars:
        raise Problem(422, f"Uw bericht is te lang (maximaal {max_chars} tekens).", type_="message-too-long",
                      title="Bericht te lang", max_chars=max_chars)
    text = _LEADING_SLASHES.sub("", text)
    if not text:
        raise Problem(422, "Uw bericht bevat geen tekst. Typ een vraag of antwoord.", type_="empty-message",
                      title="Leeg bericht")
    return text


def _as_count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def interpret_replies(replies: Sequence[dict[str, Any]]) -> tuple[list[Message], TurnUpdate]:
    """The messages for the client and what the turn changes in the session."""
    messages: list[Message] = []
    update = TurnUpdate()
    offered: list[str] = []
    for reply in replies:
        text = reply.get("text") if isinstance(reply.get("text"), str) and reply.get("text") else None
        buttons = [
            Button(title=b["title"], payload=b["payload"])
            for b in reply.get("buttons") or []
            if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
        ]
        offered.extend(b.payload for b in buttons)
        custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else None
        if custom is not None:
            custom = _take_custom(custom, update)
        if text is not None or buttons or custom is not None:
            messages.append(Message(text=text, buttons=buttons or None, custom=custom))
    update.offered_payloads = list(dict.fromkeys(offered))
    return messages, update


def _take_custom(custom: dict[str, Any], update: TurnUpdate) -> dict[str, Any]:
    """Record the data of one custom message in ``update``; return what the client may see."""
    kind = custom.get("type")
    if kind == "progress":
        answers = custom.get("answers")
        answered, total = _as_count(custom.get("answered")), _as_count(custom.get("total"))
        if answered is not None and total is not None:
            update.progress = Progress(answered=answered, total=total)
            if isinstance(answers, dict):
                update.answers = {str(k): v for k, v in answers.items()}
            if answered == 0:  # the scan (re)started: an earlier result no longer applies
                update.result, update.clear_result = None, True
                if update.answers is None:
                    update.answers = {}
        return {k: v for k, v in custom.items() if k != "answers"}
    if kind == "diagnosis" and isinstance(custom.get("result"), dict):
        update.result, update.clear_result = custom["result"], False
    return custom


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

    if body.text is not None:
        message = clean_text(body.text, settings.max_message_chars)
    else:
        assert body.payload is not None
        if record is None or body.payload not in record.offered_payloads:
            raise Problem(422, "Deze keuze hoort niet bij dit gesprek.", type_="payload-not-offered",
                          title="Onbekende keuze")
        message = body.payload

    session_id = record.id if record is not None else new_session_id()
    try:
        replies = await rasa.send_message(session_id, message)
    except RasaUnavailable:
        raise Problem(503, UNAVAILABLE_DETAIL, type_="assistant-unavailable", title="Assistent niet bereikbaar",
                      headers={"Retry-After": "60"}) from None

    messages, update = interpret_replies(replies)
    store.record_turn(session_id, update, create=record is None)
    return ChatResponse(session_id=session_id, messages=messages)
