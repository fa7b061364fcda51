"""Action tests: real rasa_sdk Trackers and CollectingDispatcher, the real domain from bot/domain."""

import asyncio
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge import get_knowledge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain():
    from rasa.shared.core.domain import Domain  # the Rasa environment has it; actions do not need it
    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


@pytest.fixture(scope="session")
def kb():
    return get_knowledge()


def make_tracker(scan_state=None, text="", intent="antwoord", entities=None, active_loop="diagnose_form",
                 slot_events=()):
    """A tracker right after the user said `text`; `slot_events` are what Rasa extracted this turn."""
    slots = {"scan_state": scan_state, "scan_answer": None, "requested_slot": "scan_answer"}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.99}, "entities": entities or []}
    events = [{"event": "user", "text": text, "parse_data": latest}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in slot_events]
    for name, value in slot_events:
        slots[name] = value
    return Tracker("test-user", slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, tracker, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def slot(events, name):
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    assert values, f"no SlotSet for {name} in {events}"
    return values[-1]
