"""Rating the service: only the applicant, only once, only after the result was returned; one
event in the dossier's chain; bad input changes nothing."""

import pytest

from motcua.accounts.constants import Role
from motcua.accounts.models import User
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import AuditEvent
from motcua.dossiers.constants import Act, DossierStatus, ReturnMethod
from motcua.dossiers.models import Dossier, Rating
from motcua.dossiers.ratings import MAX_COMMENT, RATED_ACTION, dossier_rate, may_rate
from motcua.dossiers.satisfaction import (
    CRITERIA,
    CRITERIA_BY_CODE,
    NATIONAL_SATISFACTION_CODE,
    Satisfaction,
)
from motcua.dossiers.selectors import dossier_events, dossier_verify
from motcua.dossiers.services import ActInput, dossier_act

from .conftest import dossier_in_status, receive


def returned(province) -> Dossier:
    """A dossier received at the counter, processed and handed back at the counter."""
    dossier = receive(province)
    reception = province.users[Role.RECEPTION_OFFICER]
    dossier = dossier_act(dossier=dossier, act=Act.FORWARD, actor=reception)
    dossier = dossier_act(
        dossier=dossier,
        act=Act.FINISH,
        actor=province.users[Role.LEADER],
        data=ActInput(result_number="12/GCN"),
    )
    return dossier_act(
        dossier=dossier,
        act=Act.RETURN_RESULT,
        actor=reception,
        data=ActInput(return_method=ReturnMethod.COUNTER, recipient_name="Nguyễn Văn An"),
    )


def _snapshot(dossier: Dossier) -> tuple[int, int, int]:
    dossier.refresh_from_db()
    return Rating.objects.count(), dossier_events(dossier=dossier).count(), dossier.version


def test_the_applicant_rates_once_with_one_event_in_the_chain(province):
    dossier = returned(province)
    citizen = province.users["citizen"]
    assert may_rate(dossier, citizen)
    version, events = dossier.version, dossier_events(dossier=dossier).count()

    rating = dossier_rate(
        dossier=dossier,
        actor=citizen,
        overall=Satisfaction.VERY_SATISFIED,
        answers={"contacts": "none", "convenience": "satisfied", "agencies": ""},
        comment="  Cán bộ hướng dẫn tận tình.  ",
    )

    assert rating.dossier == dossier and rating.rated_by == citizen
    assert rating.answers == {"contacts": "none", "convenience": "satisfied"}  # empty dropped
    assert rating.comment == "Cán bộ hướng dẫn tận tình."
    dossier.refresh_from_db()
    assert dossier.version == version  # not an act
    assert dossier.status == DossierStatus.RESULT_RETURNED
    chain = list(dossier_events(dossier=dossier))
    assert len(chain) == events + 1
    assert chain[-1].action == RATED_ACTION and chain[-1] == rating.event
    assert chain[-1].data["overall"] == "very_satisfied"
    assert chain[-1].data["answers"] == {"contacts": "none", "convenience": "satisfied"}
    assert dossier_verify(dossier=dossier) is None
    assert not may_rate(dossier, citizen)

    with pytest.raises(DomainError) as error:
        dossier_rate(dossier=dossier, actor=citizen, overall=Satisfaction.DISSATISFIED)
    assert error.value.code == "already_rated"
    assert Rating.objects.get() == rating
    assert dossier_events(dossier=dossier).count() == events + 1


@pytest.mark.parametrize(
    "who", ["citizen_b", Role.RECEPTION_OFFICER, Role.LEADER, Role.PROVINCE_ADMIN, "outsider"]
)
def test_nobody_but_the_applicant_may_rate(province, who):
    province.users["citizen_b"] = User.objects.create_user(username="citizen_b", password="x")
    dossier = returned(province)
    before = _snapshot(dossier)
    assert not may_rate(dossier, province.users[who])
    with pytest.raises(DomainError) as error:
        dossier_rate(dossier=dossier, actor=province.users[who], overall=Satisfaction.SATISFIED)
    assert error.value.code == "act_not_permitted"
    assert _snapshot(dossier) == before


@pytest.mark.parametrize(
    "status", [s for s in DossierStatus if s != DossierStatus.RESULT_RETURNED], ids=str
)
def test_only_after_the_result_was_returned(province, status):
    dossier = dossier_in_status(province, status)
    citizen = province.users["citizen"]
    assert not may_rate(dossier, citizen)
    with pytest.raises(DomainError) as error:
        dossier_rate(dossier=dossier, actor=citizen, overall=Satisfaction.SATISFIED)
    assert error.value.code == "not_ratable"
    assert not Rating.objects.exists()
    assert not AuditEvent.objects.filter(action=RATED_ACTION).exists()


@pytest.mark.parametrize(
    ("overall", "answers", "comment"),
    [
        ("", {}, ""),
        ("delighted", {}, ""),
        ("HL", {}, ""),  # the national abbreviation is not the stored value
        ("satisfied", {"speed": "fast"}, ""),  # no such criterion
        ("satisfied", {"contacts": "twice"}, ""),  # no such answer
        ("satisfied", {"convenience": "neutral"}, ""),  # three levels only for this one
        ("satisfied", {}, "x" * (MAX_COMMENT + 1)),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(province, overall, answers, comment):
    dossier = returned(province)
    before = _snapshot(dossier)
    with pytest.raises(ValidationFailed) as error:
        dossier_rate(
            dossier=dossier,
            actor=province.users["citizen"],
            overall=overall,
            answers=answers,
            comment=comment,
        )
    assert error.value.errors
    assert _snapshot(dossier) == before
    assert may_rate(dossier, province.users["citizen"])


def test_the_criteria_table_is_complete():
    assert len(CRITERIA_BY_CODE) == len(CRITERIA)
    assert set(NATIONAL_SATISFACTION_CODE) == set(Satisfaction)
    assert list(NATIONAL_SATISFACTION_CODE.values()) == ["RHL", "HL", "BT", "KHL", "RKHL"]
    for criterion in CRITERIA:
        codes = [answer.code for answer in criterion.answers]
        assert len(codes) >= 2 and len(set(codes)) == len(codes), criterion.code
        assert "01/2018" in criterion.source and f"chiso{criterion.indicator}" in criterion.source
        assert all(a.points in (None, 0, 1, 2) for a in criterion.answers)
    # The indicators an applicant can answer from experience (domain-vn §1.2).
    assert sorted(c.indicator for c in CRITERIA) == [3, 4, 7, 10]
