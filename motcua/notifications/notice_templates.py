"""The wording of every notice: one template per event, channel and language.

`render_notice(event=, channel=, language=, context=)` returns the `Rendered` subject and body
exactly as sent. The text comes from the active `MessageTemplate` an administrator wrote for
(event, channel, language) if there is one, else from the default file shipped with the app
that owns the event, found by Django's template loaders (so `<app>/templates/notices/`):

1. `notices/<event>.<channel>.<language>.txt` (a text written in that language), else
2. `notices/<event>.<channel>.txt` (one text translated with `{% translate %}`).

For e-mail and the inbox the file's first line is `Subject: <subject template>` and the rest
is the body; an SMS has no subject. Both are rendered with Django's template engine, `i18n`
loaded, autoescaping off (these are plain texts, not HTML), inside
`translation.override(language)`; the subject is folded onto one line and the body stripped.
An SMS is folded onto one line and, unless MOTCUA_NOTIFY_SMS_UNACCENTED is False, written
without diacritics (`unaccent`), as Vietnamese SMS usually are: it then fits the GSM 7-bit
alphabet, 160 characters a part.

How to add an event:

1. Pick an id, `<app>.<what happened>` (e.g. `dossiers.accepted`), and write the default
   files under your app's `templates/notices/` for each channel you send on (vi and en).
2. In your AppConfig.ready (or a module imported there), call `register_event(event=...,
   label=..., channels=("email", "sms", "inbox"), sample_context=<callable returning a
   context with every variable the templates use>, help_text=<which variables exist>)`.
   The admin lists registered events, previews a template with the sample context (or with
   `real_context(reference)`, e.g. a dossier chosen by its code) and flags variables the
   context does not have. Notifications never imports the apps that register.
3. Where the event happens, render with `render_notice(...)` and enqueue what it returns
   (`motcua.notifications.services.enqueue_email` / `enqueue_sms` / `enqueue_inbox`) inside the
   act's transaction.
"""

import logging
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.template import (
    Context,
    Engine,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    engines,
)
from django.template.base import FilterExpression, Node, NodeList, Variable, VariableDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import MessageTemplate

log = logging.getLogger(__name__)

CHANNELS = ("email", "sms", "inbox")
WITH_SUBJECT = frozenset({"email", "inbox"})
LANGUAGES = ("vi", "en")
SUBJECT_PREFIX = "Subject:"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


@dataclass(frozen=True)
class NoticeEvent:
    event: str
    label: Any
    channels: tuple[str, ...]
    sample_context: Callable[[], dict[str, Any]]
    help_text: Any = ""
    # Given a reference typed by an administrator (e.g. a dossier code): the context of that
    # real object, or LookupError.
    real_context: Callable[[str], dict[str, Any]] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Source:
    """The template text of one (event, channel, language): subject and body, unrendered."""

    subject: str
    body: str
    origin: str  # "database" or the default file's name


class TemplateInvalid(ValueError):
    """The template text does not compile; the message says where and why (translated)."""


class UnknownEvent(LookupError):
    pass


_EVENTS: dict[str, NoticeEvent] = {}


def register_event(
    *,
    event: str,
    label: Any,
    channels: tuple[str, ...],
    sample_context: Callable[[], dict[str, Any]],
    help_text: Any = "",
    real_context: Callable[[str], dict[str, Any]] | None = None,
) -> NoticeEvent:
    """Make `event` known to the template admin and the preview (idempotent by id)."""
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels for {event}: {sorted(unknown)}")
    registered = NoticeEvent(
        event=event,
        label=label,
        channels=tuple(channels),
        sample_context=sample_context,
        help_text=help_text,
        real_context=real_context,
    )
    _EVENTS[event] = registered
    return registered


def registered_events() -> list[NoticeEvent]:
    return sorted(_EVENTS.values(), key=lambda e: e.event)


def get_event(event: str) -> NoticeEvent:
    try:
        return _EVENTS[event]
    except KeyError:
        raise UnknownEvent(event) from None


# --- sources -----------------------------------------------------------------------------


