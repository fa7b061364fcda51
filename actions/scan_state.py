"""The scan's state as it lives in the `scan_state` slot, and the questionnaire position it implies.

{"answers": {question id: {"value": canonical value, "text": what the user said}},
 "clarify": question id being re-asked once, or null}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker

from knowledge import KnowledgeBase

SLOT = "scan_state"
ANSWER_SLOT = "scan_answer"
# What the answer slot holds once every question is answered: the form then completes.
DONE = "klaar"


@dataclass
class ScanState:
    answers: dict[str, dict] = field(default_factory=dict)
    clarify: str | None = None

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> "ScanState":
        raw = tracker.get_slot(SLOT) or {}
        return cls(answers=dict(raw.get("answers") or {}), clarify=raw.get("clarify"))

    def dump(self) -> dict:
        return {"answers": self.answers, "clarify": self.clarify}

    @property
    def started(self) -> bool:
        return bool(self.answers)

    def current(self, kb: KnowledgeBase) -> dict | None:
        """The first question without an answer, or None when the scan is complete."""
        return next((q for q in kb.questions if q["id"] not in self.answers), None)

    def previous(self, kb: KnowledgeBase) -> dict | None:
        """The answered question just before the current one."""
        current = self.current(kb)
        before = kb.questions if current is None else kb.questions[:kb.questions.index(current)]
        return next((q for q in reversed(before) if q["id"] in self.answers), None)

    def record(self, question_id: str, value: Any, text: str) -> None:
        self.answers[question_id] = {"value": value, "text": text}
        self.clarify = None

    def progress(self, kb: KnowledgeBase) -> dict:
        """The custom progress message; the gateway keeps `answers` and strips them for clients."""
        return {"type": "progress", "answered": len(self.answers), "total": len(kb.questions),
                "answers": self.answers}
