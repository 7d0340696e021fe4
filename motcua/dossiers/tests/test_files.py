"""Files of a dossier: who may add a scan or a result in each status, the file stored under a
random name with its digest and one event in the dossier's chain, bad input and refusals that
store nothing, and a failed transaction that leaves no file behind."""

import hashlib
import re
from collections.abc import Callable

import pytest
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.core import audit
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.documents.tests import samples
from motcua.dossiers import files
from motcua.dossiers.constants import Act, DossierStatus, FilePurpose
from motcua.dossiers.files import (
    dossier_file_add,
    dossier_files,
    dossier_receive_with_files,
    file_rights,
    may_add_file,
)
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.selectors import dossier_verify
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act, dossier_register

from .conftest import Province, receive

pytestmark = pytest.mark.django_db
S = DossierStatus
COMPONENT, RESULT = FilePurpose.COMPONENT, FilePurpose.RESULT


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


def act(province: Province, dossier: Dossier, what: Act, who: str, **data) -> Dossier:
    return dossier_act(dossier=dossier, act=what, actor=province.users[who], data=ActInput(**data))


# --- the dossier in each status --------------------------------------------------------------


def registered(p: Province) -> Dossier:
    return dossier_register(
        procedure=p.procedure,
        agency=p.commune,
        channel=Channel.ONLINE,
        applicant=p.applicant(),
        actor=p.users["citizen"],
        components=[ComponentReceived(component_id=p.procedure.components.get().pk)],
    )


def intake_supplement(p):
    return act(p, registered(p), Act.REQUEST_SUPPLEMENT, Role.RECEPTION_OFFICER, missing=["x"])


def refused(p):
    return act(p, registered(p), Act.REFUSE, Role.RECEPTION_OFFICER, comment="Sai thẩm quyền")


def accepted(p):
    return receive(p)


def at_specialist(p):
    return act(p, accepted(p), Act.FORWARD, Role.RECEPTION_OFFICER)


def supplement(p):
    return act(p, at_specialist(p), Act.REQUEST_SUPPLEMENT, Role.SPECIALIST, missing=["Bản vẽ"])


def in_transfer(p):
    return act(p, at_specialist(p), Act.TRANSFER, Role.SPECIALIST)


def at_head(p):
    return act(p, in_transfer(p), Act.RECEIVE_BACK, "tax_specialist")


def at_clerk(p):
    dossier = act(p, at_head(p), Act.FORWARD, Role.DEPARTMENT_HEAD)
    return act(p, dossier, Act.FORWARD, Role.LEADER)


def processed(p):
    return act(p, at_clerk(p), Act.FINISH, Role.CLERK, result_number="12/GCN")


def returned(p):
    return act(
        p, processed(p), Act.RETURN_RESULT, Role.RECEPTION_OFFICER,
        return_method="counter", recipient_name="Nguyễn Văn An",
    )  # fmt: skip


def withdrawn(p):
    return act(p, at_specialist(p), Act.WITHDRAW, "citizen", comment="Không cần nữa")


R, SP, HEAD, LEAD, CLERK = (
    Role.RECEPTION_OFFICER,
    Role.SPECIALIST,
    Role.DEPARTMENT_HEAD,
    Role.LEADER,
    Role.CLERK,
)
RIGHTS: list[tuple[Callable[[Province], Dossier], S, set[str], set[str]]] = [
    # scene, its status, who may add a component scan, who may add a result
    (registered, S.REGISTERED, {"citizen", R}, set()),
    (intake_supplement, S.INTAKE_SUPPLEMENT_REQUESTED, {"citizen", R}, set()),
    (refused, S.NOT_ACCEPTED, set(), set()),
    (accepted, S.ACCEPTED, {R}, set()),
    (at_specialist, S.IN_PROCESSING, {SP}, set()),
    (supplement, S.SUPPLEMENT_REQUESTED, {"citizen", R, SP}, set()),
    (in_transfer, S.IN_TRANSFER, {"tax_specialist"}, set()),
    (at_head, S.IN_PROCESSING, {HEAD}, set()),
    (at_clerk, S.IN_PROCESSING, {CLERK}, {CLERK, LEAD}),
    (processed, S.PROCESSED, set(), {CLERK, LEAD}),
    (returned, S.RESULT_RETURNED, set(), set()),
    (withdrawn, S.WITHDRAWN, set(), set()),
]


@pytest.mark.parametrize(
    ("scene", "status", "scans", "results"), RIGHTS, ids=[row[0].__name__ for row in RIGHTS]
)
def test_who_may_add_what(province, process, scene, status, scans, results):
    dossier = scene(province)
    assert dossier.status == status
    found = {purpose: set() for purpose in FilePurpose.values}
    for name, user in province.users.items():
        for purpose, allowed in file_rights(dossier, user).items():
            assert may_add_file(dossier, user, purpose) == allowed
            if allowed:
                found[purpose].add(name)
    # Nobody adds an e-receipt: the installation issues it (dossiers.payment_receipts).
    assert found == {COMPONENT: scans, RESULT: results, FilePurpose.RECEIPT: set()}


