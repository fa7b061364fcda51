"""The production stores for real: Rasa with bot/endpoints.production.yml against a real
PostgreSQL (conversations) and a real Redis (conversation locks), as in docker-compose.yml.

- A conversation lives in PostgreSQL, takes its locks in Redis, and goes on where it was after
  Rasa restarts.
- Two Rasa instances on the same stores serve one conversation: each sees what the other stored,
  and messages sent to both at once are handled one after the other (no answer lost), which is
  what the Redis lock store is for.
"""

import json
import os
import shutil
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from ..conftest import free_port, running_services, services_config
from .conftest import Chat
from ..datastores import Postgres, Redis, production_env

START_SCAN = "/start_scan"
ANSWER = '/antwoord{"antwoord": 3}'


@pytest.fixture(scope="module")
def stores():
    # Not under pytest's own temp dir: that one is private to this user, and PostgreSQL may run as
    # another (the `postgres` user, when the tests run as root).
    base = Path(tempfile.mkdtemp(prefix="coalitiecoach-stores-"))
    base.chmod(0o755)
    pg, redis = Postgres(base), Redis(base)
    try:
        pg.start()
        redis.start()
        yield pg, redis
    finally:
        redis.stop()
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def production(stores):
    data_dir = Path(tempfile.mkdtemp(prefix="coalitiecoach-prod-"))
    try:
        yield from running_services(services_config(data_dir, extra_env=production_env(*stores),
                                                    endpoints="endpoints.production.yml"))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def answered(messages) -> list[int]:
    return [m["custom"]["answered"] for m in messages if (m.get("custom") or {}).get("type") == "progress"]


def rest(port: int, sender: str, message: str) -> list[dict]:
    """One message straight to a Rasa instance's REST channel."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/webhooks/rest/webhook", method="POST",
                                 data=json.dumps({"sender": sender, "message": message}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read())


def wait_for_rasa(port: int, proc, log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the second Rasa instance is not up after {timeout} s")


def test_conversation_is_kept_in_postgres_locked_in_redis_and_survives_a_rasa_restart(production, stores):
    pg, redis = stores
    chat = Chat(production.config.gateway_url)
    chat.say("hallo")
    assert any(b["payload"] == START_SCAN for b in chat.buttons()), chat.last
    chat.say(payload=START_SCAN)
    chat.say(payload=ANSWER)
    assert answered(chat.last) == [1]
    chat.say(payload=ANSWER)
    assert answered(chat.last) == [2]

    stored = int(pg.psql(f"SELECT count(*) FROM events WHERE sender_id = '{chat.session_id}'"))
    assert stored > 0
    locks_taken = int(redis.command("INFO", "commandstats").split("cmdstat_set:calls=")[1].split(",")[0])
    assert locks_taken >= 4  # one lock per message at least

    production.stop(["rasa"])
    production.start(["rasa"])
    production.wait_ready(timeout=240)

    chat.say(payload=ANSWER)
    assert answered(chat.last) == [3], chat.last  # went on at question 4, nothing lost
    assert int(pg.psql(f"SELECT count(*) FROM events WHERE sender_id = '{chat.session_id}'")) > stored


def test_two_rasa_instances_serve_one_conversation_in_order(production, stores):
    from services import Services

    first = production.config
    second = Services(replace(first, rasa_port=free_port(), log_dir=first.data_dir / "logs-second"))
    second.start(["rasa"])
    try:
        wait_for_rasa(second.config.rasa_port, second.procs["rasa"], second.logs["rasa"])
        a, b = first.rasa_port, second.config.rasa_port
        sender = "replicas-" + os.urandom(6).hex()
        rest(a, sender, "hallo")
        assert answered(rest(b, sender, START_SCAN)) == [0]
        assert answered(rest(a, sender, ANSWER)) == [1]
        assert answered(rest(b, sender, ANSWER)) == [2]  # B sees the answer A stored

        # Six answers at once, three to each instance: with the conversation locked in Redis each
        # is handled after the one before it, so every one counts. (Six, so that all of them land
        # on questions 3-8, where "3" is a valid answer.)
        with ThreadPoolExecutor(max_workers=6) as pool:
            replies = list(pool.map(lambda port: rest(port, sender, ANSWER), [a, b] * 3))
        counts = sorted(n for reply in replies for n in answered(reply))
        assert counts == [3, 4, 5, 6, 7, 8], replies
    finally:
        second.stop()
