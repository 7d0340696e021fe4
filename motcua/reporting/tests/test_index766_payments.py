"""The Decision 766 payment indicators on payment requests with known outcomes: which dossiers
are fee-bearing and which were paid online, which procedures charged a fee and had online
payments in the period, the points on each side of the thresholds, the scope of an agency, and
the numbers on the 766 page.

The March 2026 scene, at the commune (received in March unless said otherwise):

    P1 d1 fees paid through the gateway on 10 Mar        fee-bearing, paid online
    P1 d2 fees paid in cash at the counter                fee-bearing
    P1 d3 fees waiting for payment                        fee-bearing
    P1 d4 no payment request                              -
    P1 d5 its only request cancelled                      -
    P1 d6 only postage, paid by transfer                  -
    P2 e1 fees paid by bank transfer on 11 Mar            fee-bearing, paid online
    P2 e2 obligation paid through the gateway, refunded   fee-bearing, paid online
    P3 f1 fees paid through the gateway on 2 Apr          fee-bearing, paid online (in April)
    P3 x1 at the other commune, paid online on 12 Mar     (another scope)

So at the commune: 4 of 6 fee-bearing dossiers paid online; of the procedures P1, P2, P3 that
charged a fee, P1 and P2 had an online payment in March (P3's came in April).
"""

from copy import deepcopy
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings as django_settings

from motcua.accounts.constants import AgencyKind, Role
from motcua.accounts.models import Agency
from motcua.catalogue.constants import Channel, ProcedureLevel, PublicationStatus, TimeUnit
from motcua.catalogue.models import Procedure, ProcedureChannel
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ComponentReceived, dossier_receive
from motcua.dossiers.tests.conftest import Province, build_province, vn
from motcua.payments import services as payments
from motcua.payments.constants import Method, Purpose
from motcua.payments.models import PaymentRequest
from motcua.reporting.index766 import COMPUTED, NO_DATA, NO_POINTS, index_766
from motcua.reporting.index766_payments import payment_inputs
from motcua.reporting.statistics import period_bounds

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
#: The payment rules as shipped (index766_rules docstring); set here so that the numbers below
#: do not move if an installation changes its configuration.
PAYMENT_RULES = {
    "payment_procedures": {"rule": "proportional", "threshold": 0.8, "points": 2},
    "online_payment": {"rule": "threshold", "threshold": 0.3, "points": 6, "points_below": 0.9},
}


@pytest.fixture(autouse=True)
def payment_rules(settings):
    value: dict = deepcopy(django_settings.MOTCUA_INDEX_766)
    value["indicators"].update(deepcopy(PAYMENT_RULES))
    settings.MOTCUA_INDEX_766 = value
    return value


@pytest.fixture
def province() -> Province:
    return build_province()


def procedure(code: str, like: Procedure) -> Procedure:
    """A procedure of the commune in `like`'s field without fees in the catalogue (so that its
    dossiers are billed only by the requests each test makes)."""
    made = Procedure.objects.create(
        national_code=code,
        name=f"Thủ tục {code}",
        field=like.field,
        level=ProcedureLevel.COMMUNE,
        agency_kind=AgencyKind.COMMUNE_PC,
        status=PublicationStatus.PUBLISHED,
    )
    ProcedureChannel.objects.create(
        procedure=made, channel=Channel.DIRECT, time_value=5, time_unit=TimeUnit.WORKING_DAY
    )
    return made


def received(
    p: Province, proc: Procedure, at: datetime, *, agency: Agency | None = None
) -> Dossier:
    agency = agency or p.commune
    officer = p.users[Role.RECEPTION_OFFICER if agency == p.commune else "outsider"]
    with time_machine.travel(at, tick=False):
        return dossier_receive(
            procedure=proc,
            agency=agency,
            channel=Channel.DIRECT,
            applicant=p.applicant(),
            actor=officer,
            components=[ComponentReceived(name="Đơn đăng ký", originals=1)],
            at=at,
        )


def asked(dossier: Dossier, purpose: str = Purpose.SUBMISSION) -> PaymentRequest:
    with time_machine.travel(dossier.accepted_at, tick=False):
        return payments.request_create(
            dossier_pk=dossier.pk,
            dossier_code=dossier.display_key,
            agency=dossier.receiving_agency,
            purpose=purpose,
            amount=50_000,
            description="Lệ phí",
            payer_name=dossier.applicant_name,
        )


