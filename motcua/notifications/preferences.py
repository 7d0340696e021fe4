"""Which channels a person is told on, and in which language.

A citizen with an account chooses in the portal (`NotificationPreference`): e-mail, SMS, the
portal inbox, and the language of the notices. At least one channel stays on (a form that turns
them all off is refused), so a legally required notice (supplement request, refusal, apology)
always has a way to reach them; and if none of the chosen channels can be used (e.g. SMS chosen
but the phone number was removed), the inbox is used.

Without a row (a citizen who never chose, or an applicant at the counter without an account),
`settings.MOTCUA_NOTIFY_DEFAULT_CHANNELS` applies: each channel listed there is used when the
person has what it needs — an e-mail address, a phone number, an account for the inbox.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.phones import phone_normalise
from motcua.core import audit
from motcua.core.errors import ValidationFailed

from .models import NOTICE_LANGUAGES, NotificationPreference

CHANNEL_ORDER = ("email", "sms", "inbox")
DEFAULT_LANGUAGE = "vi"


def default_channels() -> tuple[str, ...]:
    configured = getattr(settings, "MOTCUA_NOTIFY_DEFAULT_CHANNELS", CHANNEL_ORDER)
    return tuple(c for c in CHANNEL_ORDER if c in configured)


@dataclass(frozen=True)
class Route:
    """One message to send: on `channel` to `to` (an address, a phone number, or the user's
    name for the inbox) — and the account, for the inbox."""

    channel: str
    to: str
    user: Any = None


def preference_for(user: Any) -> NotificationPreference | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return NotificationPreference.objects.filter(user=user).first()


def routes_for(*, user: Any, email: str, phone: str) -> tuple[list[Route], str]:
    """The messages to send to a person with this account (or None), e-mail address and phone
    number, and the language to write them in."""
    preference = preference_for(user)
    email = email.strip() or (getattr(user, "email", "") or "").strip()
    phone_number = phone_normalise(phone) or phone_normalise(getattr(user, "phone", "") or "")
    if preference is not None:
        wanted = {c for c in CHANNEL_ORDER if getattr(preference, c)}  # the person's own choice
        language = preference.language
    else:
        wanted = set(default_channels())
        language = DEFAULT_LANGUAGE
    possible = {"email": bool(email), "sms": bool(phone_number), "inbox": user is not None}
    address = {"email": email, "sms": phone_number or "", "inbox": ""}
    chosen = [c for c in CHANNEL_ORDER if c in wanted and possible[c]]
    if not chosen and preference is not None and user is not None:
        chosen = ["inbox"]
    routes = [
        Route(
            channel=c,
            to=address[c] or (user.get_username() if c == "inbox" else ""),
            user=user if c == "inbox" else None,
        )
        for c in chosen
    ]
    return routes, language


def preference_save(
    *, user: Any, actor: Any, email: bool, sms: bool, inbox: bool, language: str
) -> NotificationPreference:
    """Store `user`'s choice (only the user themself); audited. At least one channel must stay
    on; SMS only with a phone number on the account."""
    errors = []
    if actor is None or actor.pk != user.pk:
        raise ValidationFailed(_("You can only change your own notification settings."))
    if not (email or sms or inbox):
        errors.append(_("Keep at least one way to be told about your dossiers."))
    if sms and not phone_normalise(user.phone or ""):
        errors.append(_("Add a phone number to your account to receive SMS."))
    if email and not (user.email or "").strip():
        errors.append(_("Add an e-mail address to your account to receive e-mail."))
    if language not in dict(NOTICE_LANGUAGES):
        errors.append(_("Choose Vietnamese or English."))
    if errors:
        raise ValidationFailed(_("Your notification settings were not saved."), errors=errors)
    with transaction.atomic():
        preference, created = NotificationPreference.objects.select_for_update().get_or_create(
            user=user,
            defaults={"email": email, "sms": sms, "inbox": inbox, "language": language},
        )
        before = {
            "email": preference.email,
            "sms": preference.sms,
            "inbox": preference.inbox,
            "language": preference.language,
        }
        if not created:
            preference.email, preference.sms, preference.inbox = email, sms, inbox
            preference.language = language
            preference.save()
        audit.record(
            action="notification.preferences",
            actor=actor,
            subject=preference,
            data={
                "before": None if created else before,
                "after": {"email": email, "sms": sms, "inbox": inbox, "language": language},
            },
        )
    return preference


def initial_for(user: Any) -> dict[str, Any]:
    """What the preferences form shows: the stored choice, else what the defaults would do."""
    preference = preference_for(user)
    if preference is not None:
        return {
            "email": preference.email,
            "sms": preference.sms,
            "inbox": preference.inbox,
            "language": preference.language,
        }
    routes, language = routes_for(user=user, email="", phone="")
    chosen = {r.channel for r in routes}
    return {c: c in chosen for c in CHANNEL_ORDER} | {"language": language}
