"""The diagnosis: from answers to the result of DESIGN.md §5 (scores, phase, role, advice, caveats).

`diagnose(kb, answers)` takes {question id: answer}, where an answer is a canonical value, free
Dutch text, or {"value": ..., "text": ...} as the action server records it. Unreadable text or an
out-of-range value raises AnswerError (with a Dutch detail).
"""

from __future__ import annotations

from typing import Any, Mapping

from .conditions import Facts, holds
from .advice import select_advice
from .errors import AnswerError
from .loader import KnowledgeBase
from .parsing import UNKNOWN, option_labels, parse_answer, value_label
from .phase import infer_phase
from .role import choose_roles
from .scoring import Answer, score_dimensions


def read_answers(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict[str, Answer]:
    """Parse every answer; raise AnswerError on the first one that cannot be used."""
    out = {}
    for qid, raw in answers.items():
        text = None
        if isinstance(raw, Mapping):
            text, raw = raw.get("text"), raw.get("value")
        parsed = parse_answer(kb, qid, raw)
        if parsed.status == "unclear":
            options = ", ".join(label for label, _ in option_labels(kb, qid)) or "een getal"
            raise AnswerError(qid, f"Het antwoord '{raw}' op vraag '{qid}' kan ik niet lezen. "
                                   f"Mogelijke antwoorden: {options}.")
        value = UNKNOWN if parsed.status == "unknown" else parsed.value
        if text is None:
            text = raw if isinstance(raw, str) else value_label(kb, qid, value, parsed.detail)
        out[qid] = Answer(qid, str(text), value, parsed.detail)
    return out


def diagnose(kb: KnowledgeBase, answers: Mapping[str, Any]) -> dict:
    read = read_answers(kb, answers)
    dims = score_dimensions(kb, read)
    scored = {d: v for d, v in dims.items() if v["score"] is not None}
    weakest = min(scored, key=lambda d: scored[d]["score"]) if scored else None
    phase = infer_phase(kb, read)
    facts = Facts(
        levels={d: v["level"] for d, v in scored.items()},
        sublevels={f"{d}.{s}": sv["level"] for d, v in dims.items()
                   for s, sv in v["subdimensions"].items() if sv["level"]},
        weakest=weakest,
        phase=phase.id,
        answers={q: a.value for q, a in read.items()},
    )
    role, also = choose_roles(kb, facts)
    advice = select_advice(kb, facts, [role["id"]] + [r["id"] for r in also])
    total = len(kb.questions)
    return {
        "completed": all(q["id"] in read for q in kb.questions),
        "progress": {"answered": sum(1 for q in kb.questions if q["id"] in read), "total": total},
        "respondents": 1,
        "dimensions": {d: {k: v[k] for k in ("score", "level", "confidence", "subdimensions", "answers")}
                       for d, v in dims.items()},
        "weakest": weakest,
        "phase": phase.as_dict(),
        "role": role,
        "also_roles": also,
        "advice": advice,
        "caveats": _caveats(kb, facts, dims, phase),
    }


def _caveats(kb: KnowledgeBase, facts: Facts, dims: dict, phase) -> list[str]:
    rules = {c["id"]: c for c in kb.rules["caveats"]}
    out = []
    for caveat in kb.rules["caveats"]:
        if "when" in caveat and holds(caveat["when"], facts):
            out.append(caveat["text"].strip())
    threshold = kb.rules["levels"]["low_confidence"]
    for d, v in dims.items():
        if v["unknown"] and v["confidence"] < threshold:
            out.append(rules["low_confidence"]["text"].strip().format(
                dimension=kb.item("dimensions", d)["label"].lower(), unknown=v["unknown"], total=v["total"]))
    if phase.stated_by_user and phase.inferred and phase.inferred != phase.stated_by_user:
        out.append(rules["fase_wijkt_af"]["text"].strip().format(
            stated=kb.item("phases", phase.stated_by_user)["label"], inferred=kb.item("phases", phase.inferred)["label"]))
    return out
