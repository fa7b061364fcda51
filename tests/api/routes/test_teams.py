"""POST /api/messages: Bot Framework tokens, relay to Rasa, replies through the Bot Connector.

Microsoft's side is faked locally (tests/api/teams_fakes.py): OpenID metadata + JWKS with an RSA
key made here, the login service and the Bot Connector, all behind the gateway's own httpx client.
Rasa is the FakeRasa of tests/api/support.py.
"""

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from fastapi.testclient import TestClient
from knowledge import get_knowledge
from knowledge.engine import diagnose
from pydantic import ValidationError

from app.core.config import Settings
from app.core.store import SessionStore
from app.core.teams import NOTICE, TeamsChannel, teams_session_id
from app.routes.teams import get_teams

from ..support import FakeRasa, assert_problem, build_app, make_settings
from ..teams_fakes import (
    APP_ID,
    APP_PASSWORD,
    BOT_ID,
    CONNECTOR_HOST,
    LOGIN_URL,
    METADATA_URL,
    SERVICE_URL,
    TENANT,
    BotFramework,
    activity,
    new_rsa_key,
    public_jwk,
    submit_actions,
)

MESSAGES = "/api/messages"
NOT_CONFIGURED = "Teams is niet ingesteld."
NOTICE_MARK = "Bot Connector"

SCALE_BUTTONS = [
    {"title": "Helemaal niet", "payload": '/antwoord{"antwoord": 1}'},
    {"title": "Nauwelijks", "payload": '/antwoord{"antwoord": 2}'},
    {"title": "Gedeeltelijk", "payload": '/antwoord{"antwoord": 3}'},
    {"title": "Grotendeels", "payload": '/antwoord{"antwoord": 4}'},
    {"title": "Helemaal", "payload": '/antwoord{"antwoord": 5}'},
    {"title": "Weet ik niet", "payload": '/antwoord{"antwoord": "weet_niet"}'},
]


class Clock:
    """A monotonic clock the tests move forward (key and token caching)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def teams_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "teams_app_id": APP_ID,
        "teams_app_password": APP_PASSWORD,
        "teams_tenant_id": TENANT,
        "teams_login_url": LOGIN_URL,
        "teams_openid_metadata_url": METADATA_URL,
        "teams_allowed_service_url_hosts": [CONNECTOR_HOST],
    }
    values.update(overrides)
    return make_settings(data_dir, **values)


@pytest.fixture
def bf() -> BotFramework:
    return BotFramework()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def teams_app(tmp_path: Path, fake_rasa: FakeRasa) -> FastAPI:
    return build_app(teams_settings(tmp_path / "data"), fake_rasa)


@pytest.fixture
def client(teams_app: FastAPI, bf: BotFramework, clock: Clock) -> Iterator[TestClient]:
    """The gateway with Teams configured; its Teams HTTP client talks to the fakes of ``bf``."""
    channel = TeamsChannel(teams_app.state.settings, transport=bf.transport, clock=clock)
    teams_app.dependency_overrides[get_teams] = lambda: channel
    with TestClient(teams_app) as test_client:
        yield test_client
        test_client.portal.call(channel.aclose)


@pytest.fixture
def store(client: TestClient, teams_app: FastAPI) -> SessionStore:
    return teams_app.state.store


def post(client: TestClient, bf: BotFramework, body: dict[str, Any], **token: Any):
    return client.post(MESSAGES, json=body, headers=bf.auth(**token))


def say(client: TestClient, bf: BotFramework, text: str, **kwargs: Any) -> None:
    response = post(client, bf, activity(text=text, **kwargs))
    assert response.status_code == 202, response.text


def press(client: TestClient, bf: BotFramework, action: dict[str, Any], **kwargs: Any) -> None:
    """What Teams sends when an Action.Submit is used: a message whose value is the action's data."""
    response = post(client, bf, activity(value=action["data"], **kwargs))
    assert response.status_code == 202, response.text


def unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{b64(header)}.{b64(claims)}."


# --- a valid token: relayed, and the reply reaches the Bot Connector ---------------------------------


def test_valid_token_relays_to_rasa_and_replies_through_the_connector(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    fake_rasa.reply({"text": "Hallo! Ik ben de Coalitiecoach."})

    response = post(client, bf, activity(text="hallo", conversation_id="a:gesprek-1", activity_id="act-7"))

    assert response.status_code == 202, response.text
    session_id = teams_session_id("a:gesprek-1", APP_PASSWORD)
    assert session_id.startswith("teams-") and len(session_id) == len("teams-") + 32
    assert fake_rasa.received == [(session_id, "hallo")]
    assert store.exists(session_id)
    texts = [r.text for r in bf.replies]
    assert texts[-1] == "Hallo! Ik ben de Coalitiecoach."
    for reply in bf.replies:
        assert reply.path.startswith("/teams/v3/conversations/")
        assert (reply.conversation_id, reply.reply_to) == ("a:gesprek-1", "act-7")
        assert reply.token in bf.issued_tokens
        assert reply.activity["type"] == "message"
        assert reply.activity["replyToId"] == "act-7"
        assert reply.activity["from"]["id"] == BOT_ID
        assert reply.activity["conversation"]["id"] == "a:gesprek-1"
    # the bot's own login: client credentials for the Bot Connector's scope
    assert len(bf.login_requests) == 1
    assert bf.login_requests[0]["client_id"] == [APP_ID]


def test_conversation_id_with_special_characters_reaches_the_right_conversation(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    conversation = "19:abc123@thread.tacv2;messageid=1700000000000"

    say(client, bf, "hallo", conversation_id=conversation, activity_id="1700000000000")

    assert fake_rasa.received == [(teams_session_id(conversation, APP_PASSWORD), "hallo")]
    assert {(r.conversation_id, r.reply_to) for r in bf.replies} == {(conversation, "1700000000000")}


def test_each_conversation_is_its_own_session(client: TestClient, bf: BotFramework, fake_rasa: FakeRasa) -> None:
    say(client, bf, "hallo", conversation_id="a:een")
    say(client, bf, "hallo", conversation_id="a:twee")
    say(client, bf, "verder", conversation_id="a:een")

    senders = [sender for sender, _ in fake_rasa.received]
    assert senders == [teams_session_id(c, APP_PASSWORD) for c in ("a:een", "a:twee", "a:een")]
    assert senders[0] != senders[1]


# --- tokens and activities that are refused -----------------------------------------------------------


def _forged(bf: BotFramework) -> dict[str, str]:
    return bf.auth(key=new_rsa_key())  # the right key id, signed with another key


def _hs256_with_public_key(bf: BotFramework) -> dict[str, str]:
    pem = bf.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "typ": "JWT", "kid": bf.kid}
    signing_input = unsigned(header, bf.claims())[:-1].encode()
    signature = base64.urlsafe_b64encode(hmac.new(pem, signing_input, hashlib.sha256).digest()).rstrip(b"=")
    return {"Authorization": f"Bearer {signing_input.decode()}.{signature.decode()}"}


def _expired(bf: BotFramework) -> dict[str, str]:
    now = int(time.time())  # ten minutes past expiry: beyond the five minutes of clock skew
    return bf.auth(exp=now - 600, iat=now - 4200, nbf=now - 4200)


REFUSED: dict[str, Any] = {
    "missing header": lambda bf: {},
    "empty header": lambda bf: {"Authorization": ""},
    "not a bearer token": lambda bf: {"Authorization": "Basic dXNlcjpwYXNz"},
    "garbage token": lambda bf: {"Authorization": "Bearer dit.is.geentoken"},
    "forged signature": _forged,
    "unknown key id": lambda bf: bf.auth(kid="andere-sleutel"),
    "wrong audience": lambda bf: bf.auth(aud="99999999-aaaa-bbbb-cccc-dddddddddddd"),
    "wrong issuer": lambda bf: bf.auth(iss="https://sts.windows.net/evil/"),
    "expired": _expired,
    "without expiry": lambda bf: bf.auth(exp=None),
    "mismatched serviceUrl claim": lambda bf: bf.auth(serviceurl="https://other.connector.test/teams/"),
    "serviceUrl claim with another path": lambda bf: bf.auth(serviceurl="https://connector.test/elders/"),
    "no serviceUrl claim": lambda bf: bf.auth(serviceurl=None),
    "alg none": lambda bf: {"Authorization": "Bearer " + unsigned({"alg": "none", "kid": bf.kid}, bf.claims())},
    "HS256 signed with the public key": _hs256_with_public_key,
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_tokens_are_401_and_nothing_is_relayed(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, store: SessionStore, case: str
) -> None:
    headers = REFUSED[case](bf)

    response = client.post(MESSAGES, json=activity(text="hallo"), headers=headers)

    problem = assert_problem(response, 401)
    assert "aanmelding" in problem["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert fake_rasa.received == []
    assert bf.replies == [] and bf.login_requests == []
    assert store.count() == 0


def test_the_same_token_and_activity_are_accepted(client: TestClient, bf: BotFramework, fake_rasa: FakeRasa) -> None:
    """Control for the refusals above: only the varied part makes them fail."""
    now = int(time.time())
    response = post(client, bf, activity(text="hallo"), exp=now - 60)  # within the clock skew

    assert response.status_code == 202, response.text
    assert len(fake_rasa.received) == 1


@pytest.mark.parametrize("service_url", ["https://connector.test/teams", "https://CONNECTOR.test/teams/"])
def test_service_url_written_differently_but_equal_is_accepted(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, service_url: str
) -> None:
    response = post(client, bf, activity(text="hallo", service_url=service_url))

    assert response.status_code == 202, response.text
    assert len(fake_rasa.received) == 1 and bf.replies


def test_service_url_must_match_the_claim_even_on_the_same_host(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    """The token was issued for SERVICE_URL; the activity names another path on that host."""
    response = post(client, bf, activity(text="hallo", service_url="https://connector.test/elders/"))

    assert_problem(response, 401)
    assert fake_rasa.received == [] and bf.replies == []


@pytest.mark.parametrize(
    "service_url",
    ["https://evil.test/teams/", "http://connector.test/teams/", "https://127.0.0.1/teams/",
     "https://connector.test.evil.test/teams/"],
)
def test_service_url_outside_the_allowed_hosts_is_403(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, store: SessionStore, service_url: str
) -> None:
    """Even with a genuine token for that service URL, we never send our connector token there."""
    response = post(client, bf, activity(text="hallo", service_url=service_url), serviceurl=service_url)

    assert assert_problem(response, 403)["detail"] == "Dit Teams-bericht komt niet van een toegestane dienst."
    assert fake_rasa.received == [] and bf.replies == [] and bf.login_requests == []
    assert store.count() == 0


def test_channel_not_endorsed_by_the_signing_key_is_403(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    response = post(client, bf, activity(text="hallo", channel_id="webchat"))

    assert_problem(response, 403)
    assert fake_rasa.received == []


@pytest.mark.parametrize(
    "content",
    [b"geen json", b"[1, 2]", json.dumps({"type": "message"}).encode(),
     json.dumps({"type": "", "conversation": {"id": "a:x"}, "serviceUrl": SERVICE_URL}).encode()],
)
def test_body_that_is_not_an_activity_is_400(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, content: bytes
) -> None:
    response = client.post(MESSAGES, content=content, headers={**bf.auth(), "Content-Type": "application/json"})

    assert_problem(response, 400)
    assert fake_rasa.received == [] and bf.replies == []


def test_token_is_checked_before_the_body(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post(MESSAGES, content=b"geen json", headers={"Content-Type": "application/json"})

    assert_problem(response, 401)


def test_signing_keys_unreachable_is_503_and_nothing_relayed(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    bf.keys_down = True

    response = post(client, bf, activity(text="hallo"))

    assert "sleutels" in assert_problem(response, 503)["detail"]
    assert fake_rasa.received == [] and bf.replies == []


# --- signing keys and login tokens are cached --------------------------------------------------------


def test_signing_keys_are_fetched_once_and_again_for_a_new_key_after_five_minutes(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, clock: Clock
) -> None:
    say(client, bf, "een")
    say(client, bf, "twee")
    assert (bf.metadata_requests, bf.jwks_requests) == (1, 1)

    # Microsoft publishes a new key; a token signed with it arrives
    new_key = new_rsa_key()
    bf.extra_keys.append(public_jwk(new_key, "test-key-2", ["msteams"]))
    assert_problem(post(client, bf, activity(text="drie"), key=new_key, kid="test-key-2"), 401)
    assert bf.jwks_requests == 1  # unknown key ids do not make us fetch again within five minutes

    clock.now += 301
    response = post(client, bf, activity(text="drie"), key=new_key, kid="test-key-2")

    assert response.status_code == 202, response.text
    assert bf.jwks_requests == 2
    assert [m for _, m in fake_rasa.received] == ["een", "twee", "drie"]

    # known keys are kept for a day, then fetched again
    clock.now += 3600
    say(client, bf, "vier")
    assert bf.jwks_requests == 2
    clock.now += 24 * 3600
    say(client, bf, "vijf")
    assert bf.jwks_requests == 3


def test_login_token_is_reused_until_shortly_before_it_expires(
    client: TestClient, bf: BotFramework, clock: Clock
) -> None:
    say(client, bf, "een")
    say(client, bf, "twee")
    assert len(bf.login_requests) == 1

    clock.now += 3599 - 300 + 1  # inside the five minutes before expiry
    say(client, bf, "drie")

    assert len(bf.login_requests) == 2
    assert bf.replies[-1].token != bf.replies[0].token


def test_connector_refusing_the_token_gets_a_fresh_one(client: TestClient, bf: BotFramework) -> None:
    say(client, bf, "een")
    bf.revoked_tokens.add(bf.replies[-1].token)

    say(client, bf, "twee")

    assert len(bf.login_requests) == 2
    assert bf.replies[-1].token not in bf.revoked_tokens


# --- failures on the way out ------------------------------------------------------------------------


def test_rasa_down_apologises_in_teams_and_answers_503(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True

    response = post(client, bf, activity(text="hallo"))

    problem = assert_problem(response, 503)
    assert bf.replies[-1].text == problem["detail"] == \
        "De assistent is even niet bereikbaar. Probeer het over een minuut opnieuw."


def test_connector_failure_is_502(client: TestClient, bf: BotFramework, fake_rasa: FakeRasa) -> None:
    bf.connector_status = 500

    response = post(client, bf, activity(text="hallo"))

    assert assert_problem(response, 502)["detail"] == "Het antwoord kon niet naar Teams worden verstuurd."


def test_login_refused_is_502(tmp_path: Path, fake_rasa: FakeRasa, bf: BotFramework) -> None:
    settings = teams_settings(tmp_path, teams_app_password="verkeerd-wachtwoord")
    app = build_app(settings, fake_rasa)
    channel = TeamsChannel(settings, transport=bf.transport)
    app.dependency_overrides[get_teams] = lambda: channel
    with TestClient(app) as client:
        response = post(client, bf, activity(text="hallo"))
        client.portal.call(channel.aclose)

    assert_problem(response, 502)
    assert bf.login_requests and bf.replies == []


# --- what the user sees ------------------------------------------------------------------------------


def test_buttons_become_an_adaptive_card_with_action_submit(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    fake_rasa.reply({"text": "We beginnen."},
                    {"text": "Vraag 1 van 27: Zien de partners dat zij elkaar nodig hebben?", "buttons": SCALE_BUTTONS})

    say(client, bf, "start de scan")

    card_replies = [r for r in bf.replies if r.cards]
    assert len(card_replies) == 1
    reply = card_replies[0]
    assert reply.activity["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = reply.cards[0]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    assert [b["text"] for b in card["body"]] == ["We beginnen.",
                                                 "Vraag 1 van 27: Zien de partners dat zij elkaar nodig hebben?"]
    assert card["actions"] == [{"type": "Action.Submit", "title": b["title"], "data": {"payload": b["payload"]}}
                               for b in SCALE_BUTTONS]


def test_many_buttons_go_into_action_sets(client: TestClient, bf: BotFramework, fake_rasa: FakeRasa) -> None:
    buttons = [{"title": f"Partner {n}", "payload": f"/kies{{\"p\": {n}}}"} for n in range(8)]
    fake_rasa.reply({"text": "Welke partners doen mee?", "buttons": buttons})

    say(client, bf, "verder")

    card = next(r.cards[0] for r in bf.replies if r.cards)
    assert "actions" not in card
    assert [a["title"] for a in submit_actions(card)] == [b["title"] for b in buttons]


def test_card_button_sends_the_offered_payload_to_rasa(client: TestClient, bf: BotFramework,
                                                       fake_rasa: FakeRasa) -> None:
    fake_rasa.reply({"text": "Vraag 1 van 27", "buttons": SCALE_BUTTONS})
    say(client, bf, "start de scan")
    card = next(r.cards[0] for r in bf.replies if r.cards)

    press(client, bf, card["actions"][2], activity_id="act-2")

    assert fake_rasa.received[-1] == (teams_session_id("a:gesprek-1", APP_PASSWORD), SCALE_BUTTONS[2]["payload"])


@pytest.mark.parametrize("value", [{"payload": "/opnieuw_beginnen"}, {"payload": 3}, {"payload": ""}])
def test_payload_not_offered_is_not_relayed_and_explained(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, value: dict[str, Any]
) -> None:
    fake_rasa.reply({"text": "Vraag 1 van 27", "buttons": SCALE_BUTTONS})
    say(client, bf, "start de scan")

    response = post(client, bf, activity(value=value, activity_id="act-2"))

    assert response.status_code == 202
    assert len(fake_rasa.received) == 1
    assert bf.replies[-1].text.startswith("Deze keuze hoort niet bij dit gesprek.")
    assert bf.replies[-1].reply_to == "act-2"


def test_button_of_an_older_question_is_not_relayed(client: TestClient, bf: BotFramework,
                                                    fake_rasa: FakeRasa) -> None:
    old = [{"title": "Ja", "payload": "/bevestigen"}]
    fake_rasa.reply({"text": "Zullen we beginnen?", "buttons": old})
    fake_rasa.reply({"text": "Vraag 1 van 27", "buttons": SCALE_BUTTONS})
    say(client, bf, "scan")
    say(client, bf, "ja")

    press(client, bf, {"data": {"payload": "/bevestigen"}})

    assert [m for _, m in fake_rasa.received] == ["scan", "ja"]
    assert "knoppen bij mijn laatste bericht" in bf.replies[-1].text


@pytest.mark.parametrize(("text", "relayed"), [
    ("<at>Coalitiecoach</at> wat is de netwerkdip?", "wat is de netwerkdip?"),
    ("/restart", "restart"),
    ("  hallo\x07 ", "hallo"),
])
def test_text_goes_through_the_same_guards_as_the_web_chat(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, text: str, relayed: str
) -> None:
    mention = [{"type": "mention", "text": "<at>Coalitiecoach</at>",
                "mentioned": {"id": BOT_ID, "name": "Coalitiecoach"}}]

    say(client, bf, text, entities=mention)

    assert fake_rasa.received == [(teams_session_id("a:gesprek-1", APP_PASSWORD), relayed)]


@pytest.mark.parametrize(("text", "detail"), [
    ("", "Uw bericht is leeg. Typ een vraag of antwoord."),
    (None, "Uw bericht is leeg. Typ een vraag of antwoord."),
    ("x" * 2001, "Uw bericht is te lang (maximaal 2000 tekens)."),
])
def test_unusable_text_is_explained_in_teams_and_not_relayed(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, text: str | None, detail: str
) -> None:
    response = post(client, bf, activity(text=text))

    assert response.status_code == 202
    assert fake_rasa.received == []
    assert bf.replies[-1].text == detail


def test_notice_about_microsoft_comes_once_per_conversation(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    for n, text in enumerate(["hallo", "wat is de netwerkdip?", "dank je"]):
        say(client, bf, text, activity_id=f"a-{n}")
    first_conversation = list(bf.replies)
    say(client, bf, "hallo", conversation_id="a:ander-gesprek")

    notices = [r for r in first_conversation if NOTICE_MARK in r.all_text()]
    assert len(notices) == 1
    assert notices[0].text == NOTICE and "Microsoft" in NOTICE
    assert first_conversation[0] is notices[0] and notices[0].reply_to == "a-0"  # in the first reply
    assert [r for r in bf.replies[len(first_conversation):] if NOTICE_MARK in r.all_text()]
    assert len(fake_rasa.received) == 4


def test_notice_comes_even_when_the_first_message_fails(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    fake_rasa.down = True
    post(client, bf, activity(text="hallo"))
    fake_rasa.down = False
    say(client, bf, "hallo")

    assert [NOTICE_MARK in r.all_text() for r in bf.replies] == [True, False, False]


def test_bot_added_to_a_conversation_welcomes_with_the_notice(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    added = activity(type="conversationUpdate", activity_id="upd-1",
                     membersAdded=[{"id": BOT_ID, "name": "Coalitiecoach"}])
    someone_else = activity(type="conversationUpdate", activity_id="upd-2", membersAdded=[{"id": "29:collega"}])

    assert post(client, bf, added).status_code == 202
    assert post(client, bf, someone_else).status_code == 202
    assert post(client, bf, added).status_code == 202
    say(client, bf, "hallo")

    assert fake_rasa.received == [(teams_session_id("a:gesprek-1", APP_PASSWORD), "hallo")]
    notices = [r for r in bf.replies if NOTICE_MARK in r.all_text()]
    assert len(notices) == 1 and notices[0].reply_to == "upd-1"
    assert "Welkom bij de Coalitiecoach" in notices[0].text


def test_other_activity_types_are_accepted_and_ignored(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa
) -> None:
    response = post(client, bf, activity(type="typing"))

    assert response.status_code == 202
    assert fake_rasa.received == [] and bf.replies == []


# --- a whole scan in Teams ----------------------------------------------------------------------------


def test_full_teams_conversation_start_answer_by_button_and_text_get_the_result_card(
    client: TestClient, bf: BotFramework, fake_rasa: FakeRasa, store: SessionStore
) -> None:
    kb = get_knowledge()
    conversation = "a:volledige-scan"
    session_id = teams_session_id(conversation, APP_PASSWORD)

    # 1. start the scan by typing
    fake_rasa.reply({"text": "Fijn, we beginnen met de scan. Het zijn 27 vragen."},
                    {"text": "Vraag 1 van 27: Zien de partners dat zij elkaar nodig hebben?", "buttons": SCALE_BUTTONS},
                    {"custom": {"type": "progress", "answered": 0, "total": 27, "answers": {}}})
    say(client, bf, "Ik wil de scan doen", conversation_id=conversation, activity_id="m1")
    assert [r.text for r in bf.replies][0] == NOTICE
    question_card = bf.replies[-1].cards[0]
    assert "Vraag 1 van 27" in bf.replies[-1].all_text()

    # 2. answer with a card button
    fake_rasa.reply({"text": "Vraag 2 van 27: Vinden de partners eenzaamheid een belangrijk thema?",
                     "buttons": SCALE_BUTTONS},
                    {"custom": {"type": "progress", "answered": 1, "total": 27,
                                "answers": {"u_elkaar_nodig": "Nauwelijks"}}})
    press(client, bf, question_card["actions"][1], conversation_id=conversation, activity_id="m2")
    assert fake_rasa.received[-1] == (session_id, SCALE_BUTTONS[1]["payload"])
    assert "Vraag 2 van 27" in bf.replies[-1].all_text()
    assert store.get(session_id).progress.answered == 1

    # 3. answer by typing; the bot finishes the scan and sends the result
    answers = {"u_elkaar_nodig": "niet echt", "u_thema_belangrijk": "nauwelijks", "v_afspraken": "ja, meestal wel",
               "c_opkomst": "gaat wel", "f_fase_genoemd": "levend houden denk ik"}
    result = diagnose(kb, answers)
    result_buttons = [{"title": "Waarom dit advies?", "payload": "/uitleg_resultaat"},
                      {"title": "Opnieuw beginnen", "payload": "/opnieuw_beginnen"}]
    fake_rasa.reply({"text": "Dank u wel! Dit is het resultaat van de scan."},
                    {"text": "Volgende stappen: zie hieronder.", "buttons": result_buttons},
                    {"custom": {"type": "diagnosis", "result": result}})
    before = len(bf.replies)
    say(client, bf, "nauwelijks", conversation_id=conversation, activity_id="m3")
    assert fake_rasa.received[-1] == (session_id, "nauwelijks")

    last_turn = bf.replies[before:]
    assert all(r.reply_to == "m3" for r in last_turn)
    assert [a["title"] for a in submit_actions(last_turn[0].cards[0])] == ["Waarom dit advies?", "Opnieuw beginnen"]
    result_card = last_turn[-1].cards[0]
    shown = last_turn[-1].all_text()
    assert "Resultaat van de scan" in shown
    facts = {f["title"]: f["value"] for b in result_card["body"] if b["type"] == "FactSet" for f in b["facts"]}
    assert facts["Urgentiebesef en doelconsensus"] == "2,0 (onvoldoende)"
    assert facts["Omvang en diversiteit"] == "onbekend"  # no answers about it
    assert set(facts) == {kb.item("dimensions", d)["label"] for d in result["dimensions"]}
    assert f"{result['phase']['label']} (zekerheid" in shown
    assert f"{result['role']['label']}: {result['role']['rationale']}" in shown
    for n, step in enumerate(result["advice"], 1):
        assert f"{n}. " in shown and step["text"] in shown
        assert f"Bron: {kb.source_label(step['source'])}" in shown
    assert "Bron: Handreiking Samenspel lokale coalities, §" in shown
    assert sum(NOTICE_MARK in r.all_text() for r in bf.replies) == 1

    # the result is stored as for a web session, and the result buttons work
    stored = client.get(f"/api/v1/sessions/{session_id}/diagnosis")
    assert stored.status_code == 200, stored.text
    assert stored.json()["completed"] is True
    assert stored.json()["role"]["id"] == result["role"]["id"]
    press(client, bf, submit_actions(last_turn[0].cards[0])[0], conversation_id=conversation, activity_id="m4")
    assert fake_rasa.received[-1] == (session_id, "/uitleg_resultaat")
    assert len(bf.login_requests) == 1 and bf.jwks_requests == 1


# --- configuration ------------------------------------------------------------------------------------


def test_not_configured_is_503_and_nothing_relayed(client_without_teams: TestClient, bf: BotFramework,
                                                   fake_rasa: FakeRasa) -> None:
    for headers in ({}, bf.auth()):
        response = client_without_teams.post(MESSAGES, json=activity(text="hallo"), headers=headers)
        assert assert_problem(response, 503)["detail"] == NOT_CONFIGURED
    assert fake_rasa.received == []


@pytest.fixture
def client_without_teams(tmp_path: Path, fake_rasa: FakeRasa) -> Iterator[TestClient]:
    with TestClient(build_app(make_settings(tmp_path, teams_app_id=None), fake_rasa)) as test_client:
        yield test_client


def test_web_chat_needs_no_bot_framework_token(client: TestClient, fake_rasa: FakeRasa) -> None:
    response = client.post("/api/v1/chat", json={"text": "hallo"})

    assert response.status_code == 200, response.text
    assert fake_rasa.received[-1][1] == "hallo"
    assert client.get("/health").status_code == 200


def test_configured_app_builds_its_teams_channel_and_guards_the_route(tmp_path: Path, fake_rasa: FakeRasa) -> None:
    app = build_app(teams_settings(tmp_path), fake_rasa)
    with TestClient(app) as client:
        assert isinstance(app.state.teams, TeamsChannel)
        response = client.post(MESSAGES, json=activity(text="hallo"))
        assert_problem(response, 401, "Dit Teams-bericht heeft geen aanmelding (de Authorization-header ontbreekt).")
    assert fake_rasa.received == []
    assert app.state.teams is None  # closed with the app


def test_route_is_in_the_openapi_schema(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/messages"]["post"]
    assert {"401", "403", "503"} <= set(operation["responses"])


def test_teams_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_APP_ID", APP_ID)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", "geheim")
    monkeypatch.setenv("TEAMS_TENANT_ID", "contoso.onmicrosoft.com")
    monkeypatch.setenv("TEAMS_LOGIN_URL", "https://login.example/")
    monkeypatch.setenv("TEAMS_ALLOWED_SERVICE_URL_HOSTS", "smba.trafficmanager.net, teams.example ,")
    monkeypatch.setenv("TEAMS_TOKEN_ISSUERS", "https://api.botframework.com,https://iss.example")

    settings = Settings(_env_file=None)

    assert settings.teams_enabled and settings.teams_app_id == APP_ID
    assert settings.teams_app_password is not None and "geheim" not in repr(settings)
    assert settings.teams_tenant_id == "contoso.onmicrosoft.com"
    assert settings.teams_login_url == "https://login.example"
    assert settings.teams_allowed_service_url_hosts == ["smba.trafficmanager.net", "teams.example"]
    assert settings.teams_token_issuers == ["https://api.botframework.com", "https://iss.example"]
    assert settings.teams_openid_metadata_url == "https://login.botframework.com/v1/.well-known/openidconfiguration"


def test_teams_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TEAMS_APP_ID", "TEAMS_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)

    assert Settings(_env_file=None).teams_enabled is False


@pytest.mark.parametrize("overrides", [
    {"teams_app_password": None},
    {"teams_app_password": ""},
    {"teams_login_url": "http://login.test"},
    {"teams_openid_metadata_url": "http://login.test/v1/.well-known/openidconfiguration"},
    {"teams_allowed_service_url_hosts": []},
    {"teams_token_issuers": []},
])
def test_incomplete_or_unsafe_teams_settings_are_refused(tmp_path: Path, overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        teams_settings(tmp_path, **overrides)


def test_session_id_cannot_be_derived_from_the_conversation_id_alone():
    import hashlib
    plain = "teams-" + hashlib.sha256(b"a:gesprek-1").hexdigest()[:32]
    assert teams_session_id("a:gesprek-1", APP_PASSWORD) != plain
    assert teams_session_id("a:gesprek-1", APP_PASSWORD) != teams_session_id("a:gesprek-1", "een ander geheim")
