"""Dependencies for the routes, as `Annotated` aliases. Tests replace them through
``app.dependency_overrides`` (e.g. a fake Rasa client for :func:`get_rasa_client`).

They are ``async`` although they do not await: FastAPI runs a plain ``def`` dependency in its thread
pool, and three thread hops per chat turn are a measurable part of the gateway's latency."""

from typing import Annotated

from fastapi import Depends, Request
from knowledge import KnowledgeBase, get_knowledge

from app.core.config import Settings
from app.core.rasa_client import RasaClient
from app.core.store import SessionStore


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> SessionStore:
    return request.app.state.store


async def get_rasa_client(request: Request) -> RasaClient:
    return request.app.state.rasa


async def get_knowledge_base() -> KnowledgeBase:
    """The validated knowledge base (loaded once and cached by the `knowledge` package)."""
    return get_knowledge()


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[SessionStore, Depends(get_store)]
RasaDep = Annotated[RasaClient, Depends(get_rasa_client)]
KnowledgeDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
