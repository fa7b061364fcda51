"""The gateway's session and result store: one SQLite file (stdlib ``sqlite3``).

Per session it keeps what the gateway needs between turns and after a restart:

- the button payloads the bot offered in its last reply (only those may be sent back as ``payload``);
- the scan's progress (``answered``/``total``) and the answers so far, from the bot's
  ``{"type": "progress"}`` messages;
- the diagnosis result, from the bot's ``{"type": "diagnosis"}`` message.

One connection shared by all threads, serialised by a lock; WAL journal so readers don't wait
on a writer. Each turn is written in one transaction (:meth:`SessionStore.record_turn`), so a
failed turn leaves nothing behind.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id               TEXT PRIMARY KEY,
    created_at       REAL NOT NULL,
    updated_at       REAL NOT NULL,
    offered_payloads TEXT NOT NULL DEFAULT '[]',
    answered         INTEGER,
    total            INTEGER,
    answers          TEXT,
    result           TEXT,
    completed_at     REAL
);
"""


@dataclass(frozen=True)
class Progress:
    """The scan's progress as the bot last reported it."""

    answered: int
    total: int


@dataclass(frozen=True)
class SessionRecord:
    """What the store holds for one session."""

    id: str
    created_at: float
    updated_at: float
    offered_payloads: tuple[str, ...] = ()
    progress: Progress | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    completed_at: float | None = None  # when the result was stored

    @property
    def scan_started(self) -> bool:
        return self.progress is not None or self.result is not None


@dataclass
class TurnUpdate:
    """What one relayed turn changes in a session (``None``: leave as is)."""

    offered_payloads: Sequence[str] = ()
    progress: Progress | None = None
    answers: Mapping[str, Any] | None = None
    result: Mapping[str, Any] | None = None
    clear_result: bool = False


class SessionStore:
    """Thread-safe access to the SQLite store."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA busy_timeout=5000")
            self._conn.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def get(self, session_id: str) -> SessionRecord | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return _record(row) if row is not None else None

    def exists(self, session_id: str) -> bool:
        with self._lock:
            row = self._conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return row is not None

    def record_turn(self, session_id: str, update: TurnUpdate, *, create: bool = False) -> None:
        """Store the outcome of one turn in one transaction; ``create`` makes the session first."""
        now = time.time()
        sets = ["updated_at = ?", "offered_payloads = ?"]
        params: list[Any] = [now, json.dumps(list(update.offered_payloads))]
        if update.progress is not None:
            sets += ["answered = ?", "total = ?"]
            params += [update.progress.answered, update.progress.total]
        if update.answers is not None:
            sets.append("answers = ?")
            params.append(json.dumps(dict(update.answers), ensure_ascii=False))
        if update.result is not None:
            sets += ["result = ?", "completed_at = ?"]
            params += [json.dumps(dict(update.result), ensure_ascii=False), now]
        elif update.clear_result:
            sets += ["result = NULL", "completed_at = NULL"]
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                if create:
                    self._conn.execute(
                        "INSERT INTO sessions (id, created_at, updated_at) VALUES (?, ?, ?)",
                        (session_id, now, now),
                    )
                self._conn.execute(f"UPDATE sessions SET {', '.join(sets)} WHERE id = ?", (*params, session_id))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def delete(self, session_id: str) -> bool:
        """Remove a session and its result; ``False`` when there was none."""
        with self._lock:
            cursor = self._conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        return cursor.rowcount > 0

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


def _record(row: sqlite3.Row) -> SessionRecord:
    progress = None
    if row["answered"] is not None and row["total"] is not None:
        progress = Progress(answered=row["answered"], total=row["total"])
    return SessionRecord(
        id=row["id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        offered_payloads=tuple(json.loads(row["offered_payloads"] or "[]")),
        progress=progress,
        answers=json.loads(row["answers"]) if row["answers"] else {},
        result=json.loads(row["result"]) if row["result"] else None,
        completed_at=row["completed_at"],
    )
