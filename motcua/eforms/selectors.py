"""Reads of e-forms and drafts. A draft is only ever read through its owner: these selectors
return nothing for anyone else, so a view built on them cannot show another citizen's draft."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalogue.constants import OnlineType, PublicationStatus
from motcua.catalogue.models import Component, Procedure
from motcua.documents.uploads import KINDS

from .constants import FieldType
from .models import Draft, DraftFile, EForm

# Every component accepts scans and photos, and Word for declarations filled in on a computer
# (the catalogue says nothing narrower).
DRAFT_KINDS = frozenset({"pdf", "jpeg", "png", "docx"})
MAX_FILES_PER_COMPONENT = 10


@dataclass(frozen=True)
class FormDefinition:
    """The e-form a procedure offers: the administrator's published one (version ≥ 1) or the
    default form (version 0, custom False)."""

    definition: dict[str, Any]
    version: int
    custom: bool


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def offered_online(procedure: Procedure) -> bool:
    """Whether citizens may apply online: published, valid today and full or partial online."""
    return (
        procedure.status == PublicationStatus.PUBLISHED
        and procedure.is_valid_on(timezone.localdate())
        and procedure.online_type in (OnlineType.FULL, OnlineType.PARTIAL)
    )


def eform_for(procedure: Procedure) -> FormDefinition:
    """The form citizens fill in for `procedure`: its published e-form, or the default one."""
    eform = EForm.objects.filter(procedure=procedure, status=PublicationStatus.PUBLISHED).first()
    if eform is None:
        return FormDefinition(definition=default_definition(), version=0, custom=False)
    return FormDefinition(definition=eform.definition, version=eform.version, custom=True)


def default_definition() -> dict[str, Any]:
    """The applicant's basic details, for a procedure whose administrator wrote no e-form."""
    return {
        "title": {"vi": "Thông tin người nộp hồ sơ", "en": "About the applicant"},
        "fields": [
            {
                "key": "applicant_name",
                "type": FieldType.TEXT.value,
                "label": {"vi": "Họ, chữ đệm và tên", "en": "Full name"},
                "required": True,
                "max_length": 200,
                "prefill": "full_name",
            },
            {
                "key": "applicant_id_number",
                "type": FieldType.CITIZEN_ID.value,
                "label": {"vi": "Số định danh cá nhân", "en": "Personal identification number"},
                "help": {
                    "vi": "12 chữ số, in trên thẻ căn cước.",
                    "en": "12 digits, printed on the identity card.",
                },
                "required": True,
                "prefill": "citizen_id",
            },
            {
                "key": "applicant_phone",
                "type": FieldType.PHONE.value,
                "label": {"vi": "Số điện thoại", "en": "Phone number"},
                "required": True,
                "prefill": "phone",
            },
            {
                "key": "applicant_email",
                "type": FieldType.EMAIL.value,
                "label": {"vi": "Thư điện tử", "en": "E-mail address"},
                "prefill": "email",
            },
            {
                "key": "applicant_address",
                "type": FieldType.TEXT.value,
                "label": {"vi": "Nơi cư trú", "en": "Place of residence"},
                "required": True,
                "max_length": 500,
            },
            {
                "key": "request",
                "type": FieldType.TEXTAREA.value,
                "label": {"vi": "Nội dung đề nghị", "en": "What you ask for"},
                "help": {
                    "vi": "Ghi thêm điều cần trình bày với cơ quan giải quyết, nếu có.",
                    "en": "Anything you want to tell the agency, if there is something.",
                },
                "max_length": 2000,
            },
        ],
    }


def draft_for(*, user: Any, procedure: Procedure) -> Draft | None:
    """The user's open draft for the procedure; None for anyone else, or anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Draft.objects.filter(owner=user, procedure=procedure).first()


def drafts_of(*, user: Any) -> QuerySet[Draft]:
    """The user's drafts, the latest changed first, with their procedures (a "my drafts" list,
    to go on from another device)."""
    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return Draft.objects.filter(owner=user).select_related("procedure").order_by("-updated_at")


def draft_files(draft: Draft) -> list[DraftFile]:
    """The files of a draft, oldest first (the caller already has the draft through its owner)."""
    return list(DraftFile.objects.filter(draft=draft).order_by("uploaded_at", "id"))


def draft_file_get(*, user: Any, file_id: int) -> DraftFile | None:
    """One file of one of the user's drafts (for a download view); None for anyone else."""
    if not getattr(user, "is_authenticated", False):
        return None
    return DraftFile.objects.filter(pk=file_id, draft__owner=user).select_related("draft").first()


@dataclass
class Slot:
    """One upload slot of the application: a component of the procedure and its files."""

    component: Component
    files: list[DraftFile] = field(default_factory=list)
    error: str = ""  # set by the page when an upload for this slot was refused

    @property
    def input_name(self) -> str:
        return f"component-{self.component.pk}"

    @property
    def conditional(self) -> bool:
        """Needed only in a case (e.g. "Trẻ sinh ra do mang thai hộ")."""
        return bool(self.component.case.strip())

    @property
    def rule(self) -> str:
        """How many originals and copies the published record asks for, in words."""
        c = self.component
        if c.originals is None and c.copies is None:
            return _("The published record does not say how many originals or copies.")
        unknown = "—"
        return _("Originals: %(originals)s; copies: %(copies)s") % {
            "originals": unknown if c.originals is None else c.originals,
            "copies": unknown if c.copies is None else c.copies,
        }

    @property
    def full(self) -> bool:
        return len(self.files) >= MAX_FILES_PER_COMPONENT


def component_slots(*, procedure: Procedure, draft: Draft | None) -> list[Slot]:
    """One slot per component of the procedure, in its order, with the draft's files for it.
    Files whose component is gone (the catalogue was re-imported) are in `orphan_files`."""
    slots = [Slot(component=c) for c in procedure.components.order_by("position", "id")]
    by_id = {slot.component.pk: slot for slot in slots}
    for row in draft_files(draft) if draft is not None else []:
        slot = by_id.get(row.component_id) if row.component_id else None
        if slot is not None:
            slot.files.append(row)
    return slots


def orphan_files(draft: Draft) -> list[DraftFile]:
    """Files of the draft whose component no longer exists (re-imported catalogue)."""
    return list(DraftFile.objects.filter(draft=draft, component__isnull=True))


def upload_hint() -> str:
    """The accepted kinds of file and the size limit, for the upload slots."""
    kinds = ", ".join(KINDS[key].label for key in KINDS if key in DRAFT_KINDS)
    return _("Accepted: %(kinds)s; at most %(size)s per file.") % {
        "kinds": kinds,
        "size": filesizeformat(max_upload_bytes()),
    }


def accept_attribute() -> str:
    """The file input's `accept` attribute (a hint to the browser; the content is checked)."""
    return ",".join(ext for key in KINDS if key in DRAFT_KINDS for ext in KINDS[key].extensions)


def draft_file_open(draft_file: DraftFile) -> File:
    """The stored file opened for reading, named as it was uploaded (so that it can be checked
    and kept again, e.g. by dossiers.files.dossier_file_add). The caller closes it."""
    handle = draft_file.file.storage.open(draft_file.file.name or "", "rb")
    return File(handle, name=draft_file.original_name)
