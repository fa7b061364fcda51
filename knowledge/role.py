"""Choose the gemeente role to advise, and the roles that fit beside it (rules.yml `roles`)."""

from __future__ import annotations

from .conditions import Facts, holds
from .loader import KnowledgeBase


def choose_roles(kb: KnowledgeBase, facts: Facts) -> tuple[dict, list[dict]]:
    """(main role, also_roles); each {id, label, rationale, rule, source, basis}."""
    spec = kb.rules["roles"]
    totals: dict[str, float] = {}
    best_rule: dict[str, dict] = {}
    for rule in spec["rules"]:
        if holds(rule["when"], facts):
            totals[rule["role"]] = totals.get(rule["role"], 0.0) + rule["weight"]
            if rule["role"] not in best_rule or rule["weight"] > best_rule[rule["role"]]["weight"]:
                best_rule[rule["role"]] = rule
    if not totals:
        return _role(kb, spec["default"]["role"], spec["default"], "default"), []
    # Highest total first; a tie goes to the role whose rule comes first in rules.yml.
    first_seen = {r["role"]: i for i, r in reversed(list(enumerate(spec["rules"])))}
    ranked = sorted(totals, key=lambda r: (-totals[r], first_seen[r]))
    main = ranked[0]
    also = [r for r in ranked[1:] if totals[r] >= spec["also_min_share"] * totals[main]][:spec["max_also"]]
    return (_role(kb, main, best_rule[main], best_rule[main]["id"]),
            [_role(kb, r, best_rule[r], best_rule[r]["id"]) for r in also])


def _role(kb: KnowledgeBase, role_id: str, rule: dict, rule_id: str) -> dict:
    return {"id": role_id, "label": kb.item("roles", role_id)["label"], "rationale": rule["rationale"].strip(),
            "rule": rule_id, "source": {**rule["source"], "label": kb.source_label(rule["source"])},
            "basis": rule["basis"]}
