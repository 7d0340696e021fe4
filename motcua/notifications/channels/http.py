"""One HTTP POST for the SMS gateway and webhooks (stdlib; redirects are not followed)."""

import urllib.error
import urllib.request
from dataclasses import dataclass

from . import RESPONSE_SNIPPET

MAX_BODY = 64 * 1024  # bytes of a response read (the rest is not needed)


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def snippet(self) -> str:
        return self.body.decode("utf-8", errors="replace")[:RESPONSE_SNIPPET]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A 3xx is the receiver's answer, not an instruction to post the payload elsewhere."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """POST `body`; any HTTP status is returned, a network error or timeout raises (OSError)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an http(s) URL: {url!r}")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return Response(answer.status, answer.read(MAX_BODY))
    except urllib.error.HTTPError as error:
        with error:
            return Response(error.code, error.read(MAX_BODY))
