"""`python -m knowledge.validate [DATA_DIR]`: load and check the knowledge base, print a summary."""

import sys

from .errors import KnowledgeError
from .loader import load_knowledge


def main(argv: list[str]) -> int:
    try:
        kb = load_knowledge(argv[0] if argv else None)
    except KnowledgeError as exc:
        print(exc, file=sys.stderr)
        return 1
    kinds = ["documents", "dimensions", "phases", "roles", "partners", "questions", "advice"]
    print("knowledge ok: " + ", ".join(f"{len(kb.items(k))} {k}" for k in kinds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
