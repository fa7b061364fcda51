"""Coalitiecoach's extensions that run inside Rasa: the Dutch spaCy pipeline (simplemma
lemmatizer, entity ruler from the knowledge base; `python -m coalitie_rasa.build OUT`) and a SQL
tracker store that can erase a conversation."""
