"""Redis lock store that is safe with more than one Rasa process.

Rasa 3.6's open-source RedisLockStore changes a conversation's ticket lock by reading it, changing
it in Python and writing it back. Two Rasa processes that get a message for the same conversation
at the same moment both read "no tickets", both take ticket 0 and process side by side. Each then
saves a tracker that misses the other's events, so one answer is lost (rasa#9213;
tests/e2e/test_production_stores_e2e.py saw it). Here every change of a lock is one Redis
transaction (WATCH/MULTI/EXEC, retried when another process changed the lock in between).
The stored format is Rasa's own TicketLock, so nothing else changes.
"""
from __future__ import annotations

import json
from typing import Callable, Optional, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T], *, create: bool = False,
                delete_when_empty: bool = False) -> Optional[T]:
        """Apply `change` to the stored lock in one transaction; None if there is no lock (and
        `create` is false)."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    if stored is None and not create:
                        pipe.unwatch()
                        return None
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else TicketLock(conversation_id)
                    result = change(lock)
                    pipe.multi()
                    if delete_when_empty and not lock.is_someone_waiting():
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except Exception as e:  # as Rasa's own: the message fails with a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: str) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # finishing and deleting the lock when nobody waits in one step: between two separate
        # steps another process could issue a ticket, and the delete would throw it away
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number), delete_when_empty=True)
