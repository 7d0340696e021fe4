"""Every API error answers as RFC 7807 problem+json, in the request's language.

Domain errors keep their `code` as an extension member, so a client can tell them apart
without parsing the translated `detail`:
- ValidationFailed (bad input a service found) -> 400, its messages in `errors.non_field_errors`;
- a DomainError whose code says the caller may not do it (`act_not_permitted`) -> 403;
- any other DomainError (the dossier's state, the process or the data say no) -> 409.
"""

from http import HTTPStatus
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from motcua.core.errors import DomainError, ValidationFailed

FORBIDDEN_CODES = frozenset({"act_not_permitted"})

# DRF's own Vietnamese catalogue lacks these messages, which our endpoints answer often; they
# are translated in this app's catalogue (listed here so makemessages keeps them).
DRF_MESSAGES = (
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("A valid integer is required."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop("Invalid page."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this field has no more than {max_length} elements."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop("Not a valid string."),
)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed):
        errors = {api_settings.NON_FIELD_ERRORS_KEY: exc.errors}
        return _problem(status.HTTP_400_BAD_REQUEST, exc.message, errors=errors, code=exc.code)
    if isinstance(exc, DomainError):
        code = (
            status.HTTP_403_FORBIDDEN if exc.code in FORBIDDEN_CODES else status.HTTP_409_CONFLICT
        )
        return _problem(code, exc.message, code=exc.code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return _problem(response.status_code, _("Invalid input."), errors=response.data)
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
    return _problem(response.status_code, str(detail), headers=response.headers)


def _problem(
    status_code: int,
    detail: str,
    *,
    errors: Any = None,
    headers: Any = None,
    code: str | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if code is not None:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    response = Response(body, status=status_code, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        if name.lower() in {"allow", "retry-after", "www-authenticate"}:
            response[name] = value
    return response
