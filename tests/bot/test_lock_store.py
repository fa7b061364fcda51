"""coalitie_rasa.lock_store against a real Redis: several processes' worth of lock stores taking
tickets for one conversation at once never get the same ticket, and a conversation's lock is
served in order. Rasa's own RedisLockStore fails the first test (rasa#9213)."""

import asyncio
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from coalitie_rasa.lock_store import AtomicRedisLockStore
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from ..datastores import Redis

STORES, TICKETS_EACH = 4, 50


@pytest.fixture(scope="module")
def redis():
    base = Path(tempfile.mkdtemp(prefix="coalitiecoach-redis-"))
    server = Redis(base)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


def store(redis, cls=AtomicRedisLockStore):
    config = EndpointConfig(url="127.0.0.1", port=redis.port, password=redis.password, db=0,
                            key_prefix="test")
    return cls(config) if cls is AtomicRedisLockStore else cls(host=config.url, **config.kwargs)


def tickets_taken_at_once(stores, conversation_id):
    """Each store (its own Redis connection, as in its own process) takes tickets in its own thread."""
    taken, start = [], threading.Barrier(len(stores))

    def take(s):
        start.wait()
        mine = [s.issue_ticket(conversation_id, lock_lifetime=600) for _ in range(TICKETS_EACH)]
        taken.extend(mine)

    threads = [threading.Thread(target=take, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return taken


def test_tickets_taken_at_once_are_all_different(redis):
    taken = tickets_taken_at_once([store(redis) for _ in range(STORES)], "tickets")
    assert len(taken) == STORES * TICKETS_EACH
    assert sorted(taken) == list(range(STORES * TICKETS_EACH))


def test_rasa_own_redis_lock_store_hands_out_a_ticket_twice(redis):
    # Why the class exists: the same load on Rasa's store loses tickets.
    taken = tickets_taken_at_once([store(redis, RedisLockStore) for _ in range(STORES)], "rasa-own")
    assert len(set(taken)) < len(taken)


def test_a_lock_is_held_by_one_at_a_time_and_removed_after_the_last(redis):
    stores = [store(redis) for _ in range(3)]
    inside, most_inside, order = 0, 0, []

    async def handle(s, n):
        nonlocal inside, most_inside
        async with s.lock("ordered", wait_time_in_seconds=0.01):
            inside += 1
            most_inside = max(most_inside, inside)
            order.append(n)
            await asyncio.sleep(0.02)
            inside -= 1

    async def main():
        await asyncio.gather(*(handle(stores[n % 3], n) for n in range(9)))

    asyncio.run(main())
    assert most_inside == 1
    assert sorted(order) == list(range(9))
    assert stores[0].get_lock("ordered") is None
