"""Request and response bodies of the gateway API (DESIGN.md §5)."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

SESSION_ID_MAX = 128


# --- chat -----------------------------------------------------------------------------------


class ChatRequest(BaseModel):
    """One user turn: typed ``text`` or the ``payload`` of a button the bot offered (exactly one)."""

    model_config = ConfigDict(extra="forbid")

    session_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=SESSION_ID_MAX,
        description="Leave out to start a new conversation; the answer carries the new id.",
    )
    text: str | None = Field(default=None, description="What the user typed.")
    payload: str | None = Field(
        default=None,
        max_length=1000,
        description="The payload of a button from the bot's last reply in this session.",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "ChatRequest":
        if (self.text is None) == (self.payload is None):
            raise PydanticCustomError(
                "coalitiecoach_text_or_payload",
                "Stuur een tekst of een keuze (payload), niet allebei en niet geen van beide.",
            )
        return self


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    """One bot message. ``custom`` carries data, with a ``type``: progress, answer, diagnosis."""

    text: str | None = None
    buttons: list[Button] | None = None
    custom: dict[str, Any] | None = None


class ChatResponse(BaseModel):
    session_id: str
    messages: list[Message]


# --- diagnosis --------------------------------------------------------------------------------


class DiagnosisRequest(BaseModel):
    """Answers for stateless scoring: a value or the user's Dutch text per question id."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(
        description="Per question id: a value (number, yes/no, choice ids) or Dutch text such as 'gaat wel'.",
        examples=[{"urgentie_samen_nodig": 4, "vertrouwen_open": "gaat wel"}],
    )

    @model_validator(mode="after")
    def _not_empty(self) -> "DiagnosisRequest":
        if not self.answers:
            raise PydanticCustomError("coalitiecoach_no_answers", "Geef ten minste één antwoord.")
        return self


# The result shape below documents the contract in the OpenAPI schema; results are passed on as
# the engine (or the bot) made them, so extra members are allowed.


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ProgressOut(_Open):
    answered: int
    total: int


class SubdimensionOut(_Open):
    score: float | None
    level: Literal["onvoldoende", "matig", "voldoende"] | None


class AnswerOut(_Open):
    question_id: str
    question: str
    text: str | None
    value: Any


class DimensionOut(_Open):
    score: float | None = Field(description="1.0–5.0")
    level: Literal["onvoldoende", "matig", "voldoende"] | None
    confidence: float = Field(ge=0, le=1)
    subdimensions: dict[str, SubdimensionOut]
    answers: list[AnswerOut]


class PhaseOut(_Open):
    id: str | None
    label: str | None
    confidence: float
    signals: list[Any]
    stated_by_user: str | None


class RoleOut(_Open):
    id: str
    label: str
    rationale: str


class SourceOut(_Open):
    document: str
    section: str
    detail: str | None = None


class AdviceOut(_Open):
    id: str
    text: str
    source: SourceOut
    basis: Literal["source", "inference"]
    rule: str | None = None


class DiagnosisResult(_Open):
    """The result of a scan (DESIGN.md §5)."""

    session_id: str | None = Field(default=None, description="Only for a session's result.")
    completed: bool
    progress: ProgressOut
    respondents: int = 1
    dimensions: dict[str, DimensionOut]
    phase: PhaseOut | None
    role: RoleOut | None
    also_roles: list[RoleOut]
    advice: list[AdviceOut]
    caveats: list[str]


# --- health -----------------------------------------------------------------------------------


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    status: Literal["ready"] = "ready"
    checks: dict[str, str]


class ProblemDetails(BaseModel):
    """RFC 9457 problem details, as every error is answered."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str
