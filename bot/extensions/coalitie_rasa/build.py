"""Build the blank Dutch spaCy pipeline the Rasa config loads: `python -m coalitie_rasa.build OUT`.

tokenizer (spaCy nl) -> simplemma_lemmatizer -> entity_ruler with the knowledge base's phases,
roles and partner types (labels, ids and synonyms), labelled fase / rol / partner and carrying the
item id as the entity id.
"""

import sys
from pathlib import Path

import spacy

from knowledge import get_knowledge
from knowledge.text import normalize

LABELS = {"phases": "fase", "roles": "rol", "partners": "partner"}


def patterns() -> list[dict]:
    kb = get_knowledge()
    out, seen = [], set()
    for kind, label in LABELS.items():
        for item in kb.items(kind):
            phrases = [item["label"], item["id"].replace("_", " "), *item.get("synonyms", [])]
            if kind == "phases":
                phrases += [w for w in normalize(item["label"]).split() if len(w) > 3 and w not in {"houden", "stoppen"}]
            for phrase in phrases:
                words = normalize(phrase).split()
                key = (label, tuple(words))
                if words and key not in seen:
                    seen.add(key)
                    out.append({"label": label, "id": item["id"],
                                "pattern": [{"LOWER": w} for w in words]})
    return out


def build(out_dir: Path) -> None:
    nlp = spacy.blank("nl")
    nlp.add_pipe("simplemma_lemmatizer")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    nlp.initialize()
    ruler.add_patterns(patterns())  # after initialize(): initialize() clears the patterns
    nlp.to_disk(out_dir)


if __name__ == "__main__":
    build(Path(sys.argv[1]))
