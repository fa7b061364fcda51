"""Dutch text helpers shared by the answer parser and the search: normalising and lemmatising.

The lemmatizer is simplemma (dictionary based, Dutch data ships in the package), the same one the
Rasa pipeline wraps as a spaCy component, so the bot and the search read words the same way.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import simplemma

_KEEP = re.compile(r"[^a-z0-9?\s-]")
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Lowercase, strip accents and punctuation (keeping digits, '-' and '?'), fold white space.

    "Zo'n 12 partners, héél goed!" -> "zo n 12 partners heel goed"
    """
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("'", " ").replace("’", " ")
    text = _KEEP.sub(" ", text).replace("?", " ? ")  # "?" alone means "weet ik niet"; keep it a token
    text = re.sub(r"(?<![a-z0-9])-|-(?![a-z0-9])", " ", text)  # a lone dash is punctuation
    return _SPACES.sub(" ", text).strip()


def tokens(text: str) -> list[str]:
    return normalize(text).split()


@functools.lru_cache(maxsize=50_000)
def lemma(token: str) -> str:
    return simplemma.lemmatize(token, lang="nl").lower()


def lemmas(text: str) -> list[str]:
    return [lemma(t) for t in tokens(text)]
