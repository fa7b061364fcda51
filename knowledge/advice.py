"""Select the 3-5 most important next steps (advice.yml) for a result (rules.yml `advice_selection`).

An item is eligible when every kind of condition it declares holds. Its relevance adds, for each
condition that holds, a weight: dimensions by how weak the weakest matching dimension is, the
phase, the role; plus the item's priority. Highest relevance first, with at most
`max_per_dimension` steps aimed at the same dimension.
"""

from __future__ import annotations

from .conditions import Facts
from .loader import KnowledgeBase


def _matching_dimension(applies: dict, facts: Facts, weights: dict) -> tuple[str, str] | None:
    """The weakest (dimension, level) among those the item names whose level it lists."""
    hits = [(d, facts.levels[d]) for d, levels in applies.get("dimensions", {}).items()
            if facts.levels.get(d) in levels]
    return max(hits, key=lambda h: weights["dimension"].get(h[1], 0), default=None)


def _relevance(item: dict, facts: Facts, roles: list[str], weights: dict) -> tuple[float, list[str], str | None] | None:
    """(relevance, the reasons in Dutch-neutral form, targeted dimension) or None if not eligible."""
    applies = item["applies"]
    score, reasons, dimension = float(item["priority"]) * weights["priority"], [], None
    if "dimensions" in applies:
        hit = _matching_dimension(applies, facts, weights)
        if hit is None:
            return None
        dimension = hit[0]
        score += weights["dimension"].get(hit[1], 0)
        reasons.append(f"{hit[0]}: {hit[1]}")
    if "phases" in applies:
        if facts.phase not in applies["phases"]:
            return None
        score += weights["phase"]
        reasons.append(f"fase: {facts.phase}")
    if "roles" in applies:
        matched = [r for r in roles if r in applies["roles"]]
        if not matched:
            return None
        score += weights["role"]
        reasons.append(f"rol: {matched[0]}")
    return score, reasons, dimension


def select_advice(kb: KnowledgeBase, facts: Facts, roles: list[str]) -> list[dict]:
    """The chosen steps: {id, text, source, basis, rule}; `rule` names the conditions that chose it."""
    spec = kb.rules["advice_selection"]
    ranked = []
    for item in kb.items("advice"):
        rel = _relevance(item, facts, roles, spec["weights"])
        if rel is not None:
            ranked.append((rel[0], item, rel[1], rel[2]))
    ranked.sort(key=lambda r: -r[0])  # stable: ties keep the order of advice.yml
    chosen, per_dimension = [], {}
    for _, item, reasons, dimension in ranked:
        if dimension and per_dimension.get(dimension, 0) >= spec["max_per_dimension"]:
            continue
        per_dimension[dimension] = per_dimension.get(dimension, 0) + 1
        source = {**item["source"], "label": kb.source_label(item["source"])}
        chosen.append({"id": item["id"], "text": item["text"].strip(), "source": source,
                       "basis": item["basis"], "rule": "; ".join(reasons)})
        if len(chosen) == spec["max_items"]:
            break
    return chosen
