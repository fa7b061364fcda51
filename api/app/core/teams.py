"""Microsoft Teams through the Bot Framework: who may call ``POST /api/messages``, and how we answer.

Inbound (Bot Connector → gateway), checked before anything reaches Rasa:

1. ``Authorization: Bearer <JWT>``, signed RS256 by one of the keys published under the
   ``jwks_uri`` of the OpenID metadata (``TEAMS_OPENID_METADATA_URL``); keys are cached for a day
   and fetched again, at most every five minutes, when a token names a key we do not know
   (Microsoft rotates them);
2. issuer in ``TEAMS_TOKEN_ISSUERS``, audience = ``TEAMS_APP_ID``, not expired (five minutes of
   clock skew allowed, as the Bot Framework SDKs do), ``exp``/``iss``/``aud`` required;
3. the token's ``serviceurl`` claim equals the activity's ``serviceUrl``, so a token issued for one
   service URL cannot be replayed with another one;
4. the ``serviceUrl`` host is in ``TEAMS_ALLOWED_SERVICE_URL_HOSTS`` (https only, no user info, no
   private or loopback addresses) — checked with the SDK's :class:`OutboundHostValidator`, enabled,
   because we send our connector token there;
5. if the signing key lists ``endorsements``, the activity's ``channelId`` is one of them.

1–3 failing is a 401, 4–5 a 403 (problem+json, Dutch ``detail``); the reason is logged, never
returned. Outbound: a token from the login service (OAuth 2.0 client credentials with
``TEAMS_APP_ID``/``TEAMS_APP_PASSWORD`` at ``TEAMS_LOGIN_URL``/``TEAMS_TENANT_ID``), cached until
shortly before it expires, and each reply posted to
``{serviceUrl}/v3/conversations/{conversationId}/activities/{activityId}``.

Why not the SDK's ``CloudAdapter`` + ``jwt_authorization_decorator`` (microsoft-agents 1.9.0, read
in its source): its ``JwtTokenValidator`` takes the signing keys from a URL hard-coded per issuer
(no OpenID metadata, nothing to configure or point at a local key set without patching module
internals), does not check key endorsements, and answers failures as ``{"error": ...}`` (a
missing configuration as 500); the ``serviceurl`` claim is compared by host only, and only when
the outbound host validator is on; replies go through MSAL (synchronous ``requests``, an https
authority and instance discovery at login.microsoftonline.com) and a second HTTP stack (aiohttp),
so tests would have to replace the very code they should exercise; and its turn handlers see only
a ``TurnContext``, not the gateway's store and Rasa client. What fits is used: the
:class:`~microsoft_agents.activity.Activity` model (parsing, mention removal, ``create_reply``)
and :class:`~microsoft_agents.hosting.core.OutboundHostValidator`. The rest is PyJWT and httpx,
following Microsoft's "Authentication with the Bot Connector API".
"""

import asyncio
import hashlib
import hmac
import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import jwt
from knowledge import KnowledgeBase
from microsoft_agents.activity import Activity, Attachment
from microsoft_agents.hosting.core import OutboundHostValidator
from pydantic import SecretStr, ValidationError

from app.core.config import Settings
from app.core.problems import Problem
from app.core.rasa_client import RasaClient
from app.core.relay import NOT_OFFERED_TYPE, relay_turn, resolve_message
from app.core.store import SessionStore, TurnUpdate
from app.core.teams_cards import ADAPTIVE_CARD_CONTENT_TYPE, Outgoing, plain, render_turn

logger = logging.getLogger(__name__)

SESSION_PREFIX = "teams-"
ALGORITHMS = ["RS256"]
CLOCK_SKEW_SECONDS = 300.0
KEYS_MAX_AGE_SECONDS = 24 * 3600.0
KEYS_MIN_REFRESH_SECONDS = 300.0
KEYS_RETRY_AFTER_FAILURE_SECONDS = 30.0
TOKEN_REFRESH_MARGIN_SECONDS = 300.0
HTTP_TIMEOUT_SECONDS = 10.0
SERVICE_URL_CLAIM = "serviceurl"

