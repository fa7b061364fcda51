"""Read a Dutch answer to a scan question: button label, canonical value or free text.

`parse_answer(kb, question, answer)` returns a `Parsed`:
  status "ok"       value is the canonical value (scale 1..5, "ja"/"deels"/"nee", a number,
                    a list of partner ids, or a choice option id)
  status "unknown"  the user does not know ("weet ik niet"): honest data, no value
  status "unclear"  we cannot tell; the bot re-asks once with the options (never a silent guess)

Phrase tables come from questionnaire.yml and partners.yml. Matching runs on normalised text,
longest phrase first, without overlaps; single words also match their lemma (simplemma) and,
from five letters on, a close typo (rapidfuzz).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process
from text_to_num import alpha2digit, text2num

from .errors import AnswerError
from .loader import KnowledgeBase
from .text import lemma, normalize

UNKNOWN = "weet_niet"
FUZZY_MIN_LEN = 5
FUZZY_CUTOFF = 86


@dataclass(frozen=True)
class Parsed:
    status: str
    value: Any = None
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Match:
    value: Any
    length: int  # characters of the phrase that matched: longer is more specific
    weak: bool = False
    start: int = 0  # token position in the answer


class PhraseTable:
    """Phrases (normalised token tuples) mapped to values, matched longest first."""

    def __init__(self, entries: list[tuple[str, Any, bool]], fuzzy: bool = True):
        self._phrases: dict[tuple[str, ...], tuple[Any, bool]] = {}
        for phrase, value, weak in entries:
            key = tuple(normalize(phrase).split())
            if key and key not in self._phrases:
                self._phrases[key] = (value, weak)
        self._max = max((len(k) for k in self._phrases), default=1)
        self._single = {k[0]: v for k, v in self._phrases.items() if len(k) == 1}
        self._fuzzy_keys = [w for w in self._single if len(w) >= FUZZY_MIN_LEN] if fuzzy else []

    def find(self, text: str) -> list[_Match]:
        toks = normalize(text).split()
        found: list[_Match] = []
        i = 0
        while i < len(toks):
            for n in range(min(self._max, len(toks) - i), 0, -1):
                hit = self._phrases.get(tuple(toks[i:i + n]))
                if hit is None and n == 1:
                    hit = self._single_word(toks[i])
                if hit is not None:
                    found.append(_Match(hit[0], len(" ".join(toks[i:i + n])), hit[1], i))
                    i += n
                    break
            else:
                i += 1
        return found

    def _single_word(self, word: str) -> tuple[Any, bool] | None:
        hit = self._single.get(lemma(word))
        if hit is None and len(word) >= FUZZY_MIN_LEN and self._fuzzy_keys:
            best = process.extractOne(word, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            hit = self._single[best[0]] if best else None
        return hit


@functools.lru_cache(maxsize=256)
def _table(kb: KnowledgeBase, question_id: str) -> PhraseTable:
    """The phrase table for one question: its own options plus the shared 'weet ik niet' phrases."""
    q = kb.question(question_id)
    types = kb.questionnaire["answer_types"]
    unknown = kb.questionnaire["unknown"]
    entries: list[tuple[str, Any, bool]] = [(p, UNKNOWN, False) for p in unknown["phrases"] + [unknown["label"]]]
    kind = q["type"]
    if kind in ("scale", "yesno"):
        spec = types[kind]
        entries += [(label, value, False) for value, label in spec["options"].items()]
        entries += [(p, value, False) for value, phrases in spec["phrases"].items() for p in phrases]
        entries += [(p, value, True) for value, phrases in (spec.get("weak_phrases") or {}).items() for p in phrases]
    elif kind == "choice":
        for option in q["options"]:
            entries += [(p, option["id"], False) for p in [option["label"], option["id"], *option["synonyms"]]]
    elif kind == "partners":
        entries += [(p, (), False) for p in types["partners"]["none_words"]]
        for partner in kb.items("partners"):
            for p in [partner["label"], partner["id"].replace("_", " "), *partner["synonyms"]]:
                entries.append((p, (partner["id"],), False))
    return PhraseTable(entries)


def parse_answer(kb: KnowledgeBase, question_id: str, answer: Any) -> Parsed:
    """Parse a button payload, a canonical value or free Dutch text for one question.

    Raises AnswerError for an unknown question or a canonical value out of range.
    """
    if not kb.has("questions", question_id):
        raise AnswerError(question_id, f"Er bestaat geen vraag met de code '{question_id}'.")
    q = kb.question(question_id)
    canonical = _canonical(kb, q, answer)
    if canonical is not None:
        return canonical
    text = str(answer).strip()
    if not text:
        return Parsed("unclear")
    if q["type"] == "number":
        return _parse_number(kb, q, text)
    matches = _table(kb, question_id).find(text)
    if q["type"] == "scale":
        digit = _scale_digit(text)
        if digit is not None:
            matches.append(_Match(digit, 1))
    return _resolve(q, _after_contrast(text, matches))


def _after_contrast(text: str, matches: list[_Match]) -> list[_Match]:
    """In "ja, maar eigenlijk niet" the part after "maar" is the answer: keep only the matches there
    (when there are any)."""
    toks = normalize(text).split()
    if "maar" not in toks:
        return matches
    cut = len(toks) - 1 - toks[::-1].index("maar")
    later = [m for m in matches if m.start > cut]
    return later or matches


def _canonical(kb: KnowledgeBase, q: dict, answer: Any) -> Parsed | None:
    """A value given as the engine stores it (not free text), or None if `answer` is text."""
    if answer == UNKNOWN:
        return Parsed("unknown")
    kind = q["type"]
    if isinstance(answer, bool):
        return _canonical(kb, q, "ja" if answer else "nee") if kind == "yesno" else None
    if isinstance(answer, (int, float)):
        if kind == "scale":
            if answer != int(answer) or not 1 <= answer <= 5:
                raise AnswerError(q["id"], f"Bij vraag '{q['id']}' hoort een waarde van 1 tot en met 5.")
            return Parsed("ok", int(answer))
        if kind == "number":
            spec = kb.questionnaire["answer_types"]["number"]
            if answer != int(answer) or not spec["min"] <= answer <= spec["max"]:
                raise AnswerError(q["id"], f"Bij vraag '{q['id']}' hoort een heel getal vanaf {spec['min']}.")
            return Parsed("ok", int(answer))
        raise AnswerError(q["id"], f"Bij vraag '{q['id']}' hoort geen getal maar een keuze of tekst.")
    if isinstance(answer, (list, tuple)):
        if kind != "partners":
            raise AnswerError(q["id"], f"Bij vraag '{q['id']}' hoort geen lijst.")
        unknown = [p for p in answer if not kb.has("partners", str(p))]
        if unknown:
            raise AnswerError(q["id"], f"Onbekende soort partner: {', '.join(map(str, unknown))}.")
        return Parsed("ok", sorted(set(answer)))
    if kind == "yesno" and answer in kb.questionnaire["answer_types"]["yesno"]["values"]:
        return Parsed("ok", answer)
    if kind == "choice" and answer in {o["id"] for o in q["options"]}:
        return Parsed("ok", answer)
    return None


def _resolve(q: dict, matches: list[_Match]) -> Parsed:
    strong = [m for m in matches if not m.weak and m.value != UNKNOWN]
    weak = [m for m in matches if m.weak]
    values = strong or weak
    if not values:
        return Parsed("unknown") if any(m.value == UNKNOWN for m in matches) else Parsed("unclear")
    kind = q["type"]
    if kind == "partners":
        return Parsed("ok", sorted({p for m in values for p in m.value}))
    resolved = _agree(kind, values)
    if resolved is None and kind in ("scale", "yesno"):
        # Far-apart signals: an answer that opens with a clear answer word and then explains
        # ("nee, ze denken dat ik het wel doe") is read by its opening; otherwise we re-ask.
        resolved = _agree(kind, [m for m in values if m.start == 0])
    return Parsed("unclear") if resolved is None else Parsed("ok", resolved)


def _agree(kind: str, values: list[_Match]) -> Any:
    """The one value these matches agree on, or None. Scale values one step apart agree (the most
    specific phrase wins: "ja, helemaal" is 5); "ja"/"nee" beside "deels" is "deels"."""
    if not values:
        return None
    if kind == "scale":
        numbers = [m.value for m in values]
        return max(values, key=lambda m: m.length).value if max(numbers) - min(numbers) <= 1 else None
    distinct = {m.value for m in values}
    if kind == "yesno" and len(distinct) == 2 and "deels" in distinct:
        return "deels"
    return distinct.pop() if len(distinct) == 1 else None


_DIGIT_RE = re.compile(r"(?<![\d-])(\d+)(?![\d-])")


def _scale_digit(text: str) -> int | None:
    """'4', 'een 4', '3 van de 5' -> the first number if it lies in 1..5; other numbers are ignored."""
    numbers = [int(n) for n in _DIGIT_RE.findall(normalize(text))]
    return numbers[0] if numbers and 1 <= numbers[0] <= 5 else None


def _to_digits(text: str) -> str:
    """Dutch number words to digits: 'een stuk of twaalf' -> 'een stuk of 12'. alpha2digit leaves
    small numbers ('twee') alone, so single words get text2num; 'een' stays (it is mostly 'a')."""
    converted = alpha2digit(text, "nl")
    out = []
    for tok in converted.split():
        if not tok.isdigit() and tok != "een":
            try:
                tok = str(text2num(tok, "nl"))
            except ValueError:
                pass
        out.append(tok)
    return " ".join(out)


def _parse_number(kb: KnowledgeBase, q: dict, text: str) -> Parsed:
    spec = kb.questionnaire["answer_types"]["number"]
    norm = normalize(text)
    matches = _table(kb, q["id"]).find(text)
    digits = _to_digits(norm)
    numbers = [int(n) for n in re.findall(r"\d+", digits)]
    padded = f" {norm} "
    approx = any(f" {normalize(w)} " in padded for w in spec["approx_words"])
    if not numbers:
        if any(m.value == UNKNOWN for m in matches):
            return Parsed("unknown")
        if any(f" {normalize(w)} " in padded for w in spec["zero_words"]):
            return Parsed("ok", 0)
        return Parsed("unclear")
    if len(numbers) == 2 and re.search(r"\d+\s*(-|en|tot|a|of)\s*\d+", digits):
        low, high = sorted(numbers)
        value, detail = round((low + high) / 2), {"range": [low, high]}
    elif len(numbers) == 1:
        value, detail = numbers[0], ({"approx": True} if approx else {})
    else:
        return Parsed("unclear")
    if not spec["min"] <= value <= spec["max"]:
        return Parsed("unclear")
    return Parsed("ok", value, detail)


def option_labels(kb: KnowledgeBase, question_id: str) -> list[tuple[str, Any]]:
    """(label, value) pairs for a question's buttons, in order, with 'Weet ik niet' last."""
    q = kb.question(question_id)
    types = kb.questionnaire["answer_types"]
    if q["type"] in ("scale", "yesno"):
        pairs = [(label, value) for value, label in types[q["type"]]["options"].items()]
    elif q["type"] == "choice":
        pairs = [(o["label"], o["id"]) for o in q["options"]]
    elif q["type"] == "partners":
        pairs = [(p["label"], [p["id"]]) for p in kb.items("partners")]
    else:
        pairs = []
    return pairs + [(kb.questionnaire["unknown"]["label"], UNKNOWN)]


def value_label(kb: KnowledgeBase, question_id: str, value: Any, detail: dict | None = None) -> str:
    """A Dutch label for a canonical value, for results and reports."""
    q = kb.question(question_id)
    if value == UNKNOWN or value is None:
        return kb.questionnaire["unknown"]["label"]
    if q["type"] in ("scale", "yesno"):
        return kb.questionnaire["answer_types"][q["type"]]["options"][value]
    if q["type"] == "choice":
        return next(o["label"] for o in q["options"] if o["id"] == value)
    if q["type"] == "partners":
        return ", ".join(kb.item("partners", p)["label"] for p in value) or "Geen"
    if detail and detail.get("range"):
        return f"{detail['range'][0]} tot {detail['range'][1]}"
    return f"ongeveer {value}" if detail and detail.get("approx") else str(value)
