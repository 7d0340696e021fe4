"""The e-form answers of a dossier (submitted online, kept in `form_data`): read them as rows
people understand, and let the reception officer correct one at intake.

Reads: `dossier_form` finds the form the answers were given in (the default form for version
0, else the procedure's e-form, whose current definition is the only one kept: answers of
fields it no longer has are shown raw); `dossier_answers` gives the rows
(eforms.display.Answer); `answers_correctable` says whether a user may correct them now and
`editable_answers` what each answer's input shows.

Write: `dossier_answer_correct` changes one answer, checked against the form's rules, in one
transaction with an event "dossier.answer_corrected" in the dossier's chain (the field, its
old and new value, who). Only a reception officer of the receiving agency may, and only before
acceptance, while the dossier waits at the one-stop desk.
"""

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.eforms.answers import APPLICANT_KEYS, validate_answers
from motcua.eforms.constants import FieldType
from motcua.eforms.display import Answer, answer_rows, form_spec, format_value
from motcua.eforms.models import EForm
from motcua.eforms.selectors import default_definition
from motcua.eforms.spec import FieldSpec, FormSpec, GroupSpec
from motcua.eforms.values import Invalid, clean, holds, is_empty, parse_date, required_message

from .constants import DossierStatus
from .models import Dossier
from .selectors import actor_roles

T = FieldType
# Before acceptance, while the one-stop desk holds the dossier.
CORRECTABLE_STATUSES = frozenset(
    {DossierStatus.REGISTERED, DossierStatus.INTAKE_SUPPLEMENT_REQUESTED}
)
ACTION = "dossier.answer_corrected"


@dataclass(frozen=True)
class DossierForm:
    """The form of a dossier's answers: `spec` None when it is gone (answers shown raw);
    `changed` when the e-form was changed after the answers were given."""

    spec: FormSpec | None
    version: int | None
    current_version: int | None

    @property
    def changed(self) -> bool:
        return self.spec is not None and self.version != self.current_version


def dossier_form(dossier: Dossier) -> DossierForm:
    if dossier.form_version == 0:
        return DossierForm(form_spec(default_definition()), 0, 0)
    eform = EForm.objects.filter(procedure_id=dossier.procedure_id).first()
    if eform is None:
        return DossierForm(None, dossier.form_version, None)
    return DossierForm(form_spec(eform.definition), dossier.form_version, eform.version)


def dossier_answers(dossier: Dossier, form: DossierForm | None = None) -> list[Answer]:
    """The dossier's answers as rows, in the form's order, unknown ones raw at the end."""
    if not dossier.form_data:
        return []
    form = form or dossier_form(dossier)
    return answer_rows(form.spec, dossier.form_data)


def answers_in_brief(dossier: Dossier, *, limit: int = 900) -> tuple[list[str], bool]:
    """The answers as "label: value" texts for a slip, without the applicant's details the
    slip already prints (applicant_name, …), a group as its rows in brackets; at most about
    `limit` characters in all (True when some were left out)."""
    texts: list[str] = []
    for answer in dossier_answers(dossier):
        if answer.key in APPLICANT_KEYS:
            continue
        if answer.is_group:
            rows = [
                f"{row.label} ({'; '.join(f'{a.label}: {a.value}' for a in row.answers)})"
                for row in answer.rows
            ]
            texts.append(f"{answer.label}: {'; '.join(rows)}")
        else:
            texts.append(f"{answer.label}: {answer.value}")
    kept: list[str] = []
    length = 0
    for text in texts:
        length += len(text) + 2
        if length > limit:
            return kept, True
        kept.append(text)
    return kept, False


def answers_correctable(*, dossier: Dossier, user: Any) -> bool:
    """Whether `user` may correct the answers now (see the module doc)."""
    return (
        bool(dossier.form_data)
        and dossier.status in CORRECTABLE_STATUSES
        and Role.RECEPTION_OFFICER
        in actor_roles(dossier=dossier, user=user, agencies=[dossier.receiving_agency])
    )


