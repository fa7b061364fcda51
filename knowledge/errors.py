"""Errors the knowledge package raises; their messages name the file, the item and the problem."""


class KnowledgeError(ValueError):
    """The knowledge base is invalid. `problems` lists every problem found, one string each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("The knowledge base is invalid:\n" + "\n".join(f"- {p}" for p in problems))


class AnswerError(ValueError):
    """An answer cannot be used: unknown question, value out of range, or text we cannot read.

    `detail` is a Dutch sentence fit to show a user.
    """

    def __init__(self, question_id: str, detail: str):
        self.question_id = question_id
        self.detail = detail
        super().__init__(detail)
