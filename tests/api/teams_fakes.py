"""Local stand-ins for Microsoft's side of Teams, for the gateway tests (no network).

:class:`BotFramework` is one ``httpx.MockTransport`` behind the gateway's Teams HTTP client:

- ``https://login.test/v1/.well-known/openidconfiguration`` and ``…/keys``: OpenID metadata and a
  JWKS with a test RSA key (made per test run) endorsed for ``msteams``;
- ``https://login.test/{tenant}/oauth2/v2.0/token``: the login service, which checks the client
  credentials and issues connector tokens;
- ``https://connector.test/teams/v3/conversations/{id}/activities[/{id}]``: the Bot Connector,
  which accepts only tokens the fake login service issued and records every reply.

The gateway's real validation, login and reply code runs against these (it uses httpx, so the
transport is the only thing replaced). Tokens are minted with PyJWT by :meth:`BotFramework.token`.
"""

import json
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = "00000000-1111-2222-3333-444444444444"
APP_PASSWORD = "test-secret-niet-echt"
TENANT = "tenant.test"
ISSUER = "https://api.botframework.com"
LOGIN_URL = "https://login.test"
METADATA_URL = f"{LOGIN_URL}/v1/.well-known/openidconfiguration"
JWKS_URL = f"{LOGIN_URL}/v1/.well-known/keys"
SERVICE_URL = "https://connector.test/teams/"
CONNECTOR_HOST = "connector.test"
SCOPE = "https://api.botframework.com/.default"
BOT_ID = "28:coalitiecoach"
USER_ID = "29:gebruiker"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def signing_key() -> rsa.RSAPrivateKey:
    """The fake Bot Connector's signing key, made once per test run."""
    return new_rsa_key()


def public_jwk(key: rsa.RSAPrivateKey, kid: str, endorsements: list[str] | None) -> dict[str, Any]:
    data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    data.update({"kid": kid, "use": "sig"})
    if endorsements is not None:
        data["endorsements"] = endorsements
    return data


@dataclass
class Reply:
    """One reply the fake Bot Connector received."""

    path: str
    conversation_id: str
    reply_to: str | None
    token: str
    activity: dict[str, Any]

    @property
    def text(self) -> str:
        return self.activity.get("text") or ""

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.activity.get("attachments") or []
                if a.get("contentType") == "application/vnd.microsoft.card.adaptive"]

    def all_text(self) -> str:
        """The text and every text in its cards (text blocks, facts, button titles), for assertions."""
        parts = [self.text]
        for card in self.cards:
            parts.extend(_card_texts(card))
        return "\n".join(p for p in parts if p)


