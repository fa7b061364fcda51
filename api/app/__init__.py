"""Coalitiecoach gateway: the FastAPI application in front of the Rasa bot."""
