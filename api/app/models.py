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


# --- questionnaire and knowledge ----------------------------------------------------------------


class SourceRef(_Open):
    """Where an item comes from: a document id and one of its sections, with a display label."""

    document: str = Field(description="A document id, see GET /api/v1/knowledge/sources.")
    section: str
    detail: str | None = None
    page: int | None = None
    label: str = Field(description="For display, e.g. 'Handreiking Samenspel lokale coalities, §1.2.4'.")


class QuestionOption(BaseModel):
    """One answer button: its Dutch label and the value to send as the answer."""

    label: str
    value: Any = Field(description="A number 1–5, ja/deels/nee, a choice id, a list of partner ids, "
                                    "or 'weet_niet'.")


class Question(BaseModel):
    """One question of the diagnosis, in the order the bot asks them."""

    id: str
    dimension: str = Field(description="A dimension id, or 'fase' (phase milestones) or 'context' (not scored).")
    subdimension: str | None
    type: Literal["scale", "yesno", "number", "partners", "choice"]
    text: str
    why: str = Field(description="The answer to 'waarom vraag je dit?'.")
    options: list[QuestionOption] = Field(description="The buttons, 'Weet ik niet' last. A number question "
                                                      "has only 'Weet ik niet': the answer is a number.")
    source: SourceRef
    basis: Literal["source", "inference"]


QUESTION_EXAMPLE = {
    "id": "u_elkaar_nodig",
    "dimension": "urgentiebesef",
    "subdimension": "samenwerkingsbereidheid",
    "type": "scale",
    "text": "Zien de partners dat zij elkaar nodig hebben om eenzaamheid aan te pakken?",
    "why": "Samenwerken lukt pas als partners zien dat ze het probleem niet alleen kunnen oplossen. "
           "Dat is de basis van het urgentiebesef.",
    "options": [{"label": "Helemaal niet", "value": 1}, {"label": "Nauwelijks", "value": 2},
                {"label": "Gedeeltelijk", "value": 3}, {"label": "Grotendeels", "value": 4},
                {"label": "Helemaal", "value": 5}, {"label": "Weet ik niet", "value": "weet_niet"}],
    "source": {"document": "van-dijken-2020", "section": "4.4.2", "label": "Van Dijken (2020), masterthesis "
               "Eén tegen eenzaamheid, §4.4.2"},
    "basis": "source",
}


class Questionnaire(BaseModel):
    """The diagnosis questionnaire."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"version": 1, "questions": [QUESTION_EXAMPLE]}]})

    version: int
    questions: list[Question]


class KnowledgeKind(BaseModel):
    kind: str
    count: int = Field(description="Number of items; 1 for rules (a single object).")
    href: str


class KnowledgeIndex(BaseModel):
    """The kinds of knowledge that can be read."""

    kinds: list[KnowledgeKind]


class KnowledgeList(BaseModel):
    """All items of one kind. Every `source` in them also has a display `label`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "phases",
        "items": [{"id": "initieren", "order": 1, "label": "Initiëren en starten",
                   "summary": "Het idee voor een samenwerking is net geboren. …",
                   "source": {"document": "handreiking", "section": "1.2.1",
                              "label": "Handreiking Samenspel lokale coalities, §1.2.1"},
                   "basis": "source"}],
    }]})

    kind: str
    items: list[dict[str, Any]]


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
