"""Load the YAML knowledge base and validate it: shape, unique ids, references, sources.

Every problem is collected and reported at once, each naming the file, the item and the problem.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

from . import schema
from .errors import KnowledgeError

DATA_DIR = Path(__file__).parent / "data"

# kind -> (file, top-level key, spec of one item). `questions` lives inside questionnaire.yml.
ITEM_FILES = {
    "documents": ("sources.yml", "documents"),
    "dimensions": ("dimensions.yml", "dimensions"),
    "phases": ("phases.yml", "phases"),
    "roles": ("roles.yml", "roles"),
    "partners": ("partners.yml", "partners"),
    "advice": ("advice.yml", "advice"),
    "concepts": ("concepts.yml", "concepts"),
    "cases": ("cases.yml", "cases"),
    "conditions": ("conditions.yml", "conditions"),
}
DOCUMENT_ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")
SECTION_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\- ]*$")
NON_DIMENSION_GROUPS = ("fase", "context")
# Kinds whose items answer free questions, and the field that holds an item's answer text.
# phrasings.yml may only point at items of these kinds.
ANSWER_FIELDS = {
    "concepts": "answer",
    "cases": "answer",
    "conditions": "answer",
    "phases": "summary",
    "roles": "meaning",
    "partners": "brings",
    "dimensions": "definition",
}


class KnowledgeBase:
    """The validated knowledge: items by kind, plus the questionnaire and the rules."""

    def __init__(self, items: dict[str, list[dict]], questionnaire: dict, rules: dict,
                 phrasings: dict[tuple[str, str], list[str]] | None = None, limits: list[dict] | None = None):
        self._items = items
        self._index = {kind: {item["id"]: item for item in entries} for kind, entries in items.items()}
        self.questionnaire = questionnaire
        self.rules = rules
        self._phrasings = phrasings or {}
        self.limits = limits or []  # what the sources do not say (limits.yml)

    def phrasings(self, kind: str, item_id: str) -> list[str]:
        """Questions users ask that this item answers (search aids from phrasings.yml)."""
        return self._phrasings.get((kind, item_id), [])

    def items(self, kind: str) -> list[dict]:
        return self._items[kind]

    def item(self, kind: str, item_id: str) -> dict:
        return self._index[kind][item_id]

    def has(self, kind: str, item_id: str) -> bool:
        return item_id in self._index.get(kind, {})

    @property
    def questions(self) -> list[dict]:
        return self._items["questions"]

    def question(self, question_id: str) -> dict:
        return self._index["questions"][question_id]

    def source_label(self, source: dict) -> str:
        """'Handreiking Samenspel lokale coalities, §1.2.4 (kader Dronten)' for a source reference."""
        doc = self.item("documents", source["document"])
        section = source["section"]
        where = f"§{section}" if section[:1].isdigit() else doc["sections"].get(section, section)
        detail = f" ({source['detail']})" if source.get("detail") else ""
        return f"{doc['short']}, {where}{detail}"


def _read(path: Path, problems: list[str]) -> Any:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except FileNotFoundError:
        problems.append(f"{path.name}: file is missing")
    except yaml.YAMLError as exc:
        problems.append(f"{path.name}: not valid YAML ({exc})")
    return None


def load_knowledge(data_dir: Path | str | None = None) -> KnowledgeBase:
    """Read and validate every knowledge file; raise KnowledgeError listing all problems."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    problems: list[str] = []
    refs: list[tuple[str, str, str]] = []
    sources: list[tuple[str, dict]] = []
    items: dict[str, list[dict]] = {}

    for kind, (filename, key) in ITEM_FILES.items():
        doc = _read(data_dir / filename, problems)
        entries = doc.get(key) if isinstance(doc, dict) else None
        if doc is not None and not isinstance(entries, list):
            problems.append(f"{filename}: expected a top-level list '{key}'")
        entries = [e for e in entries or [] if isinstance(e, dict)]
        for entry in entries:
            schema.check(entry, schema.KINDS[kind], f"{filename}: {kind}[{entry.get('id', '?')}]",
                         problems, refs, sources)
        items[kind] = entries

    questionnaire = _read(data_dir / "questionnaire.yml", problems) or {}
    schema.check(questionnaire, schema.QUESTIONNAIRE, "questionnaire.yml", problems, refs, sources)
    items["questions"] = [q for q in questionnaire.get("questions") or [] if isinstance(q, dict)]

    rules = _read(data_dir / "rules.yml", problems) or {}
    schema.check(rules, schema.RULES, "rules.yml", problems, refs, sources)

    phrasings_doc = _read(data_dir / "phrasings.yml", problems) or {}
    schema.check(phrasings_doc, schema.PHRASINGS, "phrasings.yml", problems, refs, sources)
    limits_doc = _read(data_dir / "limits.yml", problems) or {}
    schema.check(limits_doc, schema.LIMITS, "limits.yml", problems, refs, sources)
    limits = [entry for entry in limits_doc.get("limits") or [] if isinstance(entry, dict)]
    _check_unique_ids("limits.yml: limits", limits, problems)

    for kind, entries in items.items():
        filename = ITEM_FILES[kind][0] if kind in ITEM_FILES else "questionnaire.yml"
        _check_unique_ids(f"{filename}: {kind}", entries, problems)
    ids = {kind: {e.get("id") for e in entries} for kind, entries in items.items()}
    for path, kind, value in refs:
        if value not in ids.get(kind, set()):
            problems.append(f"{path}: '{value}' is not a known id in {kind}")
    _check_documents(items["documents"], problems)
    _check_sources(items["documents"], sources, problems)
    _check_questionnaire(items, problems)
    _check_rules(items, rules, problems)
    phrasings = _phrasings(phrasings_doc, ids, problems)

    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(items, questionnaire, rules, phrasings, limits)