@dataclass(frozen=True)
class EditableAnswer:
    """What the correction form of one answer shows: its input's kind and current content."""

    path: str
    label: str
    type: str
    value: str  # the text of a text input: dates dd/mm/yyyy, numbers with a decimal comma
    chosen: tuple[str, ...]  # the options chosen (choices, yes/no as "true"/"false")
    options: tuple[tuple[str, str], ...]
    required: bool

    @property
    def input_id(self) -> str:
        """ "answer-birth-date", "answer-parents--1--parent-name" (unique: keys have no "-")."""
        return "answer-" + self.path.replace("_", "-").replace(".", "--")


def editable_answers(
    dossier: Dossier, form: DossierForm | None = None
) -> dict[str, EditableAnswer]:
    """Every answered field the form still has and shows, by path (fields of group rows too)."""
    spec = (form or dossier_form(dossier)).spec
    answers = dossier.form_data if isinstance(dossier.form_data, Mapping) else {}
    if spec is None:
        return {}
    found: dict[str, EditableAnswer] = {}
    for item in spec.items:
        if item.key not in answers or not _shown(spec, item, answers):
            continue
        if isinstance(item, GroupSpec):
            rows = answers[item.key] if isinstance(answers[item.key], list) else []
            for index, row in enumerate(rows):
                if not isinstance(row, Mapping):
                    continue
                for field in item.fields:
                    if field.key in row and _shown(spec, field, answers, row):
                        path = f"{item.key}.{index}.{field.key}"
                        label = f"{item.row_label(index)}: {field.label}"
                        found[path] = _editable(field, path, label, row[field.key])
        else:
            found[item.key] = _editable(item, item.key, str(item.label), answers[item.key])
    return found


def _editable(spec: FieldSpec, path: str, label: str, raw: Any) -> EditableAnswer:
    value = ""
    chosen: tuple[str, ...] = ()
    if spec.type == T.BOOLEAN:
        chosen = ("true",) if raw is True else ("false",)
    elif spec.type in (T.SELECT, T.RADIO):
        chosen = (str(raw),)
    elif spec.type == T.CHECKBOX:
        chosen = tuple(str(item) for item in raw) if isinstance(raw, list) else (str(raw),)
    elif spec.type == T.DATE and (day := parse_date(raw)) is not None:
        value = day.strftime("%d/%m/%Y")
    elif spec.type == T.NUMBER and not isinstance(raw, bool):
        value = str(raw).replace(".", ",")
    elif raw is not None:
        value = str(raw)
    options = tuple((option.value, str(option.label)) for option in spec.options)
    return EditableAnswer(path, label, spec.type, value, chosen, options, spec.required)


def _shown(
    spec: FormSpec,
    item: FieldSpec | GroupSpec,
    answers: Mapping[str, Any],
    row: Mapping[str, Any] | None = None,
) -> bool:
    """Whether the item's `show_if` holds, against its group row for a field of the same row,
    else against the form's answers (keys are unique in a form)."""
    condition = item.show_if
    if condition is None:
        return True
    values = row if row is not None and condition.field in row else answers
    return holds(condition, spec.field(condition.field), values.get(condition.field))


# --- the correction ---------------------------------------------------------------------------