def default_source(event: str, channel: str, language: str) -> Source:
    """The text shipped with the owning app; TemplateDoesNotExist when there is none."""
    names = [f"notices/{event}.{channel}.{language}.txt", f"notices/{event}.{channel}.txt"]
    for name in names:
        try:
            template = get_template(name)
        except TemplateDoesNotExist:
            continue
        text: str = template.template.source  # type: ignore[attr-defined]
        subject, body = split_subject(text) if channel in WITH_SUBJECT else ("", text)
        return Source(subject=subject, body=body, origin=name)
    raise TemplateDoesNotExist(", ".join(names))


def split_subject(text: str) -> tuple[str, str]:
    """`Subject: …` on the first line, the body after it."""
    first, _newline, rest = text.partition("\n")
    if first.startswith(SUBJECT_PREFIX):
        return first[len(SUBJECT_PREFIX) :].strip(), rest
    return "", text


def active_source(event: str, channel: str, language: str) -> Source:
    """The administrator's active template if any, else the default file."""
    from .models import MessageTemplate

    edited = (
        MessageTemplate.objects.filter(event=event, channel=channel, language=language, active=True)
        .only("subject", "body")
        .first()
    )
    if edited is not None:
        return Source(subject=edited.subject, body=edited.body, origin="database")
    return default_source(event, channel, language)


# --- compiling and rendering -------------------------------------------------------------


def _engine() -> Engine:
    return engines["django"].engine  # type: ignore[attr-defined,no-any-return]


@lru_cache(maxsize=512)
def compile_text(text: str) -> Template:
    """Compile one template text (with `i18n` loaded); TemplateInvalid with a clear message."""
    try:
        return Template("{% load i18n %}" + text, engine=_engine())
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(_("Template error: %(error)s") % {"error": exc}) from exc


def check_source(subject: str, body: str, *, channel: str) -> None:
    """Raise TemplateInvalid when either text does not compile or a subject is missing."""
    if channel in WITH_SUBJECT and not subject.strip():
        raise TemplateInvalid(_("A subject is required for this channel."))
    try:
        compile_text(subject)
    except TemplateInvalid as exc:
        raise TemplateInvalid(_("Subject: %(error)s") % {"error": exc}) from exc
    try:
        compile_text(body)
    except TemplateInvalid as exc:
        raise TemplateInvalid(_("Body: %(error)s") % {"error": exc}) from exc


def render_source(
    source: Source, *, channel: str, language: str, context: dict[str, Any]
) -> Rendered:
    subject_template = compile_text(source.subject) if channel in WITH_SUBJECT else None
    body_template = compile_text(source.body)
    with translation.override(language):
        subject = (
            " ".join(subject_template.render(Context(context, autoescape=False)).split())
            if subject_template is not None
            else ""
        )
        body = body_template.render(Context(context, autoescape=False)).strip()
    if channel == "sms":
        body = " ".join(body.split())
        if getattr(settings, "MOTCUA_NOTIFY_SMS_UNACCENTED", True):
            body = unaccent(body)
    return Rendered(subject=subject, body=body)


def unaccent(text: str) -> str:
    """Vietnamese without diacritics, case kept ("Hồ sơ Đã" → "Ho so Da"): the usual practice
    for SMS, which then fits the GSM 7-bit alphabet (160 characters a part instead of 70)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    )


def render_notice(*, event: str, channel: str, language: str, context: dict[str, Any]) -> Rendered:
    """The subject and body of `event`'s message on `channel` in `language`, as sent."""
    source = active_source(event, channel, language)
    return render_source(source, channel=channel, language=language, context=context)


# --- unknown variables -------------------------------------------------------------------