@functools.lru_cache(maxsize=1)
def get_knowledge() -> KnowledgeBase:
    """The packaged knowledge base, loaded and validated once per process."""
    return load_knowledge()


def _phrasings(doc: dict, ids: dict[str, set], problems: list[str]) -> dict[tuple[str, str], list[str]]:
    """phrasings.yml as {(kind, id): [question, ...]}; every entry names an existing answer item once."""
    result: dict[tuple[str, str], list[str]] = {}
    for entry in doc.get("phrasings") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("item"), str):
            continue  # the schema check has reported it
        kind, _, item_id = entry["item"].partition(":")
        where = f"phrasings.yml: phrasings[{entry['item']}]"
        if kind not in ANSWER_FIELDS:
            problems.append(f"{where}: '{kind}' is not a kind that answers questions ({', '.join(ANSWER_FIELDS)})")
        elif item_id not in ids.get(kind, set()):
            problems.append(f"{where}: '{item_id}' is not a known id in {kind}")
        elif (kind, item_id) in result:
            problems.append(f"{where}: the item occurs more than once")
        else:
            result[(kind, item_id)] = list(entry.get("questions") or [])
    return result


def _check_unique_ids(where: str, entries: list[dict], problems: list[str]) -> None:
    seen: set[str] = set()
    for entry in entries:
        item_id = entry.get("id")
        if item_id in seen:
            problems.append(f"{where}: id '{item_id}' occurs more than once")
        seen.add(item_id)


def _check_documents(documents: list[dict], problems: list[str]) -> None:
    for doc in documents:
        if not DOCUMENT_ID_RE.match(str(doc.get("id", ""))):
            problems.append(f"sources.yml: documents[{doc.get('id')}]: invalid document id")
        for key in (doc.get("sections") or {}):
            if not SECTION_SLUG_RE.match(str(key)):
                problems.append(f"sources.yml: documents[{doc.get('id')}]: invalid section key {key!r}")


def _check_sources(documents: list[dict], sources: list[tuple[str, dict]], problems: list[str]) -> None:
    """Every source names a declared document and one of that document's declared sections."""
    sections = {d.get("id"): {str(k) for k in (d.get("sections") or {})} for d in documents}
    for path, source in sources:
        document, section = source.get("document"), str(source.get("section"))
        if document not in sections:
            problems.append(f"{path}: source document '{document}' is not declared in sources.yml")
        elif section not in sections[document]:
            problems.append(f"{path}: section '{section}' is not a declared section of '{document}'")


def _check_questionnaire(items: dict[str, list[dict]], problems: list[str]) -> None:
    subdims = {d["id"]: {s.get("id") for s in d.get("subdimensions") or []}
               for d in items["dimensions"] if "id" in d}
    for q in items["questions"]:
        where = f"questionnaire.yml: questions[{q.get('id')}]"
        dim, sub = q.get("dimension"), q.get("subdimension")
        scored = q.get("scored", True) and dim not in NON_DIMENSION_GROUPS
        if dim not in subdims and dim not in NON_DIMENSION_GROUPS:
            problems.append(f"{where}: dimension '{dim}' is not a dimension, 'fase' or 'context'")
        elif scored and sub not in subdims.get(dim, set()):
            problems.append(f"{where}: subdimension '{sub}' is not a subdimension of '{dim}'")
        if q.get("type") == "choice" and not q.get("options"):
            problems.append(f"{where}: a choice question needs options")
        if q.get("type") == "choice" and scored and any("score" not in o for o in q.get("options") or []):
            problems.append(f"{where}: every option of a scored choice question needs a score")


def _check_rules(items: dict[str, list[dict]], rules: dict, problems: list[str]) -> None:
    subdims = {f"{d['id']}.{s.get('id')}" for d in items["dimensions"] if "id" in d
               for s in d.get("subdimensions") or []}
    questions = {q.get("id"): q for q in items["questions"]}
    conditions = [(f"rules.yml: roles.rules[{r.get('id')}]", r.get("when") or {})
                  for r in (rules.get("roles") or {}).get("rules") or []]
    conditions += [(f"rules.yml: caveats[{c.get('id')}]", c.get("when") or {}) for c in rules.get("caveats") or []]
    for where, when in conditions:
        for key in (when.get("sublevels") or {}):
            if key not in subdims:
                problems.append(f"{where}: '{key}' is not a <dimension>.<subdimension>")
    for milestone in (rules.get("phase") or {}).get("milestones") or []:
        q = questions.get(milestone.get("question"))
        if q is not None and q.get("type") != "yesno":
            problems.append(f"rules.yml: phase milestone '{q['id']}' must be a yesno question")
    stated = questions.get((rules.get("phase") or {}).get("stated_question"))
    phase_ids = {p.get("id") for p in items["phases"]}
    if stated is not None and {o.get("id") for o in stated.get("options") or []} != phase_ids:
        problems.append("rules.yml: phase.stated_question must offer exactly the phases as options")
    orders = sorted(p.get("order") for p in items["phases"])
    if orders != list(range(1, len(orders) + 1)):
        problems.append(f"phases.yml: orders must be 1..{len(orders)}, are {orders}")
