"""The gateway application: ``uvicorn app.main:create_app --factory`` (from ``api/``)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from knowledge import get_knowledge
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.config import Settings
from app.core.problems import install_problem_handlers, problem_response
from app.core.rasa_client import RasaClient
from app.core.store import SessionStore
from app.routes import chat, diagnoses, health, sessions, teams
from app.routes import reference

API_V1 = "/api/v1"
STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 256 * 1024


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


class BodySizeLimit:
    """Refuse requests that declare a body larger than ``max_bytes`` (413), before reading it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"content-length":
                    if not value.isdigit() or int(value) > self.max_bytes:
                        response = problem_response(413, "De aanvraag is te groot.")
                        await response(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway. ``settings`` default to the environment (see :mod:`app.core.config`)."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        get_knowledge()  # load and validate the knowledge base now: a broken one stops the start
        app.state.store = SessionStore(settings.database_path)
        app.state.rasa = RasaClient(
            settings.rasa_url,
            settings.action_server_url,
            auth_token=settings.rasa_auth_token.get_secret_value() if settings.rasa_auth_token else None,
            timeout_seconds=settings.rasa_timeout_seconds,
        )
        try:
            yield
        finally:
            await app.state.rasa.aclose()
            app.state.store.close()

    app = FastAPI(
        title="Coalitiecoach gateway",
        version="1.0.0",
        description="Web chat, session results and stateless scoring for Coalitiecoach. "
        "Errors are application/problem+json (RFC 9457) with a Dutch `detail`.",
        openapi_url=f"{API_V1}/openapi.json",
        docs_url=f"{API_V1}/docs",
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    install_problem_handlers(app)

    app.include_router(chat.router, prefix=API_V1)
    app.include_router(sessions.router, prefix=API_V1)
    app.include_router(diagnoses.router, prefix=API_V1)
    app.include_router(reference.router, prefix=API_V1)
    app.include_router(health.router)
    app.include_router(teams.router)

    @app.get("/", include_in_schema=False)
    def demo_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "demo.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Content-Type"],
            max_age=600,
        )
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    return app