UNAUTHENTICATED_DETAIL = "Dit Teams-bericht heeft geen geldige aanmelding van Microsoft Bot Framework."
MISSING_HEADER_DETAIL = "Dit Teams-bericht heeft geen aanmelding (de Authorization-header ontbreekt)."
FORBIDDEN_DETAIL = "Dit Teams-bericht komt niet van een toegestane dienst."
KEYS_UNAVAILABLE_DETAIL = ("De aanmelding van Teams kan nu niet worden gecontroleerd (de sleutels van "
                           "Microsoft zijn niet bereikbaar). Probeer het later opnieuw.")
NOT_AN_ACTIVITY_DETAIL = "Dit is geen geldig Bot Framework-bericht."
CONNECTOR_FAILED_DETAIL = "Het antwoord kon niet naar Teams worden verstuurd."

# Said once per conversation, in the first reply (DESIGN.md §6: in Teams, the bot says so).
NOTICE = ("Goed om te weten: in Microsoft Teams gaan uw berichten en mijn antwoorden via de dienst van "
          "Microsoft (Bot Connector). Wilt u dat alles binnen de servers van uw organisatie blijft, gebruik "
          "dan de webchat van de Coalitiecoach op het intranet.")
WELCOME = ("Welkom bij de Coalitiecoach. Ik help u de samenwerking in uw lokale coalitie door te lichten. "
           "Typ bijvoorbeeld 'start de scan', of stel een vraag zoals 'wat is de netwerkdip?'.")
STALE_CHOICE_HINT = "Gebruik de knoppen bij mijn laatste bericht, of typ uw antwoord."


