"""The citizen's e-warehouse (dossiers.warehouse, dossiers.warehouse_reuse): papers collected at
acceptance, e-results at the return, each once; signed results recognised; re-use of a document
in a new application recorded on the component (DuocTaiSuDung); another citizen's document
refused with nothing kept. The scenes here serve the portal's tests too."""

from datetime import date

import pytest
from django.core.cache import cache

from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel, OnlineType
from motcua.core.errors import ValidationFailed
from motcua.core.models import AuditEvent
from motcua.documents import engine
from motcua.documents.tests import samples
from motcua.dossiers.constants import Act, FilePurpose, ReturnMethod
from motcua.dossiers.files import dossier_file_add
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import ActInput, ComponentReceived, dossier_act, dossier_register
from motcua.dossiers.tests.conftest import Province, build_province
from motcua.dossiers.warehouse import (
    REUSED_PAPER,
    REUSED_RESULT,
    chain_name,
    component_digitisation_state,
    component_reused,
    dossier_reused,
    reusable_documents,
    warehouse_collect_papers,
    warehouse_collect_results,
    warehouse_document_get,
    warehouse_documents,
)
from motcua.dossiers.warehouse_models import ComponentReuse, DocumentKind, WarehouseDocument
from motcua.dossiers.warehouse_reuse import (
    dossier_submit_online_reusing,
    not_yours,
    warehouse_reuse_in_draft,
)
from motcua.eforms.models import Draft, DraftFile
from motcua.eforms.services import draft_save

pytestmark = pytest.mark.django_db


def pdf(text: str) -> bytes:
    """A real PDF whose bytes differ with `text`."""
    return engine.write_pdf(f"<p>{text}</p>", base_url="http://127.0.0.1:8000/")


@pytest.fixture
def province(db, settings, tmp_path) -> Province:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    province = build_province()
    province.procedure.online_type = OnlineType.FULL
    province.procedure.save(update_fields=["online_type"])
    return province


# --- scenes -----------------------------------------------------------------------------------


def submitted_online(province: Province, content: bytes, user=None) -> Dossier:
    """Registered online by the citizen with one uploaded file of the procedure's component."""
    user = user or province.users["citizen"]
    component = province.procedure.components.get()
    dossier = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(user=user),
        actor=user,
        components=[ComponentReceived(component_id=component.pk)],
    )
    dossier_file_add(
        dossier=dossier,
        actor=user,
        upload=samples.upload("don-dang-ky.pdf", content),
        purpose=FilePurpose.COMPONENT,
        component=dossier.components.get(),
    )
    return dossier


def accept(province: Province, dossier: Dossier) -> Dossier:
    """The reception officer accepts it; the warehouse is filled as the act does it (the call
    is idempotent, so it holds with or without the act's own call)."""
    dossier = dossier_act(
        dossier=dossier, act=Act.ACCEPT, actor=province.users[Role.RECEPTION_OFFICER]
    )
    warehouse_collect_papers(dossier)
    return dossier


def returned_online(province: Province, result: bytes, paper: bytes | None = None) -> Dossier:
    """Submitted online, accepted, processed, a result file added and returned online."""
    dossier = accept(province, submitted_online(province, paper or pdf("Đơn của tôi")))
    reception = province.users[Role.RECEPTION_OFFICER]
    leader = province.users[Role.LEADER]
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=reception)
    dossier = dossier_act(
        dossier=dossier, act=Act.FINISH, actor=leader, data=ActInput(result_number="12/GCN")
    )
    dossier_file_add(
        dossier=dossier,
        actor=leader,
        upload=samples.upload("giay-chung-nhan.pdf", result),
        purpose=FilePurpose.RESULT,
    )
    dossier = dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=reception,
        data=ActInput(return_method=ReturnMethod.ONLINE),
    )
    warehouse_collect_results(dossier)
    return dossier


def new_draft(province: Province, user=None) -> Draft:
    return draft_save(
        user=user or province.users["citizen"],
        procedure=province.procedure,
        data={},
        expected_version=0,
        agency=province.commune,
    )


# --- collecting -------------------------------------------------------------------------------


def test_accepted_papers_become_verified_papers_of_the_applicant(province):
    dossier = accept(province, submitted_online(province, pdf("Đơn A")))
    document = WarehouseDocument.objects.get()
    assert document.owner == province.users["citizen"]
    assert document.kind == DocumentKind.PAPER
    assert document.name == "Đơn đăng ký"
    assert document.file_name == "don-dang-ky.pdf"
    assert document.source_dossier == dossier
    assert document.source_file == dossier.files.get()
    assert document.sha256 == dossier.files.get().sha256
    assert not document.signed  # an unsigned PDF
    assert document.procedure_code == province.procedure.national_code
    assert document.owner_id_number == "022090001234"
    assert document.issuer == province.commune.name
    assert document.issued_at == dossier.accepted_at
    event = AuditEvent.objects.get(chain=chain_name(province.users["citizen"].pk))
    assert event.action == "warehouse.collected"
    assert event.data["documents"][0]["sha256"] == document.sha256


def test_collecting_again_adds_nothing(province):
    dossier = accept(province, submitted_online(province, pdf("Đơn A")))
    assert warehouse_collect_papers(dossier) == []
    assert WarehouseDocument.objects.count() == 1
    # the same paper in a second dossier is the same document
    accept(province, submitted_online(province, pdf("Đơn A")))
    assert WarehouseDocument.objects.count() == 1


def test_a_dossier_without_an_account_fills_no_warehouse(province):
    dossier = submitted_online(province, pdf("Đơn A"))
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=None)
    dossier.refresh_from_db()
    assert warehouse_collect_papers(dossier) == []
    assert not WarehouseDocument.objects.exists()


