"""Coalitiecoach action server (rasa_sdk): thin actions that translate between Rasa's tracker and
the `knowledge` engine. Run with `rasa run actions --actions actions`."""
