"""The shape of each knowledge file, as data, and a small checker for it.

A spec is one of:
  str / int / float / bool     a value of that type (int is accepted where float is asked)
  ID                           an id: lowercase ascii, digits and "_"
  SOURCE / BASIS               a source reference / "source" or "inference"
  Ref(kind)                    the id of an item of another kind (checked after loading)
  Opt(spec)                    the key may be missing
  [spec]                       a list whose entries match spec
  {key: spec}                  a mapping with exactly these keys (unknown keys are reported)
  MapOf(key_spec, value_spec)  a mapping with free keys
  OneOf(*values)               one of the given literal values
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LEVELS = ("onvoldoende", "matig", "voldoende")


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


ID = _Marker("ID")
SOURCE = _Marker("SOURCE")
BASIS = _Marker("BASIS")


@dataclass(frozen=True)
class Opt:
    spec: Any


@dataclass(frozen=True)
class Ref:
    kind: str


@dataclass(frozen=True)
class MapOf:
    key: Any
    value: Any


class OneOf:
    def __init__(self, *values: Any):
        self.values = values


ENTRY = {"text": str, "source": SOURCE, "basis": BASIS}
LEVEL = OneOf(*LEVELS)

CONDITION = {
    "levels": Opt(MapOf(Ref("dimensions"), [LEVEL])),
    "sublevels": Opt(MapOf(str, [LEVEL])),
    "weakest": Opt([Ref("dimensions")]),
    "all_levels": Opt([LEVEL]),
    "phases": Opt([Ref("phases")]),
    "answers": Opt(MapOf(Ref("questions"), [str])),
}

KINDS: dict[str, Any] = {
    "documents": {
        "id": str,  # document ids use "-" (van-dijken-2020), checked separately
        "title": str,
        "short": str,
        "author": str,
        "publisher": str,
        "year": int,
        "sections": MapOf(str, str),
        "note": Opt(str),
    },
    "dimensions": {
        "id": ID,
        "label": str,
        "synonyms": [str],
        "definition": str,
        "why": str,
        "levels": {"onvoldoende": str, "matig": str, "voldoende": str},
        "subdimensions": [{"id": ID, "label": str, "description": str, "source": SOURCE, "basis": BASIS}],
        "strategies": [{"role": Ref("roles"), "text": str, "source": SOURCE, "basis": BASIS}],
        "source": SOURCE,
        "basis": BASIS,
    },
    "phases": {
        "id": ID,
        "order": int,
        "label": str,
        "synonyms": [str],
        "summary": str,
        "activities": [ENTRY],
        "tips": [ENTRY],
        "risks": [ENTRY],
        "kantelmomenten": [ENTRY],
        "source": SOURCE,
        "basis": BASIS,
    },
    "roles": {
        "id": ID,
        "kind": OneOf("gemeente", "coordinator"),
        "label": str,
        "synonyms": [str],
        "meaning": str,
        "fits_when": str,
        "activities": [ENTRY],
        "pitfalls": [ENTRY],
        "source": SOURCE,
        "basis": BASIS,
    },
    "partners": {
        "id": ID,
        "label": str,
        "synonyms": [str],
        "brings": str,
        "drives": Opt(str),
        "involve": Opt(str),
        "pitfalls": Opt([ENTRY]),
        "source": SOURCE,
        "basis": BASIS,
    },
    "advice": {
        "id": ID,
        "text": str,
        "applies": {
            "dimensions": Opt(MapOf(Ref("dimensions"), [LEVEL])),
            "phases": Opt([Ref("phases")]),
            "roles": Opt([Ref("roles")]),
        },
        "priority": OneOf(1, 2, 3),
        "source": SOURCE,
        "basis": BASIS,
    },
    "concepts": {
        "id": ID,
        "label": str,
        "synonyms": [str],
        "answer": str,
        "related": Opt([str]),
        "source": SOURCE,
        "basis": BASIS,
    },
    "cases": {
        "id": ID,
        "label": str,
        "synonyms": [str],
        "answer": str,
        "phases": [Ref("phases")],
        "roles": [Ref("roles")],
        "source": SOURCE,
        "basis": BASIS,
    },
    "conditions": {
        "id": ID,
        "group": OneOf("conditie", "motief", "bouwsteen", "regietype", "knelpunt", "succesfactor", "tip"),
        "label": str,
        "synonyms": [str],
        "answer": str,
        "source": SOURCE,
        "basis": BASIS,
    },
    "questions": {
        "id": ID,
        "dimension": str,  # a dimension id, or "fase" / "context" (checked in the loader)
        "subdimension": Opt(ID),
        "type": OneOf("scale", "yesno", "number", "partners", "choice"),
        "reverse": Opt(bool),
        "scored": Opt(bool),
        "weight": Opt(float),
        "text": str,
        "why": str,
        "options": Opt([{"id": ID, "label": str, "score": Opt(int), "synonyms": [str], "source": SOURCE,
                         "basis": BASIS}]),
        "source": SOURCE,
        "basis": BASIS,
    },
}

QUESTIONNAIRE = {
    "version": int,
    "unknown": {"label": str, "phrases": [str]},
    "answer_types": {
        "scale": {"options": MapOf(int, str), "phrases": MapOf(int, [str])},
        "yesno": {"options": MapOf(str, str), "values": MapOf(str, int), "phrases": MapOf(str, [str]),
                  "weak_phrases": Opt(MapOf(str, [str]))},
        "number": {"approx_words": [str], "zero_words": [str], "min": int, "max": int},
        "partners": {"none_words": [str]},
    },
    "questions": [KINDS["questions"]],
}

PHRASINGS = {
    "phrasings": [{"item": str, "questions": [str]}],
}

LIMITS = {
    "limits": [{"id": ID, "topic": str, "ask": str, "phrases": [str]}],
}

RULES = {
    "version": int,
    "levels": {
        "thresholds": [{"level": LEVEL, "below": float}],
        "mixed_is_matig": bool,
        "low_confidence": float,
        "source": SOURCE,
        "basis": BASIS,
    },
    "diversity": {
        "base": int,
        "points": [
            {
                "id": ID,
                "any_of": Opt([Ref("partners")]),
                "at_least": Opt(int),
                "of": Opt([Ref("partners")]),
                "points": int,
                "source": SOURCE,
                "basis": BASIS,
            }
        ],
    },
    "phase": {
        "milestones": [
            {
                "question": Ref("questions"),
                "at_least": Ref("phases"),
                "weight": {"ja": float, "nee": float},
                "signals": {"ja": str, "nee": str},
                "source": SOURCE,
                "basis": BASIS,
            }
        ],
        "stated_question": Ref("questions"),
    },
    "roles": {
        "also_min_share": float,
        "max_also": int,
        "default": {"role": Ref("roles"), "rationale": str, "source": SOURCE, "basis": BASIS},
        "rules": [
            {
                "id": ID,
                "role": Ref("roles"),
                "weight": float,
                "when": CONDITION,
                "rationale": str,
                "source": SOURCE,
                "basis": BASIS,
            }
        ],
    },
    "advice_selection": {
        "min_items": int,
        "max_items": int,
        "max_per_dimension": int,
        "weights": {"dimension": MapOf(str, float), "phase": float, "role": float, "priority": float},
    },
    "caveats": [{"id": ID, "when": Opt(CONDITION), "text": str, "source": SOURCE, "basis": BASIS}],
}


def check(value: Any, spec: Any, path: str, problems: list[str], refs: list[tuple[str, str, str]],
          sources: list[tuple[str, dict]]) -> None:
    """Check `value` against `spec`; append problems, and collect references and sources to
    resolve once every file is loaded."""
    if isinstance(spec, Opt):
        spec = spec.spec
    if spec is ID:
        if not isinstance(value, str) or not ID_RE.match(value):
            problems.append(f"{path}: '{value}' is not a valid id (lowercase ascii, digits and _)")
    elif spec is BASIS:
        if value not in ("source", "inference"):
            problems.append(f"{path}: basis must be 'source' or 'inference', not '{value}'")
    elif spec is SOURCE:
        if not isinstance(value, dict) or not {"document", "section"} <= set(value) or \
                set(value) - {"document", "section", "detail", "page"}:
            problems.append(f"{path}: source must be {{document, section, detail?, page?}}, got {value!r}")
        else:
            sources.append((path, value))
    elif isinstance(spec, Ref):
        if not isinstance(value, str):
            problems.append(f"{path}: a reference to {spec.kind} must be an id, got {value!r}")
        else:
            refs.append((path, spec.kind, value))
    elif isinstance(spec, OneOf):
        if value not in spec.values:
            problems.append(f"{path}: '{value}' is not one of {list(spec.values)}")
    elif isinstance(spec, list):
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list")
            return
        for i, entry in enumerate(value):
            label = entry.get("id", i) if isinstance(entry, dict) else i
            check(entry, spec[0], f"{path}[{label}]", problems, refs, sources)
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping")
            return
        for k, v in value.items():
            check(k, spec.key, f"{path} (key {k!r})", problems, refs, sources)
            check(v, spec.value, f"{path}.{k}", problems, refs, sources)
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a mapping with {sorted(spec)}")
            return
        for key, sub in spec.items():
            if key not in value:
                if not isinstance(sub, Opt):
                    problems.append(f"{path}: '{key}' is missing")
                continue
            check(value[key], sub, f"{path}.{key}", problems, refs, sources)
        for key in set(value) - set(spec):
            problems.append(f"{path}: unknown field '{key}'")
    elif spec is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{path}: expected a number, got {value!r}")
    elif spec is str:
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{path}: expected text, got {value!r}")
    elif isinstance(spec, type):
        if isinstance(value, bool) and spec is not bool or not isinstance(value, spec):
            problems.append(f"{path}: expected {spec.__name__}, got {value!r}")
    else:  # pragma: no cover - a bug in a spec above
        raise TypeError(f"unknown spec {spec!r}")