def paid(request: PaymentRequest, method: str, at: datetime) -> PaymentRequest:
    with time_machine.travel(at, tick=False):
        payments.request_mark_paid(
            request=request, method=method, transaction_ref=f"T{request.pk}", paid_at=at
        )
    return request


def build_scene(p: Province) -> None:
    p1, p2, p3 = (procedure(code, p.procedure) for code in ("1.000011", "2.000002", "3.000003"))
    paid(asked(received(p, p1, vn(2026, 3, 2, 8))), Method.GATEWAY, vn(2026, 3, 10, 9))
    paid(asked(received(p, p1, vn(2026, 3, 2, 9))), Method.CASH, vn(2026, 3, 2, 10))
    asked(received(p, p1, vn(2026, 3, 3, 8)))
    received(p, p1, vn(2026, 3, 3, 9))
    with time_machine.travel(vn(2026, 3, 4, 8), tick=False):
        cancelled = asked(received(p, p1, vn(2026, 3, 4, 8)))
        payments.request_cancel(request=cancelled, actor=None, reason="Nhầm")
    postage = asked(received(p, p1, vn(2026, 3, 4, 9)), Purpose.POSTAGE)
    paid(postage, Method.TRANSFER, vn(2026, 3, 5, 9))
    paid(asked(received(p, p2, vn(2026, 3, 5, 8))), Method.TRANSFER, vn(2026, 3, 11, 9))
    refunded = paid(
        asked(received(p, p2, vn(2026, 3, 5, 9)), Purpose.OBLIGATION),
        Method.GATEWAY,
        vn(2026, 3, 12, 9),
    )
    with time_machine.travel(vn(2026, 3, 20, 9), tick=False):
        payments.request_refund(
            request=refunded,
            actor=None,
            refund_ref="HT1",
            refunded_at=vn(2026, 3, 20, 9),
            through="gateway",
        )
    paid(asked(received(p, p3, vn(2026, 3, 30, 8))), Method.GATEWAY, vn(2026, 4, 2, 9))
    other = received(p, p3, vn(2026, 3, 6, 8), agency=p.other_commune)
    paid(asked(other), Method.GATEWAY, vn(2026, 3, 12, 10))


def inputs(agency: Agency | None, start: date = MARCH[0], end: date = MARCH[1]):
    result = index_766(agency=agency, start=start, end=end)
    return result.indicator("payment_procedures"), result.indicator("online_payment")


def test_the_commune_in_march(province):
    build_scene(province)
    procedures, dossiers = inputs(province.commune)
    assert (dossiers.status, dossiers.numerator, dossiers.denominator) == (COMPUTED, 4, 6)
    assert dossiers.points == Decimal(6)  # 66.7 % ≥ 30 %
    assert (procedures.status, procedures.numerator, procedures.denominator) == (COMPUTED, 2, 3)
    assert procedures.points == Decimal("1.67")  # 2 × (2/3) ÷ 80 %
    assert procedures.max_points == 2 and dossiers.max_points == 6


def test_the_whole_installation_counts_the_other_commune(province):
    build_scene(province)
    procedures, dossiers = inputs(None)
    assert (dossiers.numerator, dossiers.denominator) == (5, 7)
    assert (procedures.numerator, procedures.denominator, procedures.points) == (3, 3, 2)


def test_the_other_commune_alone(province):
    build_scene(province)
    procedures, dossiers = inputs(province.other_commune)
    assert (dossiers.numerator, dossiers.denominator) == (1, 1)
    assert (procedures.numerator, procedures.denominator) == (1, 1)


def test_a_payment_after_the_period_counts_for_the_dossier_not_the_procedure(province):
    build_scene(province)
    procedures, dossiers = inputs(province.commune, date(2026, 3, 30), date(2026, 3, 31))
    assert (dossiers.numerator, dossiers.denominator) == (1, 1)  # f1, paid on 2 April
    assert (procedures.numerator, procedures.denominator) == (0, 1)
    assert procedures.points == 0  # 0 % earns nothing


def test_a_period_without_fees_has_nothing_to_measure(province):
    build_scene(province)
    procedures, dossiers = inputs(province.commune, date(2026, 2, 1), date(2026, 2, 28))
    for indicator in (procedures, dossiers):
        assert indicator.status == NO_POINTS
        assert (indicator.numerator, indicator.denominator) == (0, 0)
        assert indicator.points is None and indicator.reason


