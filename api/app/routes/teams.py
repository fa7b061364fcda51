"""``POST /api/messages``: the Microsoft Bot Framework endpoint for Teams.

Authentication is on this route only (never app-wide middleware: the widget and the JSON API need
no Bot Framework token). Order: Teams configured (else 503 "Teams is niet ingesteld") → bearer
token valid (else 401) → body is an activity (else 400) → the activity matches the token and an
allowed service URL (else 401/403) → relay to Rasa and reply through the Bot Connector (202).
Nothing reaches Rasa before all checks pass. See :mod:`app.core.teams` for the checks and why
they are not the SDK's ``jwt_authorization_decorator``.

The :class:`~app.core.teams.TeamsChannel` is made by this router's lifespan (merged into the
app's) when ``TEAMS_APP_ID`` is set, and closed with the app; tests replace it through
``app.dependency_overrides[get_teams]``.
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request, Response

from app.core.problems import Problem
from app.core.teams import TeamsChannel, parse_activity
from app.deps import KnowledgeDep, RasaDep, StoreDep
from app.models import ProblemDetails

NOT_CONFIGURED_DETAIL = "Teams is niet ingesteld."


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = app.state.settings
    teams = TeamsChannel(settings) if settings.teams_enabled else None
    app.state.teams = teams
    try:
        yield
    finally:
        app.state.teams = None
        if teams is not None:
            await teams.aclose()


router = APIRouter(tags=["teams"], lifespan=lifespan)


def get_teams(request: Request) -> TeamsChannel | None:
    return getattr(request.app.state, "teams", None)


TeamsDep = Annotated[TeamsChannel | None, Depends(get_teams)]


async def _read_json(request: Request) -> object:
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise Problem(400, "De aanvraag bevat geen geldige JSON.", type_="teams-invalid-activity",
                      title="Ongeldig bericht") from None


@router.post(
    "/api/messages",
    status_code=202,
    response_class=Response,
    summary="Bot Framework activities from Microsoft Teams (via Microsoft's Bot Connector)",
    description="Requires a Bot Framework bearer token. Replies are posted to the Bot Connector, "
    "not returned in the response.",
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"type": "object", "description": "A Bot Framework activity"}}}}},
    responses={
        202: {"description": "Handled; the replies went to the Bot Connector"},
        400: {"model": ProblemDetails, "description": "Not a Bot Framework activity"},
        401: {"model": ProblemDetails, "description": "Missing, forged, expired or mismatching token"},
        403: {"model": ProblemDetails, "description": "Service URL or channel not allowed"},
        502: {"model": ProblemDetails, "description": "The replies could not be delivered"},
        503: {"model": ProblemDetails, "description": "Teams not configured, or Rasa not reachable"},
    },
)
async def post_activity(request: Request, teams: TeamsDep, store: StoreDep, rasa: RasaDep,
                        kb: KnowledgeDep) -> Response:
    if teams is None:
        raise Problem(503, NOT_CONFIGURED_DETAIL, type_="teams-not-configured", title="Teams niet ingesteld")
    token = await teams.authenticate(request.headers.get("Authorization"))
    activity = parse_activity(await _read_json(request))
    teams.check_activity(token, activity)
    await teams.handle(activity, store=store, rasa=rasa, kb=kb)
    return Response(status_code=202)
