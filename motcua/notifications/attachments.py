"""Attachments the worker renders when it first sends a message, instead of the act that queued
it: a PDF slip takes a third of a second to render, which an act should not spend holding its
dossier's locks.

The app that owns the document registers a renderer by name (in its AppConfig.ready; the
notifications app never imports it) and queues a `Rendered` attachment naming it with JSON
parameters. The first delivery attempt calls the renderer, stores the bytes under
`notifications/<key>/<name>` and records the path on the message, so every later attempt (a
retry, a resend after a killed worker) attaches the very same file.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .models import Message

Renderer = Callable[..., bytes | None]  # None: the document no longer applies; sent without it

_RENDERERS: dict[str, Renderer] = {}


@dataclass(frozen=True)
class Rendered:
    """An attachment made by the renderer registered as `renderer`, called with `params`."""

    name: str
    content_type: str
    renderer: str
    params: dict[str, Any] = field(default_factory=dict)


def register_renderer(name: str, func: Renderer) -> None:
    _RENDERERS[name] = func


def stored_attachments(message: Message) -> list[dict[str, Any]]:
    """The message's attachments, each with its stored `path`: those still to be rendered are
    rendered and stored now, and the message records their paths."""
    items = [dict(item) for item in message.attachments]
    pending = [item for item in items if "path" not in item]
    if not pending:
        return [item for item in items if item["path"] is not None]
    for item in pending:
        try:
            render = _RENDERERS[item["renderer"]]
        except KeyError:
            raise LookupError(f"no attachment renderer named {item['renderer']!r}") from None
        content = render(**item["params"])
        item["path"] = (
            None
            if content is None
            else default_storage.save(
                f"notifications/{message.idempotency_key}/{item['name']}", ContentFile(content)
            )
        )
    Message.objects.filter(pk=message.pk).update(attachments=items)
    message.attachments = items
    return [item for item in items if item["path"] is not None]
