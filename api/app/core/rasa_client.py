"""Async HTTP client for the Rasa server (REST channel, ``/status``, the tracker) and the action server
(``/health``).

One :class:`httpx.AsyncClient` per application, made in the app's lifespan, so connections are
pooled and a Rasa that comes back after an outage is simply reconnected to on the next request.
"""

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

logger = logging.getLogger(__name__)

REST_WEBHOOK_PATH = "/webhooks/rest/webhook"
PROBE_TIMEOUT_SECONDS = 5.0


class RasaUnavailable(Exception):
    """Rasa did not answer usefully: unreachable, timed out, 5xx, or not the expected JSON."""


class ConversationNotErased(Exception):
    """Rasa accepted the request to erase a conversation, but its messages are still in the tracker.

    Rasa 3.6's ``PUT …/tracker/events`` *replaces* the events only in tracker stores that save a
    whole tracker (in-memory, Redis merges, Mongo appends); the ``SQLTrackerStore`` only appends
    events it does not have yet, so an empty list erases nothing there.
    """


# Events that carry what was said or answered; none of them may remain after erasing.
CONTENT_EVENTS = frozenset({"user", "bot", "slot", "entities", "user_featurization"})


@dataclass(frozen=True)
class ServiceCheck:
    """Outcome of one readiness probe."""

    ready: bool
    reason: str = ""


class RasaClient:
    """Talks to Rasa and the action server on behalf of the gateway."""

    def __init__(
        self,
        rasa_url: str,
        action_server_url: str,
        *,
        auth_token: str | None = None,
        timeout_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.action_server_url = action_server_url.rstrip("/")
        self._auth_token = auth_token
        self._timeout = timeout_seconds
        self._http = httpx.AsyncClient(timeout=timeout_seconds, transport=transport)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send_message(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Post one user message to Rasa's REST channel; return the bot's replies."""
        try:
            response = await self._http.post(
                f"{self.rasa_url}{REST_WEBHOOK_PATH}", json={"sender": sender, "message": message}
            )
        except httpx.HTTPError as exc:
            logger.warning("Rasa not reachable: %s", exc.__class__.__name__)
            raise RasaUnavailable(str(exc) or exc.__class__.__name__) from exc
        if response.status_code != 200:
            logger.warning("Rasa answered %s", response.status_code)
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            replies = response.json()
        except ValueError as exc:
            raise RasaUnavailable("Rasa's answer is not JSON") from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("Rasa's answer is not a list")
        return [reply for reply in replies if isinstance(reply, dict)]

    async def erase_conversation(self, sender: str) -> None:
        """Remove every event of ``sender``'s conversation from Rasa's tracker, then check it.

        ``PUT /conversations/{id}/tracker/events`` with an empty list replaces the tracker's events
        (Rasa's HTTP API, ``--enable-api``, token as ``?token=``). Rasa 3.6 has no call that deletes
        a conversation, so the tracker is read back (``include_events=ALL``): reading an empty
        tracker makes Rasa start a new, empty session in it, but no user message, bot message or
        slot value may be left. Raises :class:`RasaUnavailable` when Rasa cannot be reached or
        refuses, :class:`ConversationNotErased` when the messages are still there.
        """
        url = f"{self.rasa_url}/conversations/{quote(sender, safe='')}/tracker"
        params = {"token": self._auth_token} if self._auth_token else {}
        response = await self._call("PUT", f"{url}/events", params={**params, "include_events": "NONE"}, json=[])
        if response.status_code != 200:
            logger.warning("Rasa answered %s to replacing a tracker's events", response.status_code)
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        response = await self._call("GET", url, params={**params, "include_events": "ALL"})
        if response.status_code != 200:
            logger.warning("Rasa answered %s to reading a tracker", response.status_code)
            raise RasaUnavailable(f"Rasa answered HTTP {response.status_code}")
        try:
            events = response.json().get("events")
        except (ValueError, AttributeError) as exc:
            raise RasaUnavailable("Rasa's tracker is not the expected JSON") from exc
        if not isinstance(events, list):
            raise RasaUnavailable("Rasa's tracker has no list of events")
        left = [e for e in events if isinstance(e, dict) and e.get("event") in CONTENT_EVENTS
                and not (e.get("event") == "slot" and e.get("value") is None)]
        if left:
            logger.error("Rasa kept %d message/slot events after replacing the tracker's events; "
                         "its tracker store does not replace events (SQLTrackerStore?)", len(left))
            raise ConversationNotErased(f"{len(left)} events remain")

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            logger.warning("Rasa not reachable: %s", exc.__class__.__name__)
            raise RasaUnavailable(str(exc) or exc.__class__.__name__) from exc

    async def rasa_status(self) -> ServiceCheck:
        """Ready when ``GET /status`` is 200 and names a loaded model."""
        params = {"token": self._auth_token} if self._auth_token else None
        try:
            response = await self._http.get(
                f"{self.rasa_url}/status", params=params, timeout=min(self._timeout, PROBE_TIMEOUT_SECONDS)
            )
        except httpx.HTTPError:
            return ServiceCheck(False, "de assistent (Rasa) is niet bereikbaar")
        if response.status_code in (401, 403):
            return ServiceCheck(False, "de assistent (Rasa) weigert het toegangstoken (RASA_AUTH_TOKEN)")
        if response.status_code != 200:
            return ServiceCheck(False, f"de assistent (Rasa) antwoordt met status {response.status_code}")
        try:
            status = response.json()
        except ValueError:
            return ServiceCheck(False, "de assistent (Rasa) geeft een onverwacht antwoord")
        if not isinstance(status, dict) or not any(status.get(k) for k in ("model_id", "fingerprint", "model_file")):
            return ServiceCheck(False, "de assistent (Rasa) heeft geen getraind model geladen")
        return ServiceCheck(True)

    async def action_server_health(self) -> ServiceCheck:
        """Ready when the action server's ``GET /health`` is 200."""
        try:
            response = await self._http.get(
                f"{self.action_server_url}/health", timeout=min(self._timeout, PROBE_TIMEOUT_SECONDS)
            )
        except httpx.HTTPError:
            return ServiceCheck(False, "de actieserver is niet bereikbaar")
        if response.status_code != 200:
            return ServiceCheck(False, f"de actieserver antwoordt met status {response.status_code}")
        return ServiceCheck(True)
