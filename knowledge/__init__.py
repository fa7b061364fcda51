"""Coalitiecoach knowledge: the YAML knowledge base, its validating loader and the diagnosis engine.

Pure Python (pyyaml and small Dutch text libraries); imports no framework. Both the action server
and the gateway import it.
"""

from .errors import AnswerError, KnowledgeError
from .loader import KnowledgeBase, get_knowledge, load_knowledge

__all__ = ["AnswerError", "KnowledgeBase", "KnowledgeError", "get_knowledge", "load_knowledge"]
