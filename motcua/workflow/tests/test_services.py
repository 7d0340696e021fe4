"""Services and selectors: versions, publication, copies, refusals and the audit trail."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.core.audit import verify_chain
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.workflow import engine, selectors, services
from motcua.workflow.constants import MoveKind, ProcessStatus
from motcua.workflow.models import Process, ProcessMove, ProcessStep

from .conftest import VALID, line

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


def publish(process, actor):
    return services.process_publish(process=process, actor=actor)


def test_create_makes_a_draft_with_the_next_version(procedure, home, other, admin_user):
    first = services.process_create(
        procedure=procedure, agency=home, actor=admin_user, steps=line(*VALID)
    )
    second = services.process_create(
        procedure=procedure,
        agency=home,
        actor=admin_user,
        decision="575/QĐ-UBND",
        steps=line(8, 32),
        moves=[{"source": 2, "target": 1, "kind": MoveKind.BACK}],
    )
    elsewhere = services.process_create(
        procedure=procedure, agency=other, actor=admin_user, steps=line(40)
    )
    assert [first.version, second.version, elsewhere.version] == [1, 2, 1]
    assert first.status == ProcessStatus.DRAFT and first.published_at is None
    assert list(first.steps.values_list("position", "hours")) == [
        (1, Decimal(4)),
        (2, Decimal(24)),
        (3, Decimal(8)),
        (4, Decimal(4)),
    ]
    move = second.moves.get()
    assert (move.source.position, move.target.position, move.kind) == (2, 1, MoveKind.BACK)
    assert str(second) == "1.001193 v2 (STP)"
    assert actions() == ["workflow.process_created"] * 3
    event = AuditEvent.objects.first()
    assert event.actor == admin_user and event.subject_id == str(first.pk)


def test_create_refuses_bad_steps_and_writes_nothing(procedure, home, admin_user):
    steps = [*line(8, 32), {"position": 3, "name": "", "role": "chef", "hours": -1}]
    with pytest.raises(ValidationFailed) as caught:
        services.process_create(procedure=procedure, agency=home, actor=admin_user, steps=steps)
    assert len(caught.value.errors) == 3  # the name, the role, the hours
    assert all(error.startswith("3: ") for error in caught.value.errors)
    assert not Process.objects.exists() and not AuditEvent.objects.exists()


def test_create_refuses_a_move_to_a_missing_position(procedure, home, admin_user):
    with pytest.raises(ValidationFailed):
        services.process_create(
            procedure=procedure,
            agency=home,
            actor=admin_user,
            steps=line(8, 32),
            moves=[{"source": 1, "target": 7}],
        )
    assert not Process.objects.exists()


def test_publish_puts_in_force_and_retires_the_previous_version(draft, admin_user):
    publish(draft, admin_user)
    draft.refresh_from_db()
    assert draft.status == ProcessStatus.PUBLISHED and draft.published_at is not None
    successor = services.process_new_version(process=draft, actor=admin_user)
    publish(successor, admin_user)
    draft.refresh_from_db()
    successor.refresh_from_db()
    assert (draft.status, successor.status) == (ProcessStatus.RETIRED, ProcessStatus.PUBLISHED)
    assert draft.published_at is not None  # history keeps when it was in force
    in_force = selectors.process_in_force(procedure=draft.procedure, agency=draft.agency)
    assert in_force == successor
    event = AuditEvent.objects.filter(action="workflow.process_published").last()
    assert event.data["retired"] == draft.pk and event.subject_id == str(successor.pk)
    assert verify_chain() == []


def test_in_force_is_none_before_publication_and_prefetches(
    draft, admin_user, django_assert_num_queries
):
    assert selectors.process_in_force(procedure=draft.procedure, agency=draft.agency) is None
    publish(draft, admin_user)
    with django_assert_num_queries(3):  # the process, its steps, its moves
        process = selectors.process_in_force(procedure=draft.procedure, agency=draft.agency)
        first = engine.first_step(process)
        engine.resolve_move(process, first, MoveKind.FORWARD)
        engine.step_shares(process)
        assert engine.validate(process, 40) == []
        assert str(process) == "1.001193 v1 (STP)"


@pytest.mark.parametrize(
    ("steps", "fragment"),
    [
        (line(4, 24, 8), "36"),  # does not add up to 40 h
        (line(4, 24, 8, 4, 0), "Bước 5"),
    ],
)
def test_publishing_an_invalid_draft_changes_nothing(procedure, home, admin_user, steps, fragment):
    process = services.process_create(
        procedure=procedure, agency=home, actor=admin_user, steps=steps
    )
    before = AuditEvent.objects.count()
    with translation.override("vi"), pytest.raises(ValidationFailed) as caught:
        publish(process, admin_user)
    assert any(fragment in error for error in caught.value.errors)
    assert "1.001193 v1" in caught.value.message
    process.refresh_from_db()
    assert process.status == ProcessStatus.DRAFT and process.published_at is None
    assert AuditEvent.objects.count() == before


def test_an_invalid_draft_does_not_retire_the_version_in_force(draft, admin_user):
    publish(draft, admin_user)
    broken = services.process_new_version(process=draft, actor=admin_user)
    broken.steps.filter(position=4).update(hours=0)
    with pytest.raises(ValidationFailed):
        publish(broken, admin_user)
    draft.refresh_from_db()
    assert draft.status == ProcessStatus.PUBLISHED


@pytest.mark.parametrize("status", [ProcessStatus.PUBLISHED, ProcessStatus.RETIRED])
def test_only_drafts_are_published(draft, admin_user, status):
    Process.objects.filter(pk=draft.pk).update(status=status)
    with pytest.raises(DomainError) as caught:
        publish(draft, admin_user)
    assert caught.value.code == "process_not_draft"


def test_procedure_without_legal_time_accepts_any_sum(draft, admin_user):
    draft.procedure.channels.all().delete()
    publish(draft, admin_user)
    assert Process.objects.get(pk=draft.pk).status == ProcessStatus.PUBLISHED


def test_legal_time_within_the_day_is_8_hours(procedure, home, admin_user):
    procedure.channels.update(time_value=0)
    process = services.process_create(
        procedure=procedure, agency=home, actor=admin_user, steps=line(2, 4, 2)
    )
    assert selectors.process_legal_hours(process=process) == 8
    assert publish(process, admin_user).status == ProcessStatus.PUBLISHED


def test_new_version_copies_steps_and_moves_and_leaves_the_old_untouched(
    procedure, home, other, admin_user
):
    steps = line(4, 16, 16, 4)
    steps[1]["agency"] = other
    old = services.process_create(
        procedure=procedure,
        agency=home,
        actor=admin_user,
        name="Liên thông thuế",
        decision="575/QĐ-UBND",
        steps=steps,
        moves=[{"source": 3, "target": 1, "kind": MoveKind.BACK}],
    )
    publish(old, admin_user)
    old_steps = list(old.steps.values_list("id", "position", "name", "role", "agency", "hours"))
    old_moves = list(old.moves.values_list("id", "source", "target", "kind"))

    copy = services.process_new_version(process=old, actor=admin_user)

    assert (copy.version, copy.status, copy.name, copy.decision) == (
        2,
        ProcessStatus.DRAFT,
        "Liên thông thuế",
        "",
    )
    assert [
        row[1:]
        for row in copy.steps.values_list("id", "position", "name", "role", "agency", "hours")
    ] == [row[1:] for row in old_steps]
    move = copy.moves.select_related("source", "target").get()
    assert move.source.process == copy and move.target.process == copy
    assert (move.source.position, move.target.position, move.kind) == (3, 1, MoveKind.BACK)
    assert [s.is_transfer for s in copy.steps.all()] == [False, True, False, False]
    old.refresh_from_db()
    assert old.status == ProcessStatus.PUBLISHED
    assert list(old.steps.values_list("id", "position", "name", "role", "agency", "hours")) == (
        old_steps
    )
    assert list(old.moves.values_list("id", "source", "target", "kind")) == old_moves
    event = AuditEvent.objects.get(action="workflow.process_version_created")
    assert event.data["copied_from"] == old.pk and event.subject_id == str(copy.pk)


def test_new_version_takes_the_next_free_number(draft, admin_user):
    services.process_new_version(process=draft, actor=admin_user)  # v2
    assert services.process_new_version(process=draft, actor=admin_user).version == 3


def test_update_changes_a_draft(draft, admin_user):
    services.process_update(
        process=draft, actor=admin_user, name="Mới", steps=line(10, 30), moves=[]
    )
    draft.refresh_from_db()
    assert draft.name == "Mới"
    assert list(draft.steps.values_list("hours", flat=True)) == [Decimal(10), Decimal(30)]
    assert actions()[-1] == "workflow.process_changed"


@pytest.mark.parametrize("status", [ProcessStatus.PUBLISHED, ProcessStatus.RETIRED])
def test_editing_a_published_or_retired_process_is_refused(draft, admin_user, status):
    Process.objects.filter(pk=draft.pk).update(status=status)
    draft.refresh_from_db()
    before = AuditEvent.objects.count()
    with pytest.raises(services.ProcessNotEditable):
        services.process_update(process=draft, actor=admin_user, name="x", steps=line(40))
    draft.refresh_from_db()
    assert draft.name == "Quy trình" and draft.steps.count() == 4
    assert AuditEvent.objects.count() == before


def test_a_stale_draft_object_cannot_edit_a_published_process(draft, admin_user):
    Process.objects.filter(pk=draft.pk).update(status=ProcessStatus.PUBLISHED)
    assert draft.status == ProcessStatus.DRAFT  # the object in hand is stale
    with pytest.raises(services.ProcessNotEditable):
        services.process_update(process=draft, actor=admin_user, name="x")


def test_steps_are_ordered_and_unique_by_position(draft):
    assert list(draft.steps.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert ProcessStep._meta.ordering == ["position"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database's unique constraint
        ProcessStep.objects.create(process=draft, position=2, name="x", role=Role.CLERK, hours=1)


def test_only_one_published_version_per_procedure_and_agency(draft, admin_user):
    publish(draft, admin_user)
    copy = services.process_new_version(process=draft, actor=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():  # the conditional unique constraint
        Process.objects.filter(pk=copy.pk).update(status=ProcessStatus.PUBLISHED)


def test_a_move_cannot_point_to_its_own_source(draft):
    step = draft.steps.first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the check constraint
        ProcessMove.objects.create(process=draft, source=step, target=step)
