"""Retrieval over the knowledge items: Dutch-aware matching, confidence, and that every item can be
found by its own name."""

import pytest

from knowledge.search import SEARCHABLE, index_for


@pytest.fixture(scope="module")
def index(kb):
    return index_for(kb)


def searchable_items(kb):
    return [(kind, item) for kind in SEARCHABLE for item in kb.items(kind)]


def test_every_item_is_found_first_by_its_own_label(kb, index):
    misses = []
    for kind, item in searchable_items(kb):
        hits = index.search(f"wat is {item['label']}?").hits
        if not hits or (hits[0].kind, hits[0].id) != (kind, item["id"]):
            misses.append((kind, item["id"], [(h.kind, h.id) for h in hits]))
    assert not misses


@pytest.mark.parametrize("question, expected", [
    ("netwerkdipp", ("concepts", "netwerkdip")),                     # typo
    ("Wat is een netwerk dip?", ("concepts", "netwerkdip")),         # split compound
    ("wat houdt een kantelmoment in", ("concepts", "kantelmoment")),
    ("wat deed de gemeente in dronten", ("cases", "dronten")),
    ("hoe betrek ik de huisartsen", ("partners", "zorgaanbieder")),  # plural -> lemma -> synonym
    ("hoe krijg ik winkeliers mee", ("partners", "ondernemers")),
    ("wat doe je in de verkenningsfase", ("phases", "verkennen")),
    ("wat doet een aanjager", ("roles", "aanjager")),
])
def test_dutch_questions_find_their_topic(index, question, expected):
    result = index.search(question)
    assert (result.hits[0].kind, result.hits[0].id) == expected, result.hits
    assert result.confident


@pytest.mark.parametrize("question", ["wat voor weer wordt het morgen", "hoe vraag ik een parkeervergunning aan",
                                      "asdfghjkl", ""])
def test_unrelated_questions_are_not_answered_with_confidence(index, question):
    assert not index.search(question).confident


def test_hits_are_ranked_and_limited(index):
    hits = index.search("procesregie en de rol van de regisseur", limit=3).hits
    assert len(hits) == 3 and hits[0].score >= hits[1].score >= hits[2].score
