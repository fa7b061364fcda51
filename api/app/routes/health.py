"""``GET /health`` (the process is up) and ``GET /ready`` (Rasa with a model, and the action server)."""

import asyncio

from fastapi import APIRouter

from app.core.problems import Problem
from app.deps import RasaDep
from app.models import HealthResponse, ProblemDetails, ReadyResponse

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, summary="The gateway process is up")
def health() -> HealthResponse:
    return HealthResponse()


@router.get(
    "/ready",
    response_model=ReadyResponse,
    summary="Rasa has a model loaded and the action server answers",
    responses={503: {"model": ProblemDetails, "description": "What is not ready"}},
)
async def ready(rasa: RasaDep) -> ReadyResponse:
    rasa_check, actions_check = await asyncio.gather(rasa.rasa_status(), rasa.action_server_health())
    checks = {"rasa": rasa_check, "action_server": actions_check}
    failing = [check.reason for check in checks.values() if not check.ready]
    if failing:
        detail = "Nog niet gereed: " + "; ".join(failing) + "."
        raise Problem(503, detail, type_="not-ready", title="Niet gereed",
                      checks={name: "ok" if c.ready else c.reason for name, c in checks.items()})
    return ReadyResponse(checks={name: "ok" for name in checks})