def test_nobody_anonymous_and_no_unknown_purpose(province, process):
    from django.contrib.auth.models import AnonymousUser

    dossier = registered(province)
    assert file_rights(dossier, AnonymousUser()) == {
        COMPONENT: False,
        RESULT: False,
        FilePurpose.RECEIPT: False,
    }
    assert not may_add_file(dossier, province.users["citizen"], "photo")


# --- adding a file -------------------------------------------------------------------------


def add(province, dossier, who, name="ban-ve.pdf", content=None, purpose=COMPONENT, **kw):
    if purpose == COMPONENT and "component" not in kw:
        kw["component"] = dossier.components.first()
    return dossier_file_add(
        dossier=dossier,
        actor=province.users[who],
        upload=samples.upload(name, samples.pdf() if content is None else content, "text/plain"),
        purpose=purpose,
        **kw,
    )


def snapshot(dossier: Dossier, media) -> tuple:
    fresh = Dossier.objects.get(pk=dossier.pk)
    events = AuditEvent.objects.filter(chain=audit.chain_of(fresh)).count()
    return fresh.status, fresh.version, events, DossierFile.objects.count(), stored_files(media)


def test_a_scan_is_stored_under_a_random_name_with_its_digest_and_one_event(
    province, process, media
):
    dossier = accepted(province)
    before = snapshot(dossier, media)
    row = add(province, dossier, R, name="Bản vẽ thửa đất.pdf")

    row.refresh_from_db()
    assert (row.purpose, row.component, row.uploaded_by) == (
        COMPONENT,
        dossier.components.get(),
        province.users[R],
    )
    assert row.original_name == "Bản vẽ thửa đất.pdf"
    assert row.content_type == "application/pdf"  # sniffed; the browser said text/plain
    assert row.size == len(samples.pdf())
    assert row.sha256 == hashlib.sha256(samples.pdf()).hexdigest()
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", row.file.name)
    assert (media / row.file.name).read_bytes() == samples.pdf()
    with row.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == row.sha256

    # Not an act: status and version stay; one more event, sealed into the chain.
    status, version, events, count, stored = snapshot(dossier, media)
    assert (status, version) == before[:2]
    assert (events, count, stored) == (before[2] + 1, before[3] + 1, [row.file.name])
    event = AuditEvent.objects.filter(chain=audit.chain_of(dossier)).latest("seq")
    assert event.action == "dossier.file_added"
    assert event.actor == province.users[R]
    assert event.data | {"at": ""} == {
        "code": dossier.code,
        "at": "",
        "file_id": row.pk,
        "file": "Bản vẽ thửa đất.pdf",
        "purpose": "component",
        "component": "Đơn đăng ký",
        "content_type": "application/pdf",
        "size": row.size,
        "sha256": row.sha256,
    }
    assert dossier_verify(dossier=dossier) is None


def test_the_applicant_adds_a_photo_while_registered(province, process, media):
    dossier = registered(province)
    row = add(province, dossier, "citizen", name="anh.jpg", content=samples.jpeg())
    assert (row.content_type, row.file.name.endswith(".jpg")) == ("image/jpeg", True)
    assert row.component.component == province.procedure.components.get()


def test_a_result_document_at_the_last_step(province, process, media):
    dossier = at_clerk(province)
    row = add(province, dossier, CLERK, name="Giấy chứng nhận.pdf", purpose=RESULT)
    assert (row.purpose, row.component) == (RESULT, None)
    assert [f.pk for f in dossier_files(dossier, RESULT)] == [row.pk]
    assert list(dossier_files(dossier, COMPONENT)) == []
    # The online return needs it, and now finds it.
    dossier = act(province, dossier, Act.FINISH, CLERK)
    dossier = act(province, dossier, Act.RETURN_RESULT, R, return_method="online")
    assert dossier.status == S.RESULT_RETURNED
    assert dossier_verify(dossier=dossier) is None


@pytest.mark.parametrize(
    ("scene", "who", "purpose"),
    [
        (accepted, SP, COMPONENT),  # the step is the reception's
        (accepted, "outsider", COMPONENT),  # another commune's reception officer
        (accepted, "citizen", COMPONENT),  # past the registration
        (at_specialist, R, COMPONENT),
        (processed, R, COMPONENT),
        (at_specialist, LEAD, RESULT),  # not at the last step yet
        (processed, R, RESULT),
        (returned, CLERK, RESULT),
    ],
)
def test_others_may_not_and_nothing_is_stored(province, process, media, scene, who, purpose):
    dossier = scene(province)
    before = snapshot(dossier, media)
    with pytest.raises(DomainError) as refused:
        add(province, dossier, who, purpose=purpose)
    assert refused.value.code == "act_not_permitted"
    assert "You may not add" in refused.value.message
    assert snapshot(dossier, media) == before


