"""The gateway's one door to the domain engine (the `knowledge` package, DESIGN.md §2).

`knowledge` is imported on first use rather than when the app is built, so that the chat relay,
health and error handling start (and are tested) independently of the engine; in a deployment
the package is always installed beside the gateway.
"""

from collections.abc import Mapping
from typing import Any


class InvalidAnswer(Exception):
    """An answer the engine cannot use (unknown question, out-of-range value, unreadable text)."""

    def __init__(self, question_id: str | None, detail: str) -> None:
        super().__init__(detail)
        self.question_id = question_id
        self.detail = detail


def load_knowledge_base() -> Any:
    """The validated knowledge base (cached by the `knowledge` package)."""
    from knowledge import get_knowledge

    return get_knowledge()


def diagnose_answers(kb: Any, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Score ``answers`` with the engine; :class:`InvalidAnswer` for an answer it refuses."""
    from knowledge.engine import diagnose
    from knowledge.errors import AnswerError

    try:
        return diagnose(kb, answers)
    except AnswerError as exc:
        raise InvalidAnswer(getattr(exc, "question_id", None), str(getattr(exc, "detail", exc))) from exc
