"""The applicant answers a supplement request online: the missing papers as files, then
"supplement received" (states: RECEIVE_SUPPLEMENT), in one transaction.

A missing paper of the latest request (Mẫu 02 lists them as text) is filed under the dossier's
component of the same name, or under a new component of that name when the dossier has none;
a file may also be added to a component already handed in. Every upload is checked before
anything is written; if a file or the act is refused, no file, component or event is left.
Receiving the supplement resumes the legal clock as the act does everywhere (act_clock.resume:
restart or extend per procedure, a new appointment).
"""

from collections.abc import Sequence

from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.text import fold, nfc
from motcua.documents.uploads import check_upload

from .constants import Act, DossierStatus, FilePurpose
from .files import COMPONENT_KINDS, delete_stored, dossier_file_add, max_upload_bytes
from .models import Dossier, DossierComponent, DossierFile
from .public import latest_supplement_request
from .services import ActInput, dossier_act

ANSWERABLE = frozenset(
    {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.INTAKE_SUPPLEMENT_REQUESTED}
)


def dossier_supplement_answer(
    *,
    dossier: Dossier,
    actor: User,
    missing_uploads: Sequence[tuple[int, File]] = (),
    component_uploads: Sequence[tuple[int, File]] = (),
    expected_version: int | None = None,
) -> Dossier:
    """`missing_uploads` pairs the position (0-based) of a paper in the latest request's list
    with a file; `component_uploads` the id of one of the dossier's components with a file.
    At least one file is needed. Returns the dossier after "supplement received"."""
    uploads = [upload for _, upload in (*missing_uploads, *component_uploads)]
    if not uploads:
        raise ValidationFailed(
            _("Nothing was sent."), errors=[_("Attach at least one file of the missing papers.")]
        )
    errors = []
    for upload in uploads:
        try:
            check_upload(upload, allowed=COMPONENT_KINDS, max_bytes=max_upload_bytes())
        except ValidationFailed as error:
            errors += error.errors or [error.message]
    if errors:
        raise ValidationFailed(_("The files were not accepted."), errors=errors)
    added: list[DossierFile] = []
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            if locked.status not in ANSWERABLE or locked.applicant_user_id != actor.pk:
                raise DomainError(
                    _("No supplement is asked of you for this dossier now."),
                    code="act_not_permitted",
                )
            targets = _targets(locked, missing_uploads, component_uploads)
            for component, upload in targets:
                added.append(
                    dossier_file_add(
                        dossier=locked,
                        actor=actor,
                        upload=upload,
                        purpose=FilePurpose.COMPONENT,
                        component=component,
                    )
                )
            return dossier_act(
                dossier=locked,
                act=Act.RECEIVE_SUPPLEMENT,
                actor=actor,
                data=ActInput(expected_version=expected_version),
            )
    except BaseException:
        for row in added:
            delete_stored(row.file)
        raise


def _targets(
    dossier: Dossier,
    missing_uploads: Sequence[tuple[int, File]],
    component_uploads: Sequence[tuple[int, File]],
) -> list[tuple[DossierComponent, File]]:
    components = list(dossier.components.all())
    by_id = {component.pk: component for component in components}
    by_name = {fold(component.name): component for component in components}
    request = latest_supplement_request(dossier)
    missing = request.missing if request is not None else ()
    targets = []
    for index, upload in missing_uploads:
        if not 0 <= index < len(missing):
            raise ValidationFailed(_("A file was attached to a paper that was not asked for."))
        name = nfc(missing[index].strip())
        component = by_name.get(fold(name))
        if component is None:
            component = by_name[fold(name)] = _new_component(dossier, name)
        targets.append((component, upload))
    for component_id, upload in component_uploads:
        component = by_id.get(component_id)
        if component is None:
            raise ValidationFailed(_("A file was attached to a paper that is not in this dossier."))
        targets.append((component, upload))
    return targets


def _new_component(dossier: Dossier, name: str) -> DossierComponent:
    last = dossier.components.aggregate(last=Max("position"))["last"] or 0
    return DossierComponent.objects.create(
        dossier=dossier, position=last + 1, name=name[:2000], originals=0, copies=0
    )