def other_dossiers_component(province):
    return receive(province, name="Lê Thị Khác").components.get()


@pytest.mark.parametrize(
    ("name", "content", "purpose", "component", "problem"),
    [
        ("trang.pdf", samples.HTML, COMPONENT, "own", "is not what its name says"),
        ("rong.pdf", b"", COMPONENT, "own", "is empty"),
        ("to-khai.docx", None, COMPONENT, "own", "Accepted: PDF, JPEG, PNG."),
        ("ket-qua.png", None, RESULT, None, "Accepted: PDF."),
        ("ban-ve.pdf", None, COMPONENT, None, "Choose which component"),
        ("ban-ve.pdf", None, COMPONENT, "other", "Choose which component"),
        ("ket-qua.pdf", None, RESULT, "own", "does not belong to a component"),
    ],
)
def test_bad_input_changes_nothing(
    province, process, media, name, content, purpose, component, problem
):
    dossier = at_clerk(province)  # the clerk may add both here
    components = {
        "own": dossier.components.get(),
        "other": other_dossiers_component(province),
        None: None,
    }
    if content is None:
        content = {"docx": samples.docx(), "png": samples.png()}.get(
            name.rsplit(".", 1)[1], samples.pdf()
        )
    before = snapshot(dossier, media)
    with pytest.raises(ValidationFailed) as refused:
        add(
            province, dossier, CLERK, name=name, content=content, purpose=purpose,
            component=components[component],
        )  # fmt: skip
    assert problem in " ".join([refused.value.message, *refused.value.errors])
    assert snapshot(dossier, media) == before


def test_an_unknown_purpose_is_bad_input(province, process, media):
    dossier = accepted(province)
    with pytest.raises(ValidationFailed):
        add(province, dossier, R, purpose="photo", component=dossier.components.get())
    assert stored_files(media) == []


def test_a_failure_after_storing_deletes_the_file(province, process, media, monkeypatch):
    dossier = accepted(province)
    before = snapshot(dossier, media)

    def broken(*args, **kwargs):
        raise RuntimeError("the audit chain is unavailable")

    monkeypatch.setattr(files, "_record", broken)
    with pytest.raises(RuntimeError):
        add(province, dossier, R)
    assert snapshot(dossier, media) == before
    assert stored_files(media) == []


# --- counter intake with scans -------------------------------------------------------------


def intake(province, scans, **changes):
    component = province.procedure.components.get()
    values = {
        "procedure": province.procedure,
        "agency": province.commune,
        "channel": Channel.DIRECT,
        "applicant": province.applicant(),
        "actor": province.users[R],
        "components": [ComponentReceived(component_id=component.pk, originals=1)],
        "scans": [(component.pk, upload) for upload in scans],
    }
    return dossier_receive_with_files(**(values | changes))


def test_intake_keeps_the_scans_in_the_same_transaction(province, process, media):
    dossier = intake(province, [samples.upload("don.pdf", samples.pdf())])
    assert dossier.status == S.ACCEPTED
    [row] = dossier_files(dossier)
    assert row.component == dossier.components.get()
    assert [e.action for e in AuditEvent.objects.filter(chain=audit.chain_of(dossier))] == [
        "dossier.register",
        "dossier.accept",
        "dossier.file_added",
    ]
    assert stored_files(media) == [row.file.name]
    assert dossier_verify(dossier=dossier) is None


def test_intake_with_a_lying_scan_leaves_no_dossier(province, process, media):
    scans = [samples.upload("don.pdf", samples.pdf()), samples.upload("anh.png", samples.EXE)]
    with pytest.raises(ValidationFailed) as refused:
        intake(province, scans)
    assert refused.value.errors == [
        "The content of “anh.png” is not what its name says: it is not a PNG file."
    ]
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (0, 0)
    assert stored_files(media) == []


def test_intake_with_a_scan_of_a_component_not_received_leaves_nothing(province, process, media):
    with pytest.raises(ValidationFailed):
        intake(province, [samples.upload("don.pdf", samples.pdf())], components=[])
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (0, 0)
    assert stored_files(media) == []


def test_intake_failing_after_a_scan_was_stored_deletes_it(province, process, media, monkeypatch):
    real = files._record
    calls = []

    def fails_the_second_time(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(files, "_record", fails_the_second_time)
    scans = [samples.upload("a.pdf", samples.pdf()), samples.upload("b.png", samples.png())]
    with pytest.raises(RuntimeError):
        intake(province, scans)
    assert len(calls) == 2
    assert (Dossier.objects.count(), DossierFile.objects.count()) == (0, 0)
    assert stored_files(media) == []


def test_a_refused_intake_keeps_no_scans(province, process, media):
    with pytest.raises(DomainError):
        intake(
            province,
            [samples.upload("don.pdf", samples.pdf())],
            outcome=Act.REFUSE,
            data=ActInput(comment="Không đúng thẩm quyền"),
        )
    assert (Dossier.objects.count(), stored_files(media)) == (0, [])