def test_payment_on_the_national_portal_stays_without_data(province):
    build_scene(province)
    result = index_766(agency=province.commune, start=MARCH[0], end=MARCH[1])
    portal = result.indicator("payable_on_national_portal")
    assert portal.status == NO_DATA and portal.points is None and portal.reason


# fee-bearing dossiers, of them paid online, points with the shipped rule (from 30 %: 6, below:
# 0.9, 0 %: 0)
DOSSIER_TABLE = [
    (10, 0, "0"),
    (10, 1, "0.9"),
    (10, 2, "0.9"),
    (10, 3, "6"),
    (10, 10, "6"),
]


@pytest.mark.parametrize(("fee_bearing", "online", "points"), DOSSIER_TABLE)
def test_online_payment_around_its_threshold(province, fee_bearing, online, points):
    proc = procedure("1.000011", province.procedure)
    for n in range(fee_bearing):
        request = asked(received(province, proc, vn(2026, 3, 2, 8, n)))
        method = Method.TRANSFER if n < online else Method.CASH
        paid(request, method, vn(2026, 3, 3, 9, n))
    _procedures, dossiers = inputs(province.commune)
    assert (dossiers.numerator, dossiers.denominator) == (online, fee_bearing)
    assert dossiers.points == Decimal(points)


# fee-charging procedures, of them with an online payment, points with the shipped rule (from
# 80 %: 2; below: 2 × share ÷ 80 %; 0 %: 0)
PROCEDURE_TABLE = [
    (5, 0, "0"),
    (5, 1, "0.50"),
    (5, 3, "1.50"),
    (5, 4, "2"),
    (5, 5, "2"),
]


@pytest.mark.parametrize(("charging", "online", "points"), PROCEDURE_TABLE)
def test_payment_procedures_around_its_threshold(province, charging, online, points):
    for n in range(charging):
        proc = procedure(f"9.00000{n}", province.procedure)
        request = asked(received(province, proc, vn(2026, 3, 2, 8, n)))
        paid(request, Method.GATEWAY if n < online else Method.CARD, vn(2026, 3, 3, 9, n))
    procedures, _dossiers = inputs(province.commune)
    assert (procedures.numerator, procedures.denominator) == (online, charging)
    assert procedures.points == Decimal(points)


@pytest.mark.parametrize(
    ("changes", "code", "points"),
    [
        ({"online_payment": {"rule": "share", "points": 6}}, "online_payment", "4.00"),
        (
            {
                "payment_procedures": {
                    "rule": "threshold",
                    "threshold": 0.5,
                    "points": 2,
                    "points_below": 1.6,
                }
            },
            "payment_procedures",
            "2",
        ),
        ({"payment_procedures": {"rule": None, "points": 2}}, "payment_procedures", None),
    ],
)
def test_the_rules_come_from_settings(province, payment_rules, settings, changes, code, points):
    build_scene(province)
    value = deepcopy(payment_rules)
    value["indicators"].update(changes)
    settings.MOTCUA_INDEX_766 = value
    indicator = index_766(agency=province.commune, start=MARCH[0], end=MARCH[1]).indicator(code)
    assert indicator.points == (None if points is None else Decimal(points))


def test_one_query_for_both_indicators(province, django_assert_max_num_queries):
    build_scene(province)
    begin, stop = period_bounds(*MARCH)
    dossiers = Dossier.objects.order_by().filter(receiving_agency_id__in={province.commune.pk})
    with django_assert_max_num_queries(1):
        counts = payment_inputs(
            dossiers=dossiers, scope={province.commune.pk}, begin=begin, stop=stop
        )
    assert counts == {"payment_procedures": (2, 3), "online_payment": (4, 6)}


def test_the_766_page_shows_the_payment_indicators(client, province):
    build_scene(province)
    client.force_login(province.users[Role.LEADER])
    response = client.get(
        "/can-bo/chi-so-766/", {"date_from": "2026-03-01", "date_to": "2026-03-31"}
    )
    assert response.status_code == 200
    html = response.content.decode()

    def article(code: str) -> str:
        start = html.index(f'id="indicator-{code}"')
        return html[start : html.index("</article>", start)]

    dossiers, procedures = article("online_payment"), article("payment_procedures")
    assert "66,7%" in dossiers and "<strong>6</strong>" in dossiers.replace(",00", "")
    assert "66,7%" in procedures and "1,67" in procedures
    assert "no online payment" not in html and "thanh toán trực tuyến trong MotCua" not in html
