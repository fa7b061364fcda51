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
``CHROMIUM_PATH``
    The Chromium executable that prints reports to PDF (default ``/usr/bin/chromium``, Debian's
    ``chromium`` package). Without it ``?format=pdf`` answers 503; the HTML report still works.
``PDF_TIMEOUT_SECONDS``
    How long one PDF may take before it is given up (default 30).

Microsoft Teams (``POST /api/messages``, see :mod:`app.core.teams`). Leave ``TEAMS_APP_ID`` unset
and that endpoint answers 503 "Teams is niet ingesteld"; everything else works without it:

``TEAMS_APP_ID``
    The bot's Microsoft App ID (client id of its Entra app registration). Tokens from the Bot
    Connector must carry it as audience; it is also the client id for the login service.
``TEAMS_APP_PASSWORD``
    The app registration's client secret. No default; required when ``TEAMS_APP_ID`` is set.
``TEAMS_TENANT_ID``
    Tenant for the bot's own login (client credentials): the tenant id of a single-tenant bot, or
    ``botframework.com`` (default) for a multi-tenant one.
``TEAMS_LOGIN_URL``
    The login service (default ``https://login.microsoftonline.com``); the token endpoint is
    ``{TEAMS_LOGIN_URL}/{TEAMS_TENANT_ID}/oauth2/v2.0/token``. https only.
``TEAMS_OAUTH_SCOPE``
    Scope of the token for the Bot Connector (default ``https://api.botframework.com/.default``).
``TEAMS_OPENID_METADATA_URL``
    Where the Bot Connector's signing keys are published (default
    ``https://login.botframework.com/v1/.well-known/openidconfiguration``; its ``jwks_uri`` names
    the key set). https only.
``TEAMS_TOKEN_ISSUERS``
    Comma-separated accepted token issuers (default ``https://api.botframework.com``).
``TEAMS_ALLOWED_SERVICE_URL_HOSTS``
    Comma-separated hosts whose ``serviceUrl`` we accept and answer to, each with its subdomains
    (default ``smba.trafficmanager.net,botframework.com,teams.microsoft.com``). https only.
"""

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
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

    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str = "botframework.com"
    teams_login_url: str = "https://login.microsoftonline.com"
    teams_oauth_scope: str = "https://api.botframework.com/.default"
    teams_openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_token_issuers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["https://api.botframework.com"])
    teams_allowed_service_url_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["smba.trafficmanager.net", "botframework.com", "teams.microsoft.com"])
    chromium_path: Path = Path("/usr/bin/chromium")
    pdf_timeout_seconds: float = Field(default=30.0, gt=0)

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

    @field_validator("teams_login_url", "teams_openid_metadata_url")
    @classmethod
    def _https_only(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith("https://"):
            raise ValueError("must be an https URL")
        return value

    @field_validator("teams_token_issuers", "teams_allowed_service_url_hosts", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _teams_complete(self) -> "Settings":
        if self.teams_app_id is not None:
            self.teams_app_id = self.teams_app_id.strip() or None
        if self.teams_app_id and not (self.teams_app_password and self.teams_app_password.get_secret_value()):
            raise ValueError("TEAMS_APP_PASSWORD is required when TEAMS_APP_ID is set")
        if self.teams_app_id and not self.teams_token_issuers:
            raise ValueError("TEAMS_TOKEN_ISSUERS must name at least one issuer")
        if self.teams_app_id and not self.teams_allowed_service_url_hosts:
            raise ValueError("TEAMS_ALLOWED_SERVICE_URL_HOSTS must name at least one host")
        return self

    @property
    def teams_enabled(self) -> bool:
        """Teams is on when the bot's app id is configured."""
        return bool(self.teams_app_id)

    @cached_property
    def database_path(self) -> Path:
        """The SQLite file of the session and result store."""
        return self.data_dir / DATABASE_FILENAME
