"""One user turn relayed to Rasa's REST channel, shared by every channel (web chat, Teams).

Guards (DESIGN.md §6): typed text never reaches Rasa starting with ``/`` (its REST channel would
read ``/intent{...}`` as an intent with slot values), and a button ``payload`` is forwarded only
when it is one of the buttons the bot offered in this session's last reply. The data the bot sends
in ``custom`` messages is kept per session: progress and answers, and the diagnosis result.

Errors are raised as :class:`~app.core.problems.Problem` with a Dutch ``detail``; a channel that
cannot answer with problem+json (Teams) shows that detail to the user instead.
"""

import re
import secrets
from collections.abc import Sequence
from typing import Any

from app.core.problems import Problem
from app.core.rasa_client import RasaClient, RasaUnavailable
from app.core.store import Progress, SessionRecord, SessionStore, TurnUpdate
from app.models import Button, Message

_LEADING_SLASHES = re.compile(r"^[\s/]+")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

UNAVAILABLE_DETAIL = "De assistent is even niet bereikbaar. Probeer het over een minuut opnieuw."
NOT_OFFERED_DETAIL = "Deze keuze hoort niet bij dit gesprek."
NOT_OFFERED_TYPE = "payload-not-offered"


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


def resolve_message(record: SessionRecord | None, *, text: str | None, payload: str | None,
                    max_chars: int) -> str:
    """What to send to Rasa for this turn: the cleaned ``text``, or ``payload`` if the bot offered it.

    Exactly one of ``text`` and ``payload`` is given; :class:`Problem` (422) when it is unusable.
    """
    if text is not None:
        return clean_text(text, max_chars)
    if payload is None or record is None or payload not in record.offered_payloads:
        raise Problem(422, NOT_OFFERED_DETAIL, type_=NOT_OFFERED_TYPE, title="Onbekende keuze")
    return payload


async def relay_turn(rasa: RasaClient, store: SessionStore, session_id: str, message: str, *,
                     create: bool) -> list[Message]:
    """Send ``message`` to Rasa as ``session_id``, store what the turn changes, return the bot's messages.

    ``create`` makes the session in the store in the same transaction. Rasa unreachable:
    :class:`Problem` (503) and nothing stored.
    """
    try:
        replies = await rasa.send_message(session_id, message)
    except RasaUnavailable:
        raise Problem(503, UNAVAILABLE_DETAIL, type_="assistant-unavailable", title="Assistent niet bereikbaar",
                      headers={"Retry-After": "60"}) from None
    messages, update = interpret_replies(replies)
    store.record_turn(session_id, update, create=create)
    return messages


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
