"""Evaluate a rule's `when` condition (rules.yml header) against the facts of a result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Facts:
    """What rules can look at: levels, the weakest dimension, the phase and the recorded answers."""

    levels: dict[str, str] = field(default_factory=dict)       # dimension -> level
    sublevels: dict[str, str] = field(default_factory=dict)    # "dimension.sub" -> level
    weakest: str | None = None
    phase: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)      # question id -> canonical value


def holds(when: dict, facts: Facts) -> bool:
    """True when every kind of condition listed in `when` holds (an empty condition always holds)."""
    checks = {
        "levels": lambda c: all(facts.levels.get(d) in allowed for d, allowed in c.items()),
        "sublevels": lambda c: all(facts.sublevels.get(s) in allowed for s, allowed in c.items()),
        "weakest": lambda c: facts.weakest in c,
        "all_levels": lambda c: bool(facts.levels) and all(level in c for level in facts.levels.values()),
        "phases": lambda c: facts.phase in c,
        "answers": lambda c: all(facts.answers.get(q) in allowed for q, allowed in c.items()),
    }
    return all(checks[key](value) for key, value in when.items())
