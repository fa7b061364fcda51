"""The SQLite session store: turns in one transaction, thread safety, persistence."""

import sqlite3
import threading
from pathlib import Path

import pytest

from app.core.store import Progress, SessionStore, TurnUpdate


@pytest.fixture
def store(tmp_path: Path):
    s = SessionStore(tmp_path / "sub" / "gateway.sqlite3")
    yield s
    s.close()


def test_a_turn_creates_and_updates_a_session(store: SessionStore) -> None:
    store.record_turn("s1", TurnUpdate(offered_payloads=["/ja", "/nee"]), create=True)
    store.record_turn("s1", TurnUpdate(progress=Progress(3, 27), answers={"q": "ja"}))

    record = store.get("s1")

    assert record.offered_payloads == ()  # the second reply offered no buttons
    assert record.progress == Progress(3, 27)
    assert record.answers == {"q": "ja"}
    assert record.scan_started and record.result is None
    assert store.get("s2") is None


def test_a_failed_turn_leaves_nothing(store: SessionStore) -> None:
    store.record_turn("s1", TurnUpdate(offered_payloads=["/ja"]), create=True)

    with pytest.raises(sqlite3.IntegrityError):
        store.record_turn("s1", TurnUpdate(offered_payloads=["/anders"]), create=True)

    assert store.get("s1").offered_payloads == ("/ja",)
    assert store.count() == 1
    store.record_turn("s1", TurnUpdate(offered_payloads=["/verder"]))  # no transaction left open
    assert store.get("s1").offered_payloads == ("/verder",)


def test_result_is_stored_and_cleared(store: SessionStore) -> None:
    store.record_turn("s1", TurnUpdate(result={"completed": True, "caveats": ["één persoon"]}), create=True)
    assert store.get("s1").result == {"completed": True, "caveats": ["één persoon"]}

    store.record_turn("s1", TurnUpdate(progress=Progress(0, 27), answers={}, clear_result=True))

    assert store.get("s1").result is None


def test_delete(store: SessionStore) -> None:
    store.record_turn("s1", TurnUpdate(), create=True)

    assert store.delete("s1") is True
    assert store.delete("s1") is False
    assert store.get("s1") is None


def test_concurrent_turns_from_threads(store: SessionStore) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            sid = f"s{n}"
            store.record_turn(sid, TurnUpdate(offered_payloads=[f"/p{n}"]), create=True)
            for i in range(20):
                store.record_turn(sid, TurnUpdate(offered_payloads=[f"/p{n}"], progress=Progress(i, 20)))
                assert store.get(sid).offered_payloads == (f"/p{n}",)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert store.count() == 8
    assert all(store.get(f"s{n}").progress == Progress(19, 20) for n in range(8))


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "gateway.sqlite3"
    first = SessionStore(path)
    first.record_turn("s1", TurnUpdate(offered_payloads=["/ja"], answers={"q": "ja"}), create=True)
    first.close()

    second = SessionStore(path)
    try:
        assert second.get("s1").offered_payloads == ("/ja",)
        assert second.get("s1").answers == {"q": "ja"}
    finally:
        second.close()
