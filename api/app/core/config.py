"""Gateway settings, read from the environment (and an optional `.env` file in the working directory).

Variables:

``COALITIECOACH_DATA_DIR``
    Directory for the gateway's files (default ``var``, relative to the working directory). The
    session and result store is the SQLite file ``gateway.sqlite3`` in it; the directory is
    created when missing.
``RASA_URL``
    Base URL of the Rasa server (default ``http://127.0.0.1:5005``). The gateway posts to its REST
    channel (``/webhooks/rest/webhook``) and reads ``/status`` for readiness.
``RASA_AUTH_TOKEN``
    Token for Rasa's HTTP API (``rasa run --enable-api --auth-token …``), sent as ``?token=`` to
    ``/status``. Optional: leave unset when Rasa runs without a token.
``ACTION_SERVER_URL``
    Base URL of the rasa_sdk action server (default ``http://127.0.0.1:5055``); ``/health`` is
    checked for readiness.
``CORS_ORIGINS``
    Comma-separated origins allowed to call the API from a browser, e.g.
    ``https://intranet.example.nl,https://portal.example.nl``. Default empty: no cross-origin
    access, only the gateway's own origin (the demo page and widget it serves).
``MAX_MESSAGE_CHARS``
    Longest chat message accepted, in characters after trimming (default 2000).
``RASA_TIMEOUT_SECONDS``
    How long to wait for Rasa's answer to one message before answering 503 (default 30).
"""

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DATABASE_FILENAME = "gateway.sqlite3"


class Settings(BaseSettings):
    """All configuration of the gateway; see the module docstring for the variables."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=Path("var"), validation_alias="COALITIECOACH_DATA_DIR")
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_auth_token: SecretStr | None = None
    action_server_url: str = "http://127.0.0.1:5055"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_message_chars: int = Field(default=2000, gt=0)
    rasa_timeout_seconds: float = Field(default=30.0, gt=0)

    @field_validator("rasa_url", "action_server_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @cached_property
    def database_path(self) -> Path:
        """The SQLite file of the session and result store."""
        return self.data_dir / DATABASE_FILENAME
