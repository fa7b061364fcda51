"""Retrieval over the knowledge items: Dutch-aware matching, confidence, and that every item can be
found by its own name."""

import shutil

import pytest
import yaml

from knowledge import load_knowledge
from knowledge.loader import DATA_DIR
from knowledge.search import SEARCHABLE, KnowledgeIndex, index_for


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


def test_an_item_is_found_by_the_way_users_ask_for_it(tmp_path):
    """phrasings.yml feeds the search: a question worded only like a phrasing finds its item."""
    question = "koffiebonen op in de buurtkamer"
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    before = KnowledgeIndex(load_knowledge(target)).search(question)
    assert not before.hits or before.hits[0].id != "netwerkdip"
    doc = yaml.safe_load((target / "phrasings.yml").read_text(encoding="utf-8"))
    entry = next(e for e in doc["phrasings"] if e["item"] == "concepts:netwerkdip")
    entry["questions"].append("de buurtkamer zit zonder koffiebonen, wat nu?")
    (target / "phrasings.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    after = KnowledgeIndex(load_knowledge(target)).search(question)
    assert (after.hits[0].kind, after.hits[0].id) == ("concepts", "netwerkdip")


@pytest.mark.parametrize("question", [
    "Welke planningsapp is het handigst, Trello of Planner?",   # most words occur in no item
    "Hoe verleng ik mijn paspoort?",
])
def test_a_question_about_something_the_knowledge_never_mentions_is_off_topic(index, question):
    result = index.search(question)
    assert result.off_topic and not result.confident


@pytest.mark.parametrize("question, limit_id", [
    ("Hoeveel subsidie krijgt onze gemeente dit jaar?", "bedragen"),
    ("Mogen we namen van deelnemers delen volgens de AVG?", "recht_en_privacy"),
    ("In welke salarisschaal valt een netwerkcoördinator?", "personeel"),
])
def test_a_question_the_sources_are_silent_on_is_recognised(index, question, limit_id):
    result = index.search(question)
    assert result.limit["id"] == limit_id and not result.confident


def test_a_named_topic_is_covered_by_its_item(index):
    result = index.search("wat doet een aanjager")
    assert result.confident and result.unknown == 0 and result.covered == 1
