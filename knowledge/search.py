"""Ranked retrieval over the knowledge items, for the procesbegeleider's free questions.

Dutch-aware: text is normalised and lemmatised with simplemma (the lemmatizer the NLU pipeline
uses); query words that are not in the vocabulary are corrected to a close one (rapidfuzz) or
split into two known words (Dutch compounds: "netwerkdip" -> "netwerk dip"). Items are ranked
with BM25 (bm25s) over their label, synonyms and text; naming an item's label or synonym in the
question adds a strong bonus. The confidence says how clearly the best item wins; below
`CONFIDENT` the bot offers the closest topics instead of answering.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import bm25s
from rapidfuzz import fuzz, process

from .loader import KnowledgeBase
from .parsing import PhraseTable
from .text import lemma, normalize

# Kinds that answer questions, and the field that holds an item's answer text.
SEARCHABLE = {
    "concepts": "answer",
    "cases": "answer",
    "conditions": "answer",
    "phases": "summary",
    "roles": "meaning",
    "partners": "brings",
    "dimensions": "definition",
}
# Function words that say nothing about the topic (the question words are what every query shares).
STOPWORDS = set("""
de het een en of in op aan van voor met door bij naar over uit om te tot als dan dat die dit deze
wat wie waar wanneer hoe waarom welk welke is zijn ben bent was waren wordt worden word kan kunnen
kun moet moeten mag mogen wil willen zal zullen ik je jij u we wij ze zij hij zij mijn onze ons
jullie hun er niet geen ook nog al wel maar dus toch eens even heel erg zo iets meer veel graag
ik'' doen doe heb hebben heeft had gaan gaat ga krijgen krijg hoe mee eigenlijk precies nou
""".split())
NAME_BONUS = 6.0
CONFIDENT = 0.35


@dataclass(frozen=True)
class Hit:
    kind: str
    id: str
    label: str
    score: float


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]          # best first
    confidence: float        # 0..1: how clearly hits[0] is the answer

    @property
    def confident(self) -> bool:
        return bool(self.hits) and self.confidence >= CONFIDENT


def _terms(text: str) -> list[str]:
    return [lemma(t) for t in normalize(text).split() if t not in STOPWORDS and len(t) > 1]


class KnowledgeIndex:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.items: list[tuple[str, dict]] = [
            (kind, item) for kind in SEARCHABLE if kb.has_kind(kind) for item in kb.items(kind)]
        corpus = []
        names = []
        for n, (kind, item) in enumerate(self.items):
            synonyms = item.get("synonyms", [])
            text = " ".join([item["label"]] * 3 + synonyms * 2 + [item.get(SEARCHABLE[kind], "")])
            corpus.append(_terms(text) or ["_"])
            names += [(phrase, n) for phrase in [item["label"], item["id"].replace("_", " "), *synonyms]]
        self.vocabulary = sorted({t for doc in corpus for t in doc})
        self._vocab_set = set(self.vocabulary)
        self.bm25 = bm25s.BM25()
        self.bm25.index(self._as_ids(corpus), show_progress=False)
        by_phrase: dict[str, tuple[int, ...]] = {}
        for phrase, n in names:
            key = normalize(phrase)
            by_phrase[key] = by_phrase.get(key, ()) + (n,)
        self.names = PhraseTable([(phrase, ns, False) for phrase, ns in by_phrase.items()])

    def _as_ids(self, docs: list[list[str]]) -> bm25s.tokenization.Tokenized:
        vocab = {t: i for i, t in enumerate(self.vocabulary)}
        return bm25s.tokenization.Tokenized(
            ids=[[vocab[t] for t in doc if t in vocab] for doc in docs], vocab=vocab)

    def _known(self, term: str) -> list[str]:
        """The term, a close vocabulary word, or two known halves of a compound; [] if none."""
        if term in self._vocab_set:
            return [term]
        for cut in range(3, len(term) - 2):
            head, tail = term[:cut], lemma(term[cut:])
            if head in self._vocab_set and tail in self._vocab_set:
                return [head, tail]
        if len(term) >= 5:
            best = process.extractOne(term, self.vocabulary, scorer=fuzz.ratio, score_cutoff=85)
            if best:
                return [best[0]]
        return []

    def search(self, question: str, limit: int = 3) -> SearchResult:
        terms = [k for t in _terms(question) for k in self._known(t)]
        scores = [0.0] * len(self.items)
        if terms:
            query = self._as_ids([terms])
            docs, values = self.bm25.retrieve(query, k=len(self.items), show_progress=False)
            for doc, value in zip(docs[0], values[0]):
                scores[int(doc)] = float(value)
        for match in self.names.find(question):
            for n in match.value:
                scores[n] += NAME_BONUS * min(1.0, match.length / 8)
        ranked = sorted(range(len(self.items)), key=lambda n: -scores[n])
        hits = [Hit(self.items[n][0], self.items[n][1]["id"], self.items[n][1]["label"], round(scores[n], 3))
                for n in ranked[:limit] if scores[n] > 0]
        return SearchResult(hits, _confidence([h.score for h in hits]))


def _confidence(scores: list[float]) -> float:
    """How far the best score stands above the next, scaled by how strong it is at all."""
    if not scores:
        return 0.0
    top = scores[0]
    second = scores[1] if len(scores) > 1 else 0.0
    margin = (top - second) / top if top else 0.0
    strength = min(1.0, top / 8.0)
    return round(0.5 * margin + 0.5 * strength, 3)


@functools.lru_cache(maxsize=4)
def index_for(kb: KnowledgeBase) -> KnowledgeIndex:
    return KnowledgeIndex(kb)