def dossier_answer_correct(
    *,
    dossier: Dossier,
    path: str,
    value: Any,
    actor: User,
    expected_version: int | None = None,
) -> Dossier:
    """Change the answer at `path` ("child_name", "members.0.member_name") to `value` (as typed;
    a list for check boxes; empty to clear an optional answer) as `actor`.

    Refused with DomainError "act_not_permitted" for anyone but a reception officer of the
    receiving agency, "answers_locked" once the dossier left reception, "stale_version" when it
    changed since `expected_version`; ValidationFailed for a value that breaks the field's
    rules, for no change, or when the change would leave another answer missing. The answers
    of fields the change hides (`show_if`) are removed and recorded in the event. An answer that
    also names the applicant (applicant_name, …_phone, …) updates the dossier's applicant."""
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if Role.RECEPTION_OFFICER not in actor_roles(
            dossier=locked, user=actor, agencies=[locked.receiving_agency]
        ):
            raise DomainError(
                _("Only a reception officer of %(agency)s may correct the answers.")
                % {"agency": locked.receiving_agency.name},
                code="act_not_permitted",
            )
        if locked.status not in CORRECTABLE_STATUSES or not locked.form_data:
            raise DomainError(
                _("The answers can only be corrected before the dossier is accepted."),
                code="answers_locked",
            )
        if expected_version is not None and expected_version != locked.version:
            raise DomainError(
                _("The dossier was changed by someone else after you opened it; reload it."),
                code="stale_version",
            )
        form = dossier_form(locked)
        editable = editable_answers(locked, form)
        if form.spec is None or path not in editable:
            raise ValidationFailed(_("This answer cannot be corrected: the form does not ask it."))
        spec = form.spec.field(path.rsplit(".", 1)[-1])
        with translation.override("vi"):  # the record names the field as the form does
            label = editable_answers(locked, form)[path].label
        old_answers = locked.form_data
        new = _clean_value(spec, value, label)
        old = _get(old_answers, path)
        if new == old:
            raise ValidationFailed(_("The new answer is the same as the current one."))
        answers = copy.deepcopy(old_answers)
        _set(answers, path, new)
        dropped = _drop_hidden(form.spec, answers)
        _check_nothing_missing(form.spec, old_answers, answers)
        locked.form_data = answers
        if "." not in path and path in APPLICANT_KEYS:
            setattr(locked, f"applicant_{APPLICANT_KEYS[path]}", "" if new is None else str(new))
        locked.version += 1
        locked.save()
        audit.record(
            action=ACTION,
            actor=actor,
            subject=locked,
            chain=audit.chain_of(locked),
            data={
                "code": locked.code or "",
                "at": timezone.now().isoformat(),
                "field": path,
                "label": label,
                "old": old,
                "new": new,
                "old_text": _in_words(spec, old),
                "new_text": _in_words(spec, new),
                **({"removed": dropped} if dropped else {}),
            },
        )
    return locked


def _in_words(spec: FieldSpec, value: Any) -> str:
    with translation.override("vi"):
        return format_value(spec, value)


def _clean_value(spec: FieldSpec, value: Any, label: str) -> Any:
    if is_empty(spec, value):
        if spec.required:
            raise ValidationFailed(required_message(spec, label))
        return False if spec.type == T.BOOLEAN else None
    try:
        return clean(spec, value, label=label, today=timezone.localdate())
    except Invalid as invalid:
        raise ValidationFailed(invalid.message) from None


def _get(answers: Mapping[str, Any], path: str) -> Any:
    group, _dot, rest = path.partition(".")
    if not rest:
        return answers.get(path)
    index, _dot, key = rest.partition(".")
    return answers[group][int(index)].get(key)


def _set(answers: dict[str, Any], path: str, value: Any) -> None:
    group, _dot, rest = path.partition(".")
    target = answers
    if rest:
        index, _dot, path = rest.partition(".")
        target = answers[group][int(index)]
    if value is None:
        target.pop(path, None)
    else:
        target[path] = value


def _drop_hidden(spec: FormSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """Remove the answers of items whose `show_if` no longer holds, in form order (a hidden
    controller hides what depends on it); returns them by path."""
    dropped: dict[str, Any] = {}
    for item in spec.items:
        if item.key not in answers:
            continue
        if not _shown(spec, item, answers):
            dropped[item.key] = answers.pop(item.key)
            continue
        if isinstance(item, GroupSpec) and isinstance(answers[item.key], list):
            for index, row in enumerate(answers[item.key]):
                if not isinstance(row, dict):
                    continue
                for field in item.fields:
                    if field.key in row and not _shown(spec, field, answers, row):
                        dropped[f"{item.key}.{index}.{field.key}"] = row.pop(field.key)
    return dropped


def _check_nothing_missing(
    spec: FormSpec, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """The change may not break the rest of the form (e.g. ticking a box that makes a required
    field appear): problems it adds are refused; those the answers already had are not."""
    _clean, old_errors = validate_answers(spec, before)
    _clean, new_errors = validate_answers(spec, after)
    added = [message for where, message in new_errors.items() if old_errors.get(where) != message]
    if added:
        raise ValidationFailed(
            _("This change would leave the form incomplete; nothing was changed."), errors=added
        )