def test_the_returned_result_becomes_an_e_result(province):
    dossier = returned_online(province, pdf("Giấy chứng nhận"))
    result = WarehouseDocument.objects.get(kind=DocumentKind.RESULT)
    assert result.source_file == dossier.files.get(purpose=FilePurpose.RESULT)
    assert result.number_notation == "12/GCN"
    assert result.name == province.procedure.name  # the catalogue names no result
    assert not result.signed
    assert result.issued_at == dossier.returned_at
    assert WarehouseDocument.objects.filter(kind=DocumentKind.PAPER).count() == 1


def test_the_acts_fill_the_warehouse_themselves(province):
    """The accept and return acts call the collection in their own transaction (the hook in
    dossiers.services)."""
    dossier = submitted_online(province, pdf("Đơn A"))
    dossier = dossier_act(
        dossier=dossier, act=Act.ACCEPT, actor=province.users[Role.RECEPTION_OFFICER]
    )
    assert WarehouseDocument.objects.filter(kind=DocumentKind.PAPER).count() == 1


def test_a_signed_result_is_marked_signed(province, signed_result_pdf):
    returned_online(province, signed_result_pdf)
    assert WarehouseDocument.objects.get(kind=DocumentKind.RESULT).signed


# --- reading ----------------------------------------------------------------------------------


def test_the_owner_only_reads_a_document(province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    document = WarehouseDocument.objects.get()
    citizen, outsider = province.users["citizen"], province.users["outsider"]
    assert warehouse_document_get(user=citizen, document_id=document.pk) == document
    assert warehouse_document_get(user=outsider, document_id=document.pk) is None
    assert warehouse_document_get(user=citizen, document_id="x") is None
    assert list(warehouse_documents(user=outsider)) == []


def test_an_expired_document_is_not_offered(province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    WarehouseDocument.objects.update(valid_until=date(2020, 1, 1))
    assert reusable_documents(user=province.users["citizen"]) == []


# --- re-use -----------------------------------------------------------------------------------


def test_a_document_is_reused_in_a_new_application(province):
    first = returned_online(province, pdf("Giấy chứng nhận"), paper=pdf("Đơn cũ"))
    result = WarehouseDocument.objects.get(kind=DocumentKind.RESULT)
    citizen = province.users["citizen"]
    draft = new_draft(province)
    component = province.procedure.components.get()
    row = warehouse_reuse_in_draft(
        draft=draft, component=component, document_id=result.pk, actor=citizen
    )
    assert row.sha256 == result.sha256 and row.original_name == "giay-chung-nhan.pdf"
    # picking it again keeps one file
    again = warehouse_reuse_in_draft(
        draft=draft, component=component, document_id=result.pk, actor=citizen
    )
    assert again == row and DraftFile.objects.count() == 1
    dossier = dossier_submit_online_reusing(
        draft=draft,
        agency=province.commune,
        answers={},
        form_version=1,
        actor=citizen,
        delivery=ReturnMethod.COUNTER,
        declared=True,
    )
    reused = dossier.components.get()
    record = ComponentReuse.objects.get()
    assert record.component == reused and record.document == result
    assert record.file == reused.files.get()
    assert record.file.sha256 == result.sha256
    assert record.source_kind == DocumentKind.RESULT
    assert record.source_dossier_code == first.code
    assert component_reused(reused) and dossier_reused(dossier)
    assert not dossier_reused(first)
    assert component_digitisation_state(reused) == REUSED_RESULT
    assert AuditEvent.objects.filter(action="dossier.components_reused").count() == 1
    assert not Draft.objects.exists()


def test_a_reused_paper_is_state_two(province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    paper = WarehouseDocument.objects.get()
    citizen = province.users["citizen"]
    draft = new_draft(province)
    warehouse_reuse_in_draft(
        draft=draft,
        component=province.procedure.components.get(),
        document_id=paper.pk,
        actor=citizen,
    )
    dossier = dossier_submit_online_reusing(
        draft=draft,
        agency=province.commune,
        answers={},
        form_version=1,
        actor=citizen,
        delivery=ReturnMethod.COUNTER,
        declared=True,
    )
    assert component_digitisation_state(dossier.components.get()) == REUSED_PAPER


def test_another_citizens_document_is_refused_and_nothing_is_kept(province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    theirs = WarehouseDocument.objects.get()
    outsider = province.users["outsider"]
    draft = new_draft(province, user=outsider)
    with pytest.raises(ValidationFailed) as refused:
        warehouse_reuse_in_draft(
            draft=draft,
            component=province.procedure.components.get(),
            document_id=theirs.pk,
            actor=outsider,
        )
    assert refused.value.message == not_yours()
    assert not DraftFile.objects.exists()
    assert not ComponentReuse.objects.exists()


def test_an_expired_document_is_refused(province):
    accept(province, submitted_online(province, pdf("Đơn A")))
    WarehouseDocument.objects.update(valid_until=date(2020, 1, 1))
    with pytest.raises(ValidationFailed):
        warehouse_reuse_in_draft(
            draft=new_draft(province),
            component=province.procedure.components.get(),
            document_id=WarehouseDocument.objects.get().pk,
            actor=province.users["citizen"],
        )
    assert not DraftFile.objects.exists()


def test_a_plain_upload_is_not_a_reuse(province):
    dossier = accept(province, submitted_online(province, pdf("Đơn A")))
    component = dossier.components.get()
    assert not component_reused(component) and not dossier_reused(dossier)
    assert component_digitisation_state(component) == 1
    assert DossierFile.objects.count() == 1