def unknown_variables(text: str, context: dict[str, Any]) -> list[str]:
    """The variables `text` uses that `context` does not have (sorted): a typo in a template
    renders as nothing, so the admin flags them before saving. Loop and `with` variables and
    those given to `blocktranslate with` count as known."""
    template = compile_text(text)
    bound: set[str] = {"forloop", "block"}
    used: list[Variable] = []
    for node in _walk_nodes(template.nodelist):
        bound.update(getattr(node, "loopvars", None) or ())  # {% for x in … %}
        bound.update((getattr(node, "extra_context", None) or {}).keys())  # with, blocktranslate
        for var_name in ("asvar", "var_name"):
            value = getattr(node, var_name, None)
            if isinstance(value, str):
                bound.add(value)
        for token_list in ("singular", "plural"):
            for token in getattr(node, token_list, None) or ():
                if (
                    getattr(token, "token_type", None) is not None
                    and token.token_type.name == "VAR"
                ):
                    used.append(Variable(token.contents))
        for expression in _expressions(node):
            if isinstance(expression.var, Variable):
                used.append(expression.var)
            for _func, args in expression.filters:
                for lookup, arg in args:
                    if lookup and isinstance(arg, Variable):
                        used.append(arg)
    missing = set()
    ctx = Context(context)
    for variable in used:
        if variable.lookups is None or variable.lookups[0] in bound:
            continue
        try:
            variable.resolve(ctx)
        except VariableDoesNotExist:
            missing.add(variable.var)
        except Exception:  # a property failing on sample data is not a typo
            log.debug("variable %s could not be checked", variable.var, exc_info=True)
    return sorted(str(m) for m in missing)


def _walk_nodes(nodelist: NodeList) -> Iterator[Node]:
    for node in nodelist:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            child = getattr(node, attr, None)
            if child:
                yield from _walk_nodes(child)
        for _condition, child in getattr(node, "conditions_nodelists", ()) or ():
            yield from _walk_nodes(child)


def _expressions(node: Node) -> Iterator[FilterExpression]:
    seen: set[int] = set()

    def visit(value: Any, depth: int) -> Iterator[FilterExpression]:
        if depth > 6 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, FilterExpression):
            yield value
        elif isinstance(value, (list, tuple)):
            for item in value:
                if not isinstance(item, (Node, NodeList)):
                    yield from visit(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                yield from visit(item, depth + 1)
        elif (
            hasattr(value, "__dict__")
            and not isinstance(value, (Node, NodeList, type))
            and type(value).__module__.startswith("django.template")
        ):
            # Conditions of {% if %} (smartif operators and literals) hold expressions.
            for item in vars(value).values():
                yield from visit(item, depth + 1)

    for attr, value in vars(node).items():
        if attr in ("nodelist", "origin", "token") or isinstance(value, (Node, NodeList)):
            continue
        yield from visit(value, 0)


# --- administrators' templates (services) ------------------------------------------------


def message_template_save(
    *,
    event: str,
    channel: str,
    language: str,
    subject: str,
    body: str,
    actor: Any,
    active: bool = True,
) -> "MessageTemplate":
    """Store the administrator's wording of (event, channel, language), replacing the one
    there; TemplateInvalid (nothing saved) when it does not compile; audited."""
    from motcua.core import audit

    from .models import MessageTemplate

    registered = get_event(event)
    if channel not in registered.channels:
        raise TemplateInvalid(
            _("The event “%(event)s” is not sent on this channel.") % {"event": event}
        )
    if language not in LANGUAGES:
        raise TemplateInvalid(_("Choose Vietnamese or English."))
    subject = subject.strip() if channel in WITH_SUBJECT else ""
    check_source(subject, body, channel=channel)
    with transaction.atomic():
        template, created = MessageTemplate.objects.select_for_update().get_or_create(
            event=event,
            channel=channel,
            language=language,
            defaults={"subject": subject, "body": body, "active": active, "updated_by": actor},
        )
        if not created:
            template.subject, template.body, template.active = subject, body, active
            template.updated_by = actor
            template.save()
        audit.record(
            action="notification.template_saved",
            actor=actor,
            subject=template,
            data={
                "event": event,
                "channel": channel,
                "language": language,
                "active": active,
                "subject": subject,
                "body": body,
            },
        )
    return template


def message_template_reset(*, template: "MessageTemplate", actor: Any) -> bool:
    """Back to the default file: the template is deactivated (kept, with its history);
    False if it was not active. Audited."""
    from motcua.core import audit

    from .models import MessageTemplate

    with transaction.atomic():
        updated = MessageTemplate.objects.filter(pk=template.pk, active=True).update(
            active=False, updated_by=actor, updated_at=timezone.now()
        )
        if updated:
            audit.record(
                action="notification.template_reset",
                actor=actor,
                subject=template,
                data={
                    "event": template.event,
                    "channel": template.channel,
                    "language": template.language,
                },
            )
    return bool(updated)
