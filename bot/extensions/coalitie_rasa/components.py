"""simplemma as a spaCy lemmatizer: its Dutch dictionary gets the irregular forms that spaCy's
lookup table misses (is -> zijn, kwamen -> komen). The knowledge search uses the same function."""

from spacy.language import Language
from spacy.tokens import Doc

from knowledge.text import lemma


class SimplemmaLemmatizer:
    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            token.lemma_ = lemma(token.lower_) if token.is_alpha else token.lower_
        return doc


@Language.factory("simplemma_lemmatizer")
def make_simplemma_lemmatizer(nlp: Language, name: str) -> SimplemmaLemmatizer:
    return SimplemmaLemmatizer()