def teams_session_id(conversation_id: str, secret: str) -> str:
    """The gateway session of a Teams conversation: ``teams-`` + 128 bits of an HMAC-SHA256 keyed
    with the app's secret. Keyed, because conversation ids are visible to team members: a plain
    hash would let anyone who knows one read that session through the web API."""
    digest = hmac.new(secret.encode("utf-8"), conversation_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return SESSION_PREFIX + digest[:32]


def _unauthenticated(reason: str, detail: str = UNAUTHENTICATED_DETAIL) -> Problem:
    logger.warning("Teams request refused (401): %s", reason)
    return Problem(401, detail, type_="teams-unauthenticated", title="Niet aangemeld",
                   headers={"WWW-Authenticate": "Bearer"})


def _forbidden(reason: str) -> Problem:
    logger.warning("Teams request refused (403): %s", reason)
    return Problem(403, FORBIDDEN_DETAIL, type_="teams-forbidden", title="Geen toegang")


class KeysUnavailable(Exception):
    """The signing keys could not be fetched (and none are cached)."""


class ConnectorError(Exception):
    """The login service or the Bot Connector did not accept our request."""


# --- inbound: the Bot Connector's signing keys and its tokens -------------------------------------


@dataclass(frozen=True)
class SigningKey:
    key: jwt.PyJWK
    endorsements: frozenset[str] | None  # None: the key set does not say


class SigningKeys:
    """The public keys of the OpenID metadata's ``jwks_uri``, cached (see the module docstring)."""

    def __init__(self, http: httpx.AsyncClient, metadata_url: str, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._http = http
        self._metadata_url = metadata_url
        self._clock = clock
        self._keys: dict[str, SigningKey] | None = None
        self._fetched_at = 0.0
        self._failed_at: float | None = None
        self._lock = asyncio.Lock()

    def _stale(self, kid: str) -> bool:
        now = self._clock()
        if self._keys is None:
            return self._failed_at is None or now - self._failed_at >= KEYS_RETRY_AFTER_FAILURE_SECONDS
        if now - max(self._fetched_at, self._failed_at or 0.0) < KEYS_MIN_REFRESH_SECONDS:
            return False
        return now - self._fetched_at >= KEYS_MAX_AGE_SECONDS or kid not in self._keys

    async def get(self, kid: str) -> SigningKey | None:
        """The key with id ``kid``; ``None`` if unknown. :class:`KeysUnavailable` when none can be had."""
        if self._stale(kid):
            async with self._lock:
                if self._stale(kid):
                    try:
                        self._keys = await self._fetch()
                        self._fetched_at, self._failed_at = self._clock(), None
                    except KeysUnavailable as exc:
                        self._failed_at = self._clock()
                        logger.error("Bot Framework signing keys not fetched: %s", exc)
        if self._keys is None:
            raise KeysUnavailable("no signing keys")
        return self._keys.get(kid)

    async def _get_json(self, url: str) -> Any:
        if not url.startswith("https://"):
            raise KeysUnavailable(f"not an https URL: {url!r}")
        try:
            response = await self._http.get(url)
        except httpx.HTTPError as exc:
            raise KeysUnavailable(f"{url}: {exc.__class__.__name__}") from exc
        if response.status_code != 200:
            raise KeysUnavailable(f"{url}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise KeysUnavailable(f"{url}: not JSON") from exc

    async def _fetch(self) -> dict[str, SigningKey]:
        metadata = await self._get_json(self._metadata_url)
        jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
        if not isinstance(jwks_uri, str):
            raise KeysUnavailable("the OpenID metadata names no jwks_uri")
        jwks = await self._get_json(jwks_uri)
        keys: dict[str, SigningKey] = {}
        for data in jwks.get("keys", []) if isinstance(jwks, dict) else []:
            if not isinstance(data, dict) or data.get("kty") != "RSA" or not isinstance(data.get("kid"), str):
                continue
            if data.get("use", "sig") != "sig":
                continue
            try:
                key = jwt.PyJWK(data, algorithm="RS256")
            except jwt.PyJWTError:
                logger.warning("unusable signing key %s skipped", data.get("kid"))
                continue
            endorsements = data.get("endorsements")
            keys[data["kid"]] = SigningKey(
                key, frozenset(e for e in endorsements if isinstance(e, str)) if isinstance(endorsements, list)
                else None)
        if not keys:
            raise KeysUnavailable("the key set holds no usable RSA signing key")
        return keys


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    endorsements: frozenset[str] | None


class BotFrameworkTokenValidator:
    """Checks the bearer token of an incoming activity (steps 1–2 of the module docstring)."""

    def __init__(self, keys: SigningKeys, *, app_id: str, issuers: list[str]) -> None:
        self._keys = keys
        self._app_id = app_id
        self._issuers = list(issuers)

    async def verify(self, authorization: str | None) -> VerifiedToken:
        """The token's verified claims; :class:`Problem` 401 (or 503 when keys are unavailable)."""
        if not authorization or not authorization.strip():
            raise _unauthenticated("no Authorization header", MISSING_HEADER_DETAIL)
        parts = authorization.split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise _unauthenticated("Authorization is not a bearer token")
        token = parts[1]
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _unauthenticated(f"unreadable token ({exc.__class__.__name__})") from None
        if header.get("alg") not in ALGORITHMS:
            raise _unauthenticated(f"algorithm {header.get('alg')!r} not accepted")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _unauthenticated("token names no signing key")
        try:
            key = await self._keys.get(kid)
        except KeysUnavailable:
            raise Problem(503, KEYS_UNAVAILABLE_DETAIL, type_="teams-keys-unavailable",
                          title="Aanmelding niet te controleren", headers={"Retry-After": "60"}) from None
        if key is None:
            raise _unauthenticated("unknown signing key")
        try:
            claims = jwt.decode(
                token, key.key, algorithms=ALGORITHMS, audience=self._app_id, issuer=self._issuers,
                leeway=CLOCK_SKEW_SECONDS, options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise _unauthenticated(f"token rejected ({exc.__class__.__name__})") from None
        return VerifiedToken(claims, key.endorsements)


def _same_service_url(a: str, b: str) -> bool:
    """Equal up to the case of scheme and host and a trailing slash."""
    try:
        x, y = urlsplit(a.strip()), urlsplit(b.strip())
    except ValueError:
        return False
    return (x.scheme.lower(), x.netloc.lower(), x.path.rstrip("/"), x.query) == \
           (y.scheme.lower(), y.netloc.lower(), y.path.rstrip("/"), y.query)


def parse_activity(body: Any) -> Activity:
    """The Bot Framework activity in a request body; :class:`Problem` 400 when it is none."""
    if not isinstance(body, dict):
        raise Problem(400, NOT_AN_ACTIVITY_DETAIL, type_="teams-invalid-activity", title="Ongeldig bericht")
    try:
        activity = Activity.model_validate(body)
    except (ValidationError, ValueError):
        raise Problem(400, NOT_AN_ACTIVITY_DETAIL, type_="teams-invalid-activity",
                      title="Ongeldig bericht") from None
    if not activity.conversation or not activity.conversation.id or not activity.service_url:
        raise Problem(400, NOT_AN_ACTIVITY_DETAIL, type_="teams-invalid-activity", title="Ongeldig bericht")
    return activity


# --- outbound: the login service and the Bot Connector -------------------------------------------


class ConnectorTokenProvider:
    """An access token for the Bot Connector (OAuth 2.0 client credentials), cached until shortly
    before it expires."""

    def __init__(self, http: httpx.AsyncClient, *, token_url: str, client_id: str, client_secret: SecretStr,
                 scope: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._http = http
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._scope = scope
        self._clock = clock
        self._token: str | None = None
        self._valid_until = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        self._token = None

    async def token(self) -> str:
        async with self._lock:
            if self._token is None or self._clock() >= self._valid_until:
                self._token, self._valid_until = await self._fetch()
            return self._token

    async def _fetch(self) -> tuple[str, float]:
        form = {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret.get_secret_value(), "scope": self._scope}
        try:
            response = await self._http.post(self._token_url, data=form)
        except httpx.HTTPError as exc:
            raise ConnectorError(f"login service not reachable ({exc.__class__.__name__})") from exc
        if response.status_code != 200:
            raise ConnectorError(f"login service answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise ConnectorError("login service answer is not JSON") from exc
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise ConnectorError("login service answer has no access_token")
        expires_in = body.get("expires_in", 3600)
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 3600.0
        margin = min(TOKEN_REFRESH_MARGIN_SECONDS, lifetime / 2)
        return token, self._clock() + lifetime - margin


class ConnectorClient:
    """Posts replies to the Bot Connector with a token from :class:`ConnectorTokenProvider`."""

    def __init__(self, http: httpx.AsyncClient, tokens: ConnectorTokenProvider) -> None:
        self._http = http
        self._tokens = tokens

    async def reply(self, to: Activity, reply: Activity) -> None:
        """Post ``reply`` in ``to``'s conversation, as an answer to ``to`` when it has an id."""
        assert to.service_url and to.conversation and to.conversation.id
        base = f"{to.service_url.rstrip('/')}/v3/conversations/{quote(to.conversation.id, safe='')}/activities"
        url = f"{base}/{quote(to.id, safe='')}" if to.id else base
        body = reply.model_dump(by_alias=True, exclude_unset=True, exclude_none=True, mode="json")
        for attempt in (1, 2):
            token = await self._tokens.token()
            try:
                response = await self._http.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
            except httpx.HTTPError as exc:
                raise ConnectorError(f"Bot Connector not reachable ({exc.__class__.__name__})") from exc
            if response.status_code in (200, 201, 202):
                return
            if response.status_code == 401 and attempt == 1:  # token revoked or expired early: once more
                self._tokens.invalidate()
                continue
            raise ConnectorError(f"Bot Connector answered HTTP {response.status_code}")


# --- the channel ------------------------------------------------------------------------------------


class TeamsChannel:
    """Everything behind ``POST /api/messages``: authentication, relay to Rasa, replies."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not settings.teams_app_id or settings.teams_app_password is None:
            raise ValueError("Teams is not configured (TEAMS_APP_ID, TEAMS_APP_PASSWORD)")
        self._http = httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS, transport=transport, follow_redirects=False)
        self.app_id = settings.teams_app_id
        self._session_secret = settings.teams_app_password.get_secret_value()
        self.validator = BotFrameworkTokenValidator(
            SigningKeys(self._http, settings.teams_openid_metadata_url, clock=clock),
            app_id=settings.teams_app_id, issuers=settings.teams_token_issuers)
        self.host_validator = OutboundHostValidator(
            settings.teams_allowed_service_url_hosts, enabled=True, include_default_microsoft_hosts=False)
        tokens = ConnectorTokenProvider(
            self._http, token_url=f"{settings.teams_login_url}/{quote(settings.teams_tenant_id, safe='')}"
                                  "/oauth2/v2.0/token",
            client_id=settings.teams_app_id, client_secret=settings.teams_app_password,
            scope=settings.teams_oauth_scope, clock=clock)
        self.connector = ConnectorClient(self._http, tokens)
        self.max_message_chars = settings.max_message_chars

    async def aclose(self) -> None:
        await self._http.aclose()

    # inbound

    async def authenticate(self, authorization: str | None) -> VerifiedToken:
        return await self.validator.verify(authorization)

    def check_activity(self, token: VerifiedToken, activity: Activity) -> None:
        """Steps 3–5 of the module docstring: the activity belongs to this token and to an allowed service."""
        claim = token.claims.get(SERVICE_URL_CLAIM)
        if not isinstance(claim, str) or not claim:
            raise _unauthenticated("token has no serviceurl claim")
        service_url = activity.service_url or ""
        if not _same_service_url(claim, service_url):
            raise _unauthenticated("serviceurl claim does not match the activity's serviceUrl")
        if not self.host_validator.is_allowed(service_url):
            raise _forbidden(f"serviceUrl host not allowed: {urlsplit(service_url).hostname!r}")
        channel = activity.channel_id.channel if activity.channel_id else None
        if token.endorsements is not None and channel is not None and channel not in token.endorsements:
            raise _forbidden(f"signing key not endorsed for channel {channel!r}")

    # turns

    async def handle(self, activity: Activity, *, store: SessionStore, rasa: RasaClient, kb: KnowledgeBase) -> None:
        """Answer one authenticated activity. :class:`Problem` 503 (Rasa down, after an apology in
        Teams) or 502 (replies not delivered)."""
        if activity.type == "message":
            await self._on_message(activity, store=store, rasa=rasa, kb=kb)
        elif activity.type == "conversationUpdate" and self._bot_added(activity):
            if _ensure_session(store, teams_session_id(activity.conversation.id, self._session_secret)):
                await self._send(activity, [plain(f"{WELCOME}\n\n{NOTICE}")])
        # other activity types (typing, reactions, installationUpdate, …) need no answer

    @staticmethod
    def _bot_added(activity: Activity) -> bool:
        bot = activity.recipient.id if activity.recipient else None
        return bool(bot) and any(member.id == bot for member in activity.members_added or [])

    async def _on_message(self, activity: Activity, *, store: SessionStore, rasa: RasaClient,
                          kb: KnowledgeBase) -> None:
        session_id = teams_session_id(activity.conversation.id, self._session_secret)
        outgoing: list[Outgoing] = [plain(NOTICE)] if _ensure_session(store, session_id) else []
        text, payload = _user_input(activity)
        failure: Problem | None = None
        try:
            message = resolve_message(store.get(session_id), text=text, payload=payload,
                                      max_chars=self.max_message_chars)
            messages = await relay_turn(rasa, store, session_id, message, create=False)
            outgoing += render_turn(messages, kb)
        except Problem as problem:
            detail = problem.detail
            if problem.type.endswith(NOT_OFFERED_TYPE):
                detail = f"{detail} {STALE_CHOICE_HINT}"
            outgoing.append(plain(detail))
            if problem.status >= 500:
                failure = problem
        await self._send(activity, outgoing)
        if failure is not None:
            raise failure

    async def _send(self, to: Activity, outgoing: list[Outgoing]) -> None:
        try:
            for item in outgoing:
                await self.connector.reply(to, _reply_activity(to, item))
        except ConnectorError as exc:
            logger.error("Teams reply not delivered: %s", exc)
            raise Problem(502, CONNECTOR_FAILED_DETAIL, type_="teams-connector-failed",
                          title="Antwoord niet verstuurd") from None


def _ensure_session(store: SessionStore, session_id: str) -> bool:
    """Create the session if it is new; ``True`` when this call created it (its first reply)."""
    if store.exists(session_id):
        return False
    try:
        store.record_turn(session_id, TurnUpdate(), create=True)
    except sqlite3.IntegrityError:  # a concurrent first message created it
        return False
    return True


def _user_input(activity: Activity) -> tuple[str | None, str | None]:
    """(text, None) for a typed message, (None, payload) for an Adaptive Card button."""
    value = activity.value
    if isinstance(value, Mapping) and "payload" in value:
        payload = value["payload"]
        return None, payload if isinstance(payload, str) else ""
    return (activity.remove_recipient_mention() if activity.text else ""), None


def _reply_activity(to: Activity, item: Outgoing) -> Activity:
    reply = to.create_reply(item.text)
    if item.card is not None:
        reply.text = None
        reply.attachments = [Attachment(content_type=ADAPTIVE_CARD_CONTENT_TYPE, content=item.card)]
    return reply
