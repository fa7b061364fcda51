"""Score the four dimensions and their subdimensions from parsed answers.

A question's numeric score is 1..5 (reverse questions count 6 - value). A subdimension's score is
the weighted mean of its answered questions; a dimension's score the mean of its subdimensions.
"Weet ik niet" lowers a dimension's confidence, not its score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .loader import KnowledgeBase
from .parsing import UNKNOWN, value_label


@dataclass(frozen=True)
class Answer:
    question_id: str
    text: str
    value: Any          # canonical value, or "weet_niet"
    detail: dict


def level_for(kb: KnowledgeBase, score: float) -> str:
    for step in kb.rules["levels"]["thresholds"]:
        if score < step["below"]:
            return step["level"]
    return kb.rules["levels"]["thresholds"][-1]["level"]


def diversity_score(kb: KnowledgeBase, partner_ids: list[str]) -> float:
    rules = kb.rules["diversity"]
    present = set(partner_ids)
    score = rules["base"]
    for rule in rules["points"]:
        if rule.get("any_of") and present & set(rule["any_of"]):
            score += rule["points"]
        elif rule.get("of") and len(present & set(rule["of"])) >= rule.get("at_least", 1):
            score += rule["points"]
    return float(min(5, score))


def question_score(kb: KnowledgeBase, question: dict, value: Any) -> float | None:
    """The 1..5 score of one answer, or None for 'weet ik niet' and unscored questions."""
    if value == UNKNOWN or not question.get("scored", True):
        return None
    kind = question["type"]
    if kind == "scale":
        raw = float(value)
    elif kind == "yesno":
        raw = float(kb.questionnaire["answer_types"]["yesno"]["values"][value])
    elif kind == "choice":
        raw = float(next(o["score"] for o in question["options"] if o["id"] == value))
    elif kind == "partners":
        return diversity_score(kb, value)
    else:
        return None
    return 6.0 - raw if question.get("reverse") else raw


def _mean(pairs: list[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    return sum(s * w for s, w in pairs) / total if total else None


def score_dimensions(kb: KnowledgeBase, answers: dict[str, Answer]) -> dict[str, dict]:
    """{dimension id: {score, level, confidence, subdimensions, answers, unknown, total}}."""
    result = {}
    low = kb.rules["levels"]
    for dim in kb.items("dimensions"):
        questions = [q for q in kb.questions if q["dimension"] == dim["id"]]
        scored = [q for q in questions if q.get("scored", True)]
        subs: dict[str, dict] = {}
        for sub in dim["subdimensions"]:
            pairs = []
            for q in scored:
                a = answers.get(q["id"])
                s = question_score(kb, q, a.value) if a else None
                if q.get("subdimension") == sub["id"] and s is not None:
                    pairs.append((s, float(q.get("weight", 1.0))))
            score = _mean(pairs)
            subs[sub["id"]] = {"score": _round(score), "level": level_for(kb, score) if score is not None else None}
        sub_scores = [s["score"] for s in subs.values() if s["score"] is not None]
        score = sum(sub_scores) / len(sub_scores) if sub_scores else None
        level = level_for(kb, score) if score is not None else None
        sub_levels = {s["level"] for s in subs.values()}
        if low["mixed_is_matig"] and {"onvoldoende", "voldoende"} <= sub_levels:
            level = "matig"
        total_weight = sum(float(q.get("weight", 1.0)) for q in scored)
        known_weight = sum(float(q.get("weight", 1.0)) for q in scored
                           if q["id"] in answers and answers[q["id"]].value != UNKNOWN)
        result[dim["id"]] = {
            "score": _round(score),
            "level": level,
            "confidence": round(known_weight / total_weight, 2) if total_weight else 0.0,
            "subdimensions": subs,
            "answers": [
                {"question_id": q["id"], "question": q["text"], "text": answers[q["id"]].text,
                 "value": answers[q["id"]].value,
                 "label": value_label(kb, q["id"], answers[q["id"]].value, answers[q["id"]].detail)}
                for q in questions if q["id"] in answers
            ],
            "unknown": sum(1 for q in scored if q["id"] in answers and answers[q["id"]].value == UNKNOWN),
            "total": len(scored),
        }
    return result


def _round(score: float | None) -> float | None:
    return None if score is None else round(score, 2)
