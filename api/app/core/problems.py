"""Errors as RFC 9457 problem details (``application/problem+json``) with a Dutch ``detail``.

Routes raise :class:`Problem`; the handlers registered by :func:`install_problem_handlers` turn it,
FastAPI's validation errors, Starlette's HTTP errors (unknown route, 405) and any unexpected
exception into a problem response. Nothing returns a stack trace to the client.
"""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:coalitiecoach:problem:"

# Dutch explanations for plain HTTP errors raised by the framework (no route, wrong method …).
STATUS_DETAILS: dict[int, str] = {
    400: "De aanvraag is niet geldig.",
    401: "U bent niet aangemeld.",
    403: "U heeft geen toegang tot deze bron.",
    404: "Deze pagina of bron bestaat niet.",
    405: "Deze methode is hier niet toegestaan.",
    406: "Dit antwoordformaat wordt niet ondersteund.",
    413: "De aanvraag is te groot.",
    415: "Dit type inhoud wordt niet ondersteund; stuur JSON.",
    422: "De aanvraag kon niet worden verwerkt.",
    429: "Te veel aanvragen. Probeer het straks opnieuw.",
    500: "Er ging iets mis aan onze kant. Probeer het later opnieuw.",
    503: "De dienst is even niet beschikbaar. Probeer het later opnieuw.",
}

# Dutch messages for pydantic error types (FastAPI request validation).
VALIDATION_MESSAGES: dict[str, str] = {
    "missing": "Dit veld ontbreekt.",
    "json_invalid": "De aanvraag bevat geen geldige JSON.",
    "json_type": "De aanvraag bevat geen geldige JSON.",
    "model_attributes_type": "Verwacht een JSON-object.",
    "dict_type": "Verwacht een JSON-object.",
    "model_type": "Verwacht een JSON-object.",
    "string_type": "Verwacht tekst.",
    "string_too_short": "Deze tekst is te kort.",
    "string_too_long": "Deze tekst is te lang.",
    "too_short": "Dit veld mag niet leeg zijn.",
    "too_long": "Dit veld bevat te veel elementen.",
    "extra_forbidden": "Dit veld is onbekend.",
    "int_type": "Verwacht een geheel getal.",
    "int_parsing": "Verwacht een geheel getal.",
    "bool_type": "Verwacht ja of nee (true/false).",
    "list_type": "Verwacht een lijst.",
}


class Problem(Exception):
    """An error to be answered as ``application/problem+json``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = f"{TYPE_PREFIX}{type_}" if type_ else "about:blank"
        self.title = title or _phrase(status)
        self.headers = headers
        self.extensions = extensions


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A problem+json response; ``extensions`` become extra members (RFC 9457 §3.2)."""
    body: dict[str, Any] = {"type": type_, "title": title or _phrase(status), "status": status, "detail": detail}
    body.update(extensions)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts)


def _dutch_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error" or kind.startswith("coalitiecoach_"):
        # our own validators raise PydanticCustomError with a Dutch message
        return str(error.get("msg", "")).removeprefix("Value error, ")
    if kind in ("model_attributes_type", "dict_type") and isinstance(error.get("input"), (bytes, str)):
        return "Stuur de aanvraag als JSON-object (Content-Type: application/json)."
    if kind == "string_too_long" and "max_length" in ctx:
        return f"Deze tekst is te lang (maximaal {ctx['max_length']} tekens)."
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "Dit veld mag niet leeg zijn."
    return VALIDATION_MESSAGES.get(kind, "Deze waarde is niet geldig.")


async def _problem_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(
        exc.status, exc.detail, type_=exc.type, title=exc.title, headers=exc.headers, **exc.extensions
    )


async def _validation_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        field = "" if error.get("type") == "json_invalid" else _field_name(tuple(error.get("loc", ())))
        errors.append({"field": field, "detail": _dutch_message(error)})
    if not errors:
        errors.append({"field": "", "detail": STATUS_DETAILS[422]})
    first = errors[0]
    detail = first["detail"] if not first["field"] else f"{first['field']}: {first['detail']}"
    if len(errors) > 1:
        detail += f" (en nog {len(errors) - 1} andere fout{'en' if len(errors) > 2 else ''})"
    return problem_response(
        422, detail, type_=f"{TYPE_PREFIX}invalid-request", title="Ongeldige aanvraag", errors=errors
    )


async def _http_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    own = isinstance(exc.detail, str) and exc.detail and exc.detail != _phrase(exc.status_code)
    detail = exc.detail if own else None
    return problem_response(
        exc.status_code,
        detail or STATUS_DETAILS.get(exc.status_code, "De aanvraag kon niet worden verwerkt."),
        headers=getattr(exc, "headers", None),
    )


async def _unexpected_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(500, STATUS_DETAILS[500])


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem+json."""
    app.add_exception_handler(Problem, _problem_handler)
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(Exception, _unexpected_handler)
