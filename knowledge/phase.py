"""Infer the coalition's phase from what has already happened (rules.yml `phase.milestones`).

Each answered milestone is evidence: "ja" says the coalition is at least in the milestone's phase,
"nee" that it is not there yet, "deels" half of both. The phase that agrees with most of the
weighted evidence wins; a tie goes to the earlier phase. Confidence is the share of the evidence
that agrees, scaled by the share of milestones answered. A phase the user names wins, and the
caveats say when the answers point elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .loader import KnowledgeBase
from .parsing import UNKNOWN
from .scoring import Answer


@dataclass
class PhaseResult:
    id: str | None
    label: str | None
    confidence: float
    signals: list[str] = field(default_factory=list)
    stated_by_user: str | None = None
    inferred: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "confidence": self.confidence,
                "signals": self.signals, "stated_by_user": self.stated_by_user}


def _evidence(kb: KnowledgeBase, answers: dict[str, Answer]) -> list[tuple[dict, str, float, float]]:
    """(milestone, answer, weight for 'at least', weight for 'not yet') per answered milestone."""
    out = []
    for m in kb.rules["phase"]["milestones"]:
        a = answers.get(m["question"])
        if a is None or a.value == UNKNOWN:
            continue
        if a.value == "ja":
            out.append((m, "ja", m["weight"]["ja"], 0.0))
        elif a.value == "nee":
            out.append((m, "nee", 0.0, m["weight"]["nee"]))
        else:
            out.append((m, "deels", m["weight"]["ja"] / 2, m["weight"]["nee"] / 2))
    return out


def _agreement(order: dict[str, int], phase: str, evidence) -> float:
    return sum(yes if order[phase] >= order[m["at_least"]] else no for m, _, yes, no in evidence)


def infer_phase(kb: KnowledgeBase, answers: dict[str, Answer]) -> PhaseResult:
    phases = sorted(kb.items("phases"), key=lambda p: p["order"])
    order = {p["id"]: p["order"] for p in phases}
    evidence = _evidence(kb, answers)
    milestones = kb.rules["phase"]["milestones"]
    stated_answer = answers.get(kb.rules["phase"]["stated_question"])
    stated = stated_answer.value if stated_answer and stated_answer.value in order else None
    if not evidence and not stated:
        return PhaseResult(None, None, 0.0)

    total = sum(yes + no for _, _, yes, no in evidence)
    coverage = len(evidence) / len(milestones)
    scores = {p["id"]: _agreement(order, p["id"], evidence) for p in phases}
    best = max(phases, key=lambda p: (scores[p["id"]], -p["order"]))["id"] if evidence else None
    chosen = stated or best

    def confidence(phase: str) -> float:
        return round(scores[phase] / total * coverage, 2) if total else 0.0

    agreeing, disagreeing = [], []
    for m, answer, _, _ in evidence:
        text = m["signals"]["nee" if answer == "nee" else "ja"]
        agrees = (order[chosen] >= order[m["at_least"]]) == (answer != "nee") or answer == "deels"
        (agreeing if agrees else disagreeing).append(text)
    label = next(p["label"] for p in phases if p["id"] == chosen)
    return PhaseResult(chosen, label, confidence(chosen) if evidence else 0.0,
                       agreeing + disagreeing, stated, best)