def _card_texts(node: Any) -> list[str]:
    out: list[str] = []
    if isinstance(node, dict):
        for key in ("text", "title", "value"):
            if isinstance(node.get(key), str):
                out.append(node[key])
        for value in node.values():
            if isinstance(value, (dict, list)):
                out.extend(_card_texts(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_card_texts(item))
    return out


def submit_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Submit in a card, card-level or in action sets, in order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Submit":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


@dataclass
class BotFramework:
    """Fake OpenID metadata + JWKS, login service and Bot Connector (see the module docstring)."""

    key: rsa.RSAPrivateKey = field(default_factory=signing_key)
    kid: str = "test-key-1"
    endorsements: list[str] | None = field(default_factory=lambda: ["msteams"])
    extra_keys: list[dict[str, Any]] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    login_requests: list[dict[str, list[str]]] = field(default_factory=list)
    metadata_requests: int = 0
    jwks_requests: int = 0
    issued_tokens: set[str] = field(default_factory=set)
    revoked_tokens: set[str] = field(default_factory=set)
    keys_down: bool = False
    connector_status: int | None = None  # force an answer status, e.g. 500

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- tokens the Bot Connector would send --------------------------------------------------

    def claims(self, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": APP_ID, "iat": now - 10, "nbf": now - 10, "exp": now + 3600,
                  "serviceurl": SERVICE_URL}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, *, key: rsa.RSAPrivateKey | None = None, kid: str | None = None,
              headers: dict[str, Any] | None = None, **claims: Any) -> str:
        header = {"kid": kid or self.kid, **(headers or {})}
        return jwt.encode(self.claims(**claims), key or self.key, algorithm="RS256", headers=header)

    def auth(self, **kwargs: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**kwargs)}"}

    # --- the fake services -------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        host, path = request.url.host, request.url.path
        if host == "login.test" and request.method == "GET" and path == "/v1/.well-known/openidconfiguration":
            self.metadata_requests += 1
            if self.keys_down:
                return httpx.Response(503)
            return httpx.Response(200, json={"issuer": ISSUER, "jwks_uri": JWKS_URL,
                                             "id_token_signing_alg_values_supported": ["RS256"]})
        if host == "login.test" and request.method == "GET" and path == "/v1/.well-known/keys":
            self.jwks_requests += 1
            keys = [public_jwk(self.key, self.kid, self.endorsements), *self.extra_keys]
            return httpx.Response(200, json={"keys": keys})
        if host == "login.test" and request.method == "POST" and path.endswith("/oauth2/v2.0/token"):
            return self._login(request)
        if host == CONNECTOR_HOST and request.method == "POST" and path.startswith("/teams/v3/conversations/"):
            return self._connector(request)
        return httpx.Response(404)

    def _login(self, request: httpx.Request) -> httpx.Response:
        form = parse_qs(request.content.decode())
        self.login_requests.append(form)
        tenant = request.url.path.split("/")[1]
        if (tenant != TENANT or form.get("grant_type") != ["client_credentials"]
                or form.get("client_id") != [APP_ID] or form.get("client_secret") != [APP_PASSWORD]
                or form.get("scope") != [SCOPE]):
            return httpx.Response(401, json={"error": "invalid_client"})
        token = f"connector-token-{uuid.uuid4().hex}"
        self.issued_tokens.add(token)
        return httpx.Response(200, json={"token_type": "Bearer", "expires_in": 3599, "access_token": token})

    def _connector(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or token not in self.issued_tokens or token in self.revoked_tokens:
            return httpx.Response(401, json={"error": {"code": "Unauthorized"}})
        if self.connector_status is not None:
            return httpx.Response(self.connector_status)
        parts = request.url.raw_path.decode().split("?")[0].split("/")
        # /teams/v3/conversations/{conversation}/activities[/{activity}]
        if len(parts) not in (6, 7) or parts[5] != "activities":
            return httpx.Response(404)
        conversation_id = unquote(parts[4])
        reply_to = unquote(parts[6]) if len(parts) == 7 else None
        self.replies.append(Reply(request.url.path, conversation_id, reply_to, token, json.loads(request.content)))
        return httpx.Response(200, json={"id": f"reply-{len(self.replies)}"})


def activity(*, text: str | None = None, value: Any = None, conversation_id: str = "a:gesprek-1",
             activity_id: str = "act-1", service_url: str = SERVICE_URL, channel_id: str = "msteams",
             **extra: Any) -> dict[str, Any]:
    """A Teams message activity as the Bot Connector posts it."""
    body: dict[str, Any] = {
        "type": "message",
        "id": activity_id,
        "timestamp": "2026-11-20T10:00:00.000Z",
        "channelId": channel_id,
        "serviceUrl": service_url,
        "from": {"id": USER_ID, "name": "Gebruiker", "aadObjectId": "aad-1"},
        "recipient": {"id": BOT_ID, "name": "Coalitiecoach"},
        "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": "t-1"},
        "channelData": {"tenant": {"id": "t-1"}},
        "locale": "nl-NL",
    }
    if text is not None:
        body["text"] = text
    if value is not None:
        body["value"] = value
    body.update(extra)
    return body
