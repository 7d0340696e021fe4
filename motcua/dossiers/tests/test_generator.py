"""The bulk generator (dossiers.generator): a small run on the test province and its process."""

from collections import Counter
from datetime import datetime
from functools import partial
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.accounts.constants import Role
from motcua.core import audit
from motcua.core.models import AuditChainHead, AuditEvent
from motcua.deadlines.calendar import VN_TZ, judge
from motcua.dossiers.codes import dossier_code_next
from motcua.dossiers.constants import (
    PAUSE_OF_STATUS,
    PAUSED_STATUSES,
    TERMINAL_STATUSES,
    DossierStatus,
)
from motcua.dossiers.generator import Options, generate
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierPause,
    StepRecord,
)
from motcua.dossiers.pause_history import pauses_from_events
from motcua.dossiers.references import reference_is_well_formed

COUNT = 300
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=VN_TZ)


@pytest.fixture
def generated(province, process):
    result = generate(Options(count=COUNT, seed=7, years=1, batch=120, now=NOW), progress=None)
    return result


def test_counts_and_codes(generated):
    assert generated.dossiers == COUNT
    assert Dossier.objects.count() == COUNT
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert len(codes) == len(set(codes)) > COUNT * 0.8
    assert DossierComponent.objects.count() >= COUNT
    assert StepRecord.objects.exists()  # the commune's procedure has a published process
    channels = Counter(Dossier.objects.values_list("channel", flat=True))
    assert channels["online"] > channels["direct"] > channels.get("post", 0)
    assert all(d.submitted_at <= NOW for d in Dossier.objects.all())


def test_online_submissions_carry_a_reference_and_the_delivery_wanted(generated):
    online = Dossier.objects.filter(channel="online")
    references = list(online.values_list("reference", flat=True))
    assert None not in references and len(set(references)) == len(references)
    assert all(reference_is_well_formed(reference) for reference in references)
    assert not Dossier.objects.exclude(channel="online").exclude(reference=None).exists()
    assert set(online.values_list("result_delivery", flat=True)) <= {"counter", "post"}
    assert not online.filter(result_delivery="post", result_delivery_address="").exists()


def test_counters_continue_after_the_generated_codes(generated):
    dossier = Dossier.objects.exclude(code=None).order_by("-accepted_at").first()
    counter = DossierCodeCounter.objects.get(
        agency=dossier.receiving_agency, day=dossier.accepted_at.astimezone(VN_TZ).date()
    )
    assert dossier.code.endswith(f"-{counter.last_number:04d}")
    from django.db import transaction

    with transaction.atomic():
        following = dossier_code_next(agency=counter.agency, received_on=counter.day)
    assert following.endswith(f"-{counter.last_number + 1:04d}")


def test_statuses_agree_with_timestamps(generated):
    statuses = Counter()
    for d in Dossier.objects.all():
        statuses[d.status] += 1
        assert (d.closed_at is not None) == (d.status in TERMINAL_STATUSES), d.code
        assert (d.paused_at is not None) == (d.status in PAUSED_STATUSES), d.code
        assert (d.code is not None) == (d.accepted_at is not None)
        if d.finished_at is not None:
            assert d.status in {DossierStatus.PROCESSED, DossierStatus.RESULT_RETURNED}
            assert d.judgement == (judge(d.finished_at, d.due_at) if d.due_at else "")
        else:
            assert d.judgement == ""
        if d.returned_at is not None:
            assert d.finished_at <= d.returned_at == d.closed_at
        if d.accepted_at is not None:
            assert d.submitted_at <= d.accepted_at
            assert d.due_at is None or d.due_at > d.accepted_at
        assert d.step_records.filter(ended_at=None).count() <= 1
    assert statuses[DossierStatus.RESULT_RETURNED] > COUNT / 2
    assert len(statuses) >= 4


def test_the_pause_history_agrees_with_the_dossiers_and_their_events(generated):
    """Generated pauses come from the events (dossiers.pause_history), as migration 0013
    rebuilds them: each paused dossier has exactly its one open pause, of its status's kind."""
    pauses = list(DossierPause.objects.select_related("dossier"))
    assert pauses
    for pause in pauses:
        dossier = pause.dossier
        if pause.ended_at is None:
            assert PAUSE_OF_STATUS[DossierStatus(dossier.status)] == pause.kind
            assert dossier.paused_at == pause.started_at or pause.kind == "intake_supplement"
        else:
            assert pause.started_at <= pause.ended_at
            assert (
                pause.due_after is None
                or pause.due_before is None
                or (pause.due_after >= pause.due_before)
            )
    for dossier in Dossier.objects.filter(status__in=PAUSED_STATUSES):
        assert dossier.pauses.filter(ended_at=None).count() == 1
    # Rebuilding from the events gives the same rows.
    fresh = []
    for dossier in Dossier.objects.filter(pauses__isnull=False).distinct():
        chain = AuditEvent.objects.filter(chain=f"dossiers.dossier:{dossier.pk}").order_by("seq")
        fresh += [
            (dossier.pk, p.kind, p.started_at, p.ended_at, p.due_before, p.due_after)
            for p in pauses_from_events(chain, partial(DossierPause, dossier=dossier))
        ]
    stored = DossierPause.objects.values_list(
        "dossier_id", "kind", "started_at", "ended_at", "due_before", "due_after"
    )
    assert sorted(fresh) == sorted(stored)


def test_every_generated_chain_verifies(generated):
    chains = list(AuditChainHead.objects.exclude(chain="").values_list("chain", flat=True))
    assert len(chains) == COUNT
    for chain in chains:
        assert audit.first_broken_link(chain) is None, chain
    assert AuditEvent.objects.count() > COUNT * 3
    call_command("verify_audit", "--all", stdout=StringIO())


def test_generated_dossiers_answer_in_the_worklist_and_the_lookup(client, generated, province):
    dossier = Dossier.objects.exclude(code=None).filter(receiving_agency=province.commune).first()
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    assert client.get("/can-bo/ho-so/?list=agency").status_code == 200
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200
    client.logout()
    assert client.get(f"/tra-cuu/?ma={dossier.code}").status_code == 200


def test_the_command_loads_the_demo_when_the_catalogue_is_empty(db):
    call_command("generate_dossiers", count=20, batch=10, no_progress=True, stdout=StringIO())
    assert Dossier.objects.count() == 20
