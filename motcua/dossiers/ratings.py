"""The applicant rates the service for their dossier: once, after the result was returned.

`dossier_rate` is one transaction with the dossier row locked (so two submissions at once give
one rating) and one "dossier.rated" event in the dossier's own audit chain. Rating is not an act
of the status machine: the dossier's status and version do not change.
"""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import nfc

from .constants import DossierStatus
from .models import Dossier, Rating
from .satisfaction import CRITERIA_BY_CODE, Satisfaction

MAX_COMMENT = 2000
RATED_ACTION = "dossier.rated"


def may_rate(dossier: Dossier, user: Any) -> bool:
    """Whether `user` may rate the dossier now: its applicant, result returned, not yet rated.
    (Reads only; `dossier_rate` checks again under the lock.)"""
    return (
        getattr(user, "is_authenticated", False)
        and dossier.applicant_user_id == user.pk
        and dossier.status == DossierStatus.RESULT_RETURNED
        and not Rating.objects.filter(dossier=dossier).exists()
    )


def dossier_rate(
    *,
    dossier: Dossier,
    actor: User,
    overall: str,
    answers: Mapping[str, str] | None = None,
    comment: str = "",
) -> Rating:
    """Record the applicant's rating. Bad input raises ValidationFailed; someone other than the
    applicant, a dossier whose result was not returned, or a second rating DomainError; either
    way nothing is stored."""
    answers = _clean_answers(overall, answers or {})
    comment = nfc(comment.strip())
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(
            _("The rating is not valid."),
            errors=[_("The comment may be at most %(n)d characters.") % {"n": MAX_COMMENT}],
        )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if not (getattr(actor, "is_authenticated", False) and locked.applicant_user_id == actor.pk):
            raise DomainError(
                _("Only the applicant can rate the service for this dossier."),
                code="act_not_permitted",
            )
        if locked.status != DossierStatus.RESULT_RETURNED:
            raise DomainError(
                _("The service can be rated once the result has been returned."),
                code="not_ratable",
            )
        if Rating.objects.filter(dossier=locked).exists():
            raise DomainError(
                _("You have already rated the service for this dossier."), code="already_rated"
            )
        now = timezone.now()
        event = audit.record(
            action=RATED_ACTION,
            actor=actor,
            subject=locked,
            chain=audit.chain_of(locked),
            data={
                "code": locked.code or "",
                "at": now.isoformat(),
                "overall": overall,
                "answers": answers,
                "comment": comment,
            },
        )
        return Rating.objects.create(
            dossier=locked,
            receiving_agency_id=locked.receiving_agency_id,
            procedure_id=locked.procedure_id,
            overall=overall,
            answers=answers,
            comment=comment,
            rated_at=now,
            rated_by=actor,
            event=event,
        )


def _clean_answers(overall: str, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers given (empty ones dropped), each checked against its criterion."""
    errors = []
    if overall not in Satisfaction.values:
        errors.append(_("Choose how satisfied you are overall."))
    cleaned = {}
    for code, value in answers.items():
        criterion = CRITERIA_BY_CODE.get(code)
        if criterion is None:
            errors.append(_("Unknown question “%(code)s”.") % {"code": code})
        elif value and criterion.answer(value) is None:
            errors.append(
                _("“%(answer)s” is not an answer to: %(question)s")
                % {"answer": value, "question": criterion.question}
            )
        elif value:
            cleaned[code] = value
    if errors:
        raise ValidationFailed(_("The rating is not valid."), errors=errors)
    return cleaned
