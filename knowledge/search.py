"""Ranked retrieval over the knowledge items, for the procesbegeleider's free questions.

Dutch-aware: text is normalised and lemmatised with simplemma (the lemmatizer the NLU pipeline
uses); query words that are not in the vocabulary are corrected to a close one (rapidfuzz) or
split into two known words (Dutch compounds: "netwerkdip" -> "netwerk dip"). Items are ranked
with BM25 (bm25s) over their label, synonyms, text and the ways users ask for them
(phrasings.yml); naming an item's label or synonym in the question adds a strong bonus. The confidence says how clearly the best item wins; below
`CONFIDENT` the bot offers the closest topics instead of answering.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import bm25s
from rapidfuzz import fuzz, process

from .loader import ANSWER_FIELDS as SEARCHABLE
from .loader import KnowledgeBase
from .parsing import PhraseTable
from .text import lemma, lemmas, normalize

# Function words that say nothing about the topic (the question words are what every query shares).
STOPWORDS = set("""
de het een en of in op aan van voor met door bij naar over uit om te tot als dan dat die dit deze
wat wie waar wanneer hoe waarom welk welke is zijn ben bent was waren wordt worden word kan kunnen
kun moet moeten mag mogen wil willen zal zullen ik je jij u we wij ze zij hij zij mijn onze ons
jullie hun er niet geen ook nog al wel maar dus toch eens even heel erg zo iets meer veel graag
ik'' doen doe heb hebben heeft had gaan gaat ga krijgen krijg hoe mee eigenlijk precies nou
nu hoeveel daarmee ermee hiermee daar hier zo'n
""".split())
NAME_BONUS = 4.0
# BM25 parameters: a little less length normalisation than the default suits items whose text
# ranges from one answer (concepts) to a whole phase with its activities and tips.
BM25_K1, BM25_B = 1.2, 0.5
LABEL_FACTOR = 1.5  # an item's own label counts more than a synonym
# Names found in the text of at most SPECIFIC_SHARE of the items get the full bonus, names found in
# GENERIC_SHARE or more get none, with a straight line in between.
SPECIFIC_SHARE, GENERIC_SHARE = 0.15, 0.5
# Below this confidence the bot offers the closest topics instead of answering. Set on the
# first three question sets in tests/nlu/: at 0.45 about 97 % of right top hits are still answered, while wrong
# top hits answered drop by a fifth compared with 0.35 (scripts/bench.py prints the figures).
CONFIDENT = 0.45
# A question of which MAX_UNKNOWN or more of the words occur in no item is about something else
# ("welke planningsapp, Trello of Planner?"); one of which hits[0] uses less than MIN_COVERED is
# only half answered by it. Either way the bot offers topics instead of answering.
MAX_UNKNOWN, MIN_COVERED = 0.3, 0.3


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
    limit: dict | None = None  # the question asks for something the sources do not say (limits.yml)
    unknown: float = 0.0     # share of the question's words that no item uses
    covered: float = 1.0     # share of the question's words that hits[0] uses

    @property
    def off_topic(self) -> bool:
        """Too many of the question's words occur in no item: the sources are about something else."""
        return self.unknown >= MAX_UNKNOWN

    @property
    def confident(self) -> bool:
        """Answer with hits[0]: it wins clearly, the question is about what the knowledge covers
        (few words it never uses: "Trello", "paspoort"), and hits[0] speaks to enough of it."""
        return (bool(self.hits) and self.confidence >= CONFIDENT and self.limit is None
                and not self.off_topic and self.covered >= MIN_COVERED)


