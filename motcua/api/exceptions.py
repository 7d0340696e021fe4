"""Every API error answers as RFC 7807 problem+json, in the request's language."""

from http import HTTPStatus
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from motcua.core.errors import DomainError, ValidationFailed


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed):
        return _problem(status.HTTP_400_BAD_REQUEST, exc.message, errors={"rows": exc.errors})
    if isinstance(exc, DomainError):
        return _problem(status.HTTP_409_CONFLICT, exc.message)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return _problem(response.status_code, _("Invalid input."), errors=response.data)
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    return _problem(response.status_code, str(detail), headers=response.headers)


def _problem(code: int, detail: str, *, errors: Any = None, headers: Any = None) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(code).phrase,
        "status": code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=code, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        if name.lower() in {"allow", "retry-after", "www-authenticate"}:
            response[name] = value
    return response
