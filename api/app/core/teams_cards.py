"""How one relayed turn looks in Microsoft Teams: plain messages and Adaptive Cards.

The bot's messages come from Rasa's REST channel (via :func:`app.core.relay.relay_turn`), so this
does not depend on Rasa's own ``botframework`` channel. Rules, per turn and in the bot's order:

- consecutive plain texts become one Teams message (fewer messages: Teams limits a bot to a few
  messages per second per conversation);
- a message with buttons becomes an Adaptive Card: the texts before it and its own text as text
  blocks, one ``Action.Submit`` per button with ``data = {"payload": <the button's payload>}``.
  Teams sends that ``data`` back as the ``value`` of a message activity when the button is used;
- a ``{"type": "diagnosis"}`` custom message becomes the result card: scores per dimension, phase,
  the gemeente's role, the next steps each with its source, and the caveats;
- ``progress`` and ``answer`` custom messages add nothing: the question texts already say
  "Vraag n van m" and the answers already name their source.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from knowledge import KnowledgeBase

from app.models import Button, Message

ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
# Teams shows at most six card-level actions; more buttons go into action sets in the card body.
MAX_CARD_ACTIONS = 6
ACTION_SET_SIZE = 5
# What the bot says in front of an advice item that rests on our own reading of the sources
# (as the action server does in its result text).
INFERENCE_NOTE = "Naar onze inschatting: "


@dataclass(frozen=True)
class Outgoing:
    """One message for Teams: plain ``text`` (markdown) or an Adaptive ``card``."""

    text: str | None = None
    card: dict[str, Any] | None = None


def plain(text: str) -> Outgoing:
    """A plain message; each line becomes its own paragraph (Teams does not keep single line breaks)."""
    return Outgoing(text="\n\n".join(line.strip() for line in text.splitlines() if line.strip()))


def render_turn(messages: Sequence[Message], kb: KnowledgeBase) -> list[Outgoing]:
    """The Teams messages for the bot's messages of one turn (see the module docstring)."""
    out: list[Outgoing] = []
    texts: list[str] = []

    def flush() -> None:
        if texts:
            out.append(plain("\n\n".join(texts)))
            texts.clear()

    for message in messages:
        if message.text:
            texts.append(message.text)
        if message.buttons:
            out.append(Outgoing(card=button_card(texts, message.buttons)))
            texts.clear()
        custom = message.custom or {}
        if custom.get("type") == "diagnosis" and isinstance(custom.get("result"), dict):
            flush()
            out.append(Outgoing(card=result_card(custom["result"], kb)))
    flush()
    return out


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None,
          fallback: str = "") -> dict[str, Any]:
    card: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION,
                            "lang": "nl", "body": body}
    if actions:
        card["actions"] = actions
    if fallback:
        card["fallbackText"] = fallback
    return card


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _text_blocks(texts: Iterable[str]) -> list[dict[str, Any]]:
    """One text block per line; a blank line or the start of a new text adds space above."""
    blocks: list[dict[str, Any]] = []
    for text in texts:
        gap = True
        for line in text.splitlines():
            if not line.strip():
                gap = True
                continue
            block = _text_block(line.strip())
            if blocks:
                block["spacing"] = "Medium" if gap else "None"
            blocks.append(block)
            gap = False
    return blocks


def _submit(button: Button) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": button.title, "data": {"payload": button.payload}}


def button_card(texts: Sequence[str], buttons: Sequence[Button]) -> dict[str, Any]:
    """The texts and, below them, one ``Action.Submit`` per button."""
    body = _text_blocks(texts)
    actions = [_submit(b) for b in buttons]
    fallback = "\n".join(texts)
    if len(actions) <= MAX_CARD_ACTIONS:
        return _card(body, actions, fallback)
    for start in range(0, len(actions), ACTION_SET_SIZE):
        body.append({"type": "ActionSet", "actions": actions[start:start + ACTION_SET_SIZE]})
    return _card(body, None, fallback)