def _texts(value, skip=("id", "label", "synonyms", "source", "basis", "related", "kind", "group")) -> list[str]:
    """Every piece of Dutch text in an item: its answer, and nested activities, tips, pitfalls..."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() if k not in skip for t in _texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v)]
    return []


def _terms(text: str) -> list[str]:
    return [lemma(t) for t in normalize(text).split() if t not in STOPWORDS and len(t) > 1 and t != "?"]


def _with_bigrams(terms: list[str]) -> list[str]:
    """Terms plus adjacent pairs ("regie_inhoud"), so a phrase counts more than its loose words."""
    return terms + [f"{a}_{b}" for a, b in zip(terms, terms[1:])]


class KnowledgeIndex:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.items: list[tuple[str, dict]] = [
            (kind, item) for kind in SEARCHABLE for item in kb.items(kind)]
        corpus = []
        names = []
        for n, (kind, item) in enumerate(self.items):
            synonyms = item.get("synonyms", [])
            # The item's own text plus the ways users ask for it (phrasings.yml): situations and
            # everyday words that the answer text itself does not use.
            text = " ".join([item["label"]] * 2 + synonyms + _texts(item) + kb.phrasings(kind, item["id"]))
            corpus.append(_with_bigrams(_terms(text)) or ["_"])
            names += [(item["label"], n, True)] + [(phrase, n, False) for phrase in synonyms]
        self.vocabulary = sorted({t for doc in corpus for t in doc})
        self._vocab_set = set(self.vocabulary)
        self._words = [t for t in self.vocabulary if "_" not in t]  # single words, for typo correction
        self.bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        self.bm25.index(self._as_ids(corpus), show_progress=False)
        self._doc_terms = [set(doc) for doc in corpus]
        by_phrase: dict[str, tuple[tuple[int, float], ...]] = {}
        for phrase, n, is_label in names:
            key = normalize(phrase)
            by_phrase[key] = by_phrase.get(key, ()) + ((n, LABEL_FACTOR if is_label else 1.0),)
        self.limits = PhraseTable([(phrase, limit, False) for limit in kb.limits for phrase in limit["phrases"]],
                                  fuzzy=False)
        # Typos are corrected on the BM25 side; fuzzy name matching would turn "moeten" into "meten".
        self.names = PhraseTable([(phrase, (phrase, ns), False) for phrase, ns in by_phrase.items()], fuzzy=False)
        self._one_word_names = {phrase: ns for phrase, ns in by_phrase.items() if " " not in phrase}
        # A name made of words that most items use ("gemeente", "partner") says little about the
        # topic of a question: its bonus shrinks with the share of items whose text has it.
        doc_sets = [set(lemmas(" ".join([item["label"], *item.get("synonyms", []), *_texts(item)])))
                    for _, item in self.items]
        self.name_weight = {}
        for phrase in by_phrase:
            terms = set(lemmas(phrase))  # every word, short ones too: "gemeente x" is specific, "gemeente" not
            share = sum(1 for doc in doc_sets if terms <= doc) / len(doc_sets) if terms else 0.0
            self.name_weight[phrase] = max(0.0, min(1.0, (GENERIC_SHARE - share) / (GENERIC_SHARE - SPECIFIC_SHARE)))

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
            best = process.extractOne(term, self._words, scorer=fuzz.ratio, score_cutoff=85)
            if best:
                return [best[0]]
        return []

    def search(self, question: str, limit: int = 3) -> SearchResult:
        question_terms = _terms(question)
        known = [self._known(t) for t in question_terms]
        words = [k for forms in known for k in forms]
        # "netwerk dip" written apart: also the compound, if the knowledge uses it
        terms = words + [a + b for a, b in zip(words, words[1:]) if a + b in self._vocab_set]
        terms += [f"{a}_{b}" for a, b in zip(words, words[1:]) if f"{a}_{b}" in self._vocab_set]
        scores = [0.0] * len(self.items)
        if terms:
            query = self._as_ids([terms])
            docs, values = self.bm25.retrieve(query, k=len(self.items), show_progress=False)
            for doc, value in zip(docs[0], values[0]):
                scores[int(doc)] = float(value)
        named = [(match.value, match.length) for match in self.names.find(question)]
        # A one-word name with a typo ("netwerkdipp") counts once the typo is corrected.
        found = {phrase for (phrase, _), _ in named}
        for term, forms in zip(question_terms, known):
            if forms != [term] and len(forms) == 1 and forms[0] in self._one_word_names and forms[0] not in found:
                named.append(((forms[0], self._one_word_names[forms[0]]), len(forms[0])))
                found.add(forms[0])
        for (phrase, owners), length in named:
            for n, factor in owners:
                scores[n] += NAME_BONUS * factor * min(1.0, length / 8) * self.name_weight[phrase]
        ranked = sorted(range(len(self.items)), key=lambda n: -scores[n])
        hits = [Hit(self.items[n][0], self.items[n][1]["id"], self.items[n][1]["label"], round(scores[n], 3))
                for n in ranked[:limit] if scores[n] > 0]
        limit = next((match.value for match in self.limits.find(question)), None)
        covered = self._doc_terms[ranked[0]] if hits else set()
        return SearchResult(hits, _confidence([h.score for h in hits]), limit,
                            unknown=_share(known, lambda forms: not forms),
                            covered=_share(known, lambda forms: bool(forms) and any(f in covered for f in forms)))


def _share(known: list[list[str]], test) -> float:
    """The share of the question's words (their known forms) that pass `test`; 0 for no words."""
    return sum(1 for forms in known if test(forms)) / len(known) if known else 0.0


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
