"""Dutch spaCy pipeline for the Coalitiecoach bot: simplemma lemmas and an entity ruler built
from the knowledge base."""