def _score_text(score: Any) -> str:
    return f"{score:.1f}".replace(".", ",") if isinstance(score, (int, float)) else "onbekend"


def _dimension_label(kb: KnowledgeBase, dimension_id: str) -> str:
    try:
        return str(kb.item("dimensions", dimension_id)["label"])
    except (KeyError, TypeError):
        return dimension_id.replace("_", " ").capitalize()


def _source_label(kb: KnowledgeBase, source: Any) -> str | None:
    if not isinstance(source, dict) or not source.get("document"):
        return None
    try:
        return kb.source_label(source)
    except (KeyError, TypeError, AttributeError):
        section = source.get("section")
        return f"{source['document']}, §{section}" if section else str(source["document"])


def _heading(text: str) -> dict[str, Any]:
    return _text_block(text, weight="Bolder", spacing="Medium")


def _source_block(label: str) -> dict[str, Any]:
    return _text_block(f"Bron: {label}", isSubtle=True, size="Small", spacing="None")


def result_card(result: dict[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    """The diagnosis result (DESIGN.md §5) as one card, each step with its source."""
    body: list[dict[str, Any]] = [_text_block("Resultaat van de scan", size="Large", weight="Bolder")]
    progress = result.get("progress")
    if isinstance(progress, dict) and isinstance(progress.get("answered"), int):
        body.append(_text_block(f"Op basis van {progress['answered']} van {progress.get('total', '?')} "
                                "beantwoorde vragen.", isSubtle=True, spacing="None"))

    dimensions = result.get("dimensions")
    if isinstance(dimensions, dict) and dimensions:
        body.append(_heading("Scores (van 1 tot 5)"))
        facts = []
        for dimension_id, values in dimensions.items():
            values = values if isinstance(values, dict) else {}
            score, level = values.get("score"), values.get("level")
            shown = f"{_score_text(score)} ({level})" if isinstance(score, (int, float)) and level else \
                _score_text(score)
            facts.append({"title": _dimension_label(kb, str(dimension_id)), "value": shown})
        body.append({"type": "FactSet", "facts": facts})

    phase = result.get("phase")
    if isinstance(phase, dict):
        body.append(_heading("Fase"))
        if phase.get("label"):
            confidence = phase.get("confidence")
            sure = f" (zekerheid {round(confidence * 100)}%)" if isinstance(confidence, (int, float)) else ""
            body.append(_text_block(f"{phase['label']}{sure}", spacing="None"))
        else:
            body.append(_text_block("De fase kan ik niet bepalen.", spacing="None"))

    role = result.get("role")
    if isinstance(role, dict) and role.get("label"):
        body.append(_heading("Rol van de gemeente"))
        rationale = f": {role['rationale']}" if role.get("rationale") else ""
        body.append(_text_block(f"{role['label']}{rationale}", spacing="None"))
        role_source = _source_label(kb, role.get("source"))
        if role_source:
            body.append(_source_block(role_source))
        also = [r["label"] for r in result.get("also_roles") or [] if isinstance(r, dict) and r.get("label")]
        if also:
            body.append(_text_block(f"Daarnaast past ook: {', '.join(a.lower() for a in also)}.", spacing="Small"))

    advice = [a for a in result.get("advice") or [] if isinstance(a, dict) and a.get("text")]
    if advice:
        body.append(_heading("Volgende stappen"))
        for n, item in enumerate(advice, 1):
            prefix = INFERENCE_NOTE if item.get("basis") == "inference" else ""
            body.append(_text_block(f"{n}. {prefix}{item['text']}", spacing="Small"))
            label = _source_label(kb, item.get("source"))
            if label:
                body.append(_source_block(label))

    caveats = [c for c in result.get("caveats") or [] if isinstance(c, str) and c]
    if caveats:
        body.append(_heading("Let op"))
        body.extend(_text_block(f"• {c}", spacing="None") for c in caveats)

    return _card(body, None, "Resultaat van de scan")
