"""The demo's dossiers: a few hundred over the last months from the bulk generator
(motcua.dossiers.generator) at the demo commune and the department served by the service
centre, then a handful made through the dossier services so that every status, apologies
(Mẫu 04) and ratings are there to see. Runs only on a database without dossiers."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Agency, User
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.core.errors import DomainError
from motcua.deadlines.calendar import local
from motcua.deadlines.selectors import calendar_for
from motcua.dossiers import generator
from motcua.dossiers.codes import numbering_filter
from motcua.dossiers.constants import Act, DossierStatus, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.payment_bills import rename_requests
from motcua.dossiers.payment_selectors import payable_requests
from motcua.dossiers.payments import payment_record_at_counter, payment_settle
from motcua.dossiers.ratings import dossier_rate
from motcua.dossiers.references import reference_new
from motcua.dossiers.satisfaction import Satisfaction
from motcua.dossiers.services import (
    ActInput,
    Applicant,
    ComponentReceived,
    dossier_act,
    dossier_receive,
    dossier_register,
)
from motcua.eforms.answers import applicant_fields, validate_answers
from motcua.eforms.selectors import eform_for
from motcua.payments.constants import Method

from . import payments as demo_payments
from . import signing
from .seed import CENTRE_DEPARTMENT, COMMUNE

logger = logging.getLogger(__name__)

DAYS = 120  # the generated dossiers' period: the last four months
# (agency key, procedures, dossiers, the demo citizen's share)
GENERATED = (
    (
        COMMUNE,
        (
            "1.001193",
            "1.000656",
            "1.000894",
            "1.004873",
            "2.000635",
            "2.000815",
            "2.000884",
            "1.001612",
        ),
        240,
        20,
    ),
    (CENTRE_DEPARTMENT, ("2.000488",), 80, 5),
)
# The demo citizen rates the returned dossiers but the latest few (left to rate in the demo).
UNRATED = 2
RATINGS = (
    Satisfaction.VERY_SATISFIED,
    Satisfaction.SATISFIED,
    Satisfaction.VERY_SATISFIED,
    Satisfaction.NEUTRAL,
    Satisfaction.SATISFIED,
    Satisfaction.DISSATISFIED,
)


def load() -> int:
    """Generate and make the demo dossiers; how many there are then (0: there were some)."""
    if Dossier.objects.exists():
        return 0
    for key, codes, count, citizen in GENERATED:
        if not Agency.objects.filter(numbering_filter(), slug=key).exists():
            continue
        generator.generate(
            generator.Options(
                count=count,
                days=DAYS,
                agencies=(key,),
                procedures=codes,
                citizen_dossiers=citizen,
                batch=1000,
            ),
            progress=None,
        )
    Showcase().run()
    demo_payments.import_statement(timezone.now())
    _rate()
    return Dossier.objects.count()


@dataclass(frozen=True)
class Step:
    """One act of a recipe: who does it and with what."""

    act: Act
    actor: str
    data: ActInput = field(default_factory=ActInput)
    transfer: bool = False  # forward into the first inter-agency step (liên thông)


@dataclass(frozen=True)
class PaidByTransfer:
    """The applicant paid what the dossier owes by bank transfer, as the collecting agency's
    bank statement shows it (the demo's transaction numbers start with DEMO)."""


@dataclass(frozen=True)
class SignedResult:
    """The e-result issued at the last step: uploaded, signed by `leader`, numbered and sealed
    by `sealer` (motcua.demo.signing.issue_signed_result)."""

    leader: str
    sealer: str
    number_notation: str


Recipe = Step | SignedResult | PaidByTransfer
COMMENT = "Hồ sơ minh họa của bản demo"
RESULT_TITLES = {
    "1.001193": "Trích lục khai sinh (bản điện tử)",
    "2.000488": "Phiếu lý lịch tư pháp số 1",
}
CITIZEN = "congdan"
BIRTH_REGISTRATION = "1.001193"


class Showcase:
    """Dossiers made through the services, one per recipe: how it came in, then its acts."""

    def run(self) -> None:
        commune, department = COMMUNE, CENTRE_DEPARTMENT
        online = self._online
        counter = self._counter
        forward = Step(Act.FORWARD, "")
        recipes: list[Callable[[], None]] = [
            lambda: online("1.001193", commune),
            lambda: online("1.000656", commune),
            lambda: online("1.004873", commune, _supplement("tiepnhanxa", "Giấy tờ tùy thân")),
            lambda: online("1.000656", commune, _refuse()),
            lambda: online("1.001193", commune, Step(Act.WITHDRAW, CITIZEN, _said("Nộp nhầm"))),
            lambda: counter("2.000815", commune),
            lambda: counter("1.001193", commune, forward),
            lambda: counter("1.004873", commune, forward, _apology("tiepnhanxa")),
            lambda: counter(
                "1.004873",
                commune,
                forward,
                _supplement("chuyenvienxa", "Giấy xác nhận tình trạng hôn nhân nơi cư trú cũ"),
            ),
            lambda: counter(
                "1.004873",
                commune,
                forward,
                Step(Act.STOP, "lanhdaoxa", _said("Chờ kết quả xác minh của cơ quan công an")),
            ),
            lambda: counter(
                "1.004873",
                commune,
                forward,
                Step(Act.TRANSFER, "chuyenvienxa", _said("Đề nghị xác minh"), transfer=True),
            ),
            lambda: counter("2.000815", commune, forward, forward, _finish("lanhdaoxa")),
            lambda: counter(
                "2.000815", commune, forward, forward, _finish("lanhdaoxa"), _returned()
            ),
            lambda: counter("2.000488", department),
            lambda: counter("2.000488", department, forward, _apology("tiepnhan")),
            lambda: counter(
                "2.000488",
                department,
                forward,
                Step(
                    Act.REQUEST_FINANCIAL_OBLIGATION,
                    "chuyenvien",
                    ActInput(comment="Phí cấp Phiếu lý lịch tư pháp", amount=200_000),
                ),
            ),
            lambda: counter("2.000488", department, forward, forward),
            lambda: counter(
                "2.000488",
                department,
                forward,
                forward,
                forward,
                forward,
                SignedResult("lanhdao", "vanthu", "15/STP-LLTP"),
                Step(Act.FINISH, "vanthu"),  # the number is the one the clerk gave
            ),
            # The demo citizen's request for a copy of a civil status extract: its fee is paid
            # before acceptance; one is paid by bank transfer (its e-receipt is in the citizen's
            # e-warehouse) and accepted, the other waits for the citizen to pay online.
            lambda: online(
                demo_payments.EXTRACT_COPIES,
                commune,
                PaidByTransfer(),
                Step(Act.ACCEPT, "tiepnhanxa"),
            ),
            lambda: online(demo_payments.EXTRACT_COPIES, commune),
            # The demo citizen's birth registration, returned online with its signed e-result
            # (the ward has no clerk: its chairman signs and seals).
            lambda: online(
                BIRTH_REGISTRATION,
                commune,
                Step(Act.ACCEPT, "tiepnhanxa"),
                forward,
                forward,
                SignedResult("lanhdaoxa", "lanhdaoxa", "27/TLKS-UBND"),
                Step(Act.FINISH, "lanhdaoxa"),
                _returned_online(),
            ),
        ]
        for recipe in recipes:
            try:
                with transaction.atomic():
                    recipe()
            except DomainError as error:  # a role or procedure an administrator changed
                logger.warning("Demo dossier skipped: %s", error)

    def _online(self, code: str, agency_key: str, *steps: Recipe) -> None:
        """Submitted online by the demo citizen, with the e-form's answers where the procedure
        has its own e-form (birth registration), kept as the online submission keeps them."""
        citizen = _user(CITIZEN)
        procedure = Procedure.objects.get(national_code=code)
        form = eform_for(procedure)
        clean: dict[str, Any] = {}
        if form.custom and code == BIRTH_REGISTRATION:
            clean, errors = validate_answers(form.definition, _birth_answers())
            clean = {} if errors else clean
        answered = bool(clean)
        details = applicant_fields(clean) if answered else {}
        dossier = dossier_register(
            procedure=procedure,
            agency=Agency.objects.get(slug=agency_key),
            channel=Channel.ONLINE,
            applicant=Applicant(
                **details or {"name": citizen.full_name, "id_number": "022090001234", "email": ""},
                user=citizen,
            ),
            actor=citizen,
        )
        if answered:
            dossier.form_data, dossier.form_version = clean, form.version
        dossier.reference = reference_new()  # as an online submission gets at once
        dossier.save(update_fields=["form_data", "form_version", "reference", "updated_at"])
        rename_requests(dossier)
        _apply(dossier, steps)

    def _counter(self, code: str, agency_key: str, *steps: Recipe) -> None:
        procedure = Procedure.objects.get(national_code=code)
        agency = Agency.objects.get(slug=agency_key)
        officer = "tiepnhanxa" if agency_key == COMMUNE else "tiepnhan"
        dossier = dossier_receive(
            procedure=procedure,
            agency=agency,
            channel=Channel.DIRECT,
            applicant=Applicant(
                name="Trần Thị Minh Anh",
                id_number="022185006789",
                address="Tổ 5, khu 3, phường Hạ Long, tỉnh Quảng Ninh",
            ),
            actor=_user(officer),
            components=[
                ComponentReceived(component_id=component.pk, originals=1)
                for component in procedure.components.order_by("position", "id")
            ],
        )
        for request in payable_requests(dossier):  # the fee, paid in cash at the counter
            payment_record_at_counter(
                request=request, actor=_user(officer), method=Method.CASH, amount=request.amount
            )
        _apply(dossier, steps)


def _birth_answers() -> dict[str, Any]:
    """A birth declaration (the bundled e-form of 1.001193) for a child born ten days ago."""
    born = timezone.localdate() - timedelta(days=10)
    residence = "Tổ 5, khu 3, phường Hạ Long, tỉnh Quảng Ninh"
    return {
        "applicant_name": "Nguyễn Thị Lan",
        "applicant_address": residence,
        "applicant_id_number": "022190001234",
        "relationship": "me",
        "applicant_phone": "0912 345 678",
        "child_name": "Trần Minh An",
        "child_birth_date": born.strftime("%d/%m/%Y"),
        "child_sex": "nam",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
        "child_birth_place": "Bệnh viện Sản Nhi Quảng Ninh",
        "child_hometown": "Quảng Ninh",
        "mother_name": "Nguyễn Thị Lan",
        "mother_birth_year": "1990",
        "mother_ethnicity": "Kinh",
        "mother_nationality": "Việt Nam",
        "mother_residence": residence,
        "father_declared": True,
        "father_name": "Trần Văn Bình",
        "father_birth_year": "1988",
        "father_ethnicity": "Kinh",
        "father_nationality": "Việt Nam",
        "father_residence": residence,
    }


def _apply(dossier: Dossier, steps: tuple[Recipe, ...]) -> None:
    for step in steps:
        dossier.refresh_from_db()
        if isinstance(step, PaidByTransfer):
            _pay_by_transfer(dossier)
            continue
        if isinstance(step, SignedResult):
            signing.issue_signed_result(
                dossier,
                title=RESULT_TITLES.get(dossier.procedure.national_code, dossier.procedure.name),
                sections=_result_sections(dossier),
                leader=_user(step.leader),
                sealer=_user(step.sealer),
                number_notation=step.number_notation,
            )
            continue
        actor = _user(step.actor) if step.actor else _holder(dossier)
        data = step.data
        if step.act == Act.APOLOGISE:
            data = ActInput(comment=data.comment, new_appointment=_next_day(dossier))
        if step.transfer:
            assert dossier.process is not None
            target = dossier.process.steps.exclude(agency=None).order_by("position").first()
            data = ActInput(comment=data.comment, target_step_id=target.pk if target else None)
        dossier = dossier_act(dossier=dossier, act=step.act, actor=actor, data=data)


def _pay_by_transfer(dossier: Dossier) -> None:
    for request in payable_requests(dossier):
        account = request.account
        payment_settle(
            request=request,
            method=Method.TRANSFER,
            amount=request.amount,
            transaction_ref=f"DEMO{request.reference}",
            paid_at=timezone.now(),
            gateway=f"bank:{account.bank.bin}" if account else "bank",
        )


def _holder(dossier: Dossier) -> User:
    """The official holding the dossier's current step (for a forward)."""
    step = dossier.current_step
    assert step is not None
    user = (
        User.objects.filter(memberships__agency=dossier.current_agency, memberships__role=step.role)
        .order_by("pk")
        .first()
    )
    if user is None:
        raise DomainError(f"nobody holds the step {step.name}", code="demo_no_holder")
    return user


def _next_day(dossier: Dossier) -> date:
    """The first working day after the dossier's appointment (an apology's new date)."""
    appointment = dossier.appointment_at
    assert appointment is not None
    calendar = calendar_for(dossier.receiving_agency)
    return calendar.next_working_day(local(appointment).date() + timedelta(days=1))


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise DomainError(f"the demo user {username} is missing", code="demo_user_missing")
    return user


def _said(comment: str) -> ActInput:
    return ActInput(comment=comment)


def _supplement(actor: str, missing: str) -> Step:
    return Step(Act.REQUEST_SUPPLEMENT, actor, ActInput(comment=COMMENT, missing=[missing]))


def _refuse() -> Step:
    reason = "Việc khai tử đã được đăng ký tại cơ quan khác"
    return Step(Act.REFUSE, "tiepnhanxa", _said(reason))


def _apology(actor: str) -> Step:
    return Step(Act.APOLOGISE, actor, _said("Cần thêm thời gian xác minh thông tin"))


def _finish(actor: str) -> Step:
    return Step(Act.FINISH, actor, ActInput(result_number="15/2026/DEMO"))


def _returned_online() -> Step:
    return Step(Act.RETURN_RESULT, "tiepnhanxa", ActInput(return_method=ReturnMethod.ONLINE))


def _result_sections(dossier: Dossier) -> list[tuple[str, list[tuple[str, str]]]]:
    """What the demo e-result says: the child and parents from a birth declaration's answers,
    else the applicant (a judicial record with nothing recorded)."""
    answers = dossier.form_data or {}
    if answers.get("child_name"):
        child = [
            ("Họ, chữ đệm, tên", str(answers["child_name"]).upper()),
            ("Ngày, tháng, năm sinh", answers.get("child_birth_date", "")),
            ("Giới tính", "Nam" if answers.get("child_sex") == "nam" else "Nữ"),
            ("Dân tộc", answers.get("child_ethnicity", "")),
            ("Quốc tịch", answers.get("child_nationality", "")),
            ("Nơi sinh", answers.get("child_birth_place", "")),
            ("Quê quán", answers.get("child_hometown", "")),
        ]
        parents = [
            ("Họ, chữ đệm, tên người mẹ", answers.get("mother_name", "")),
            ("Họ, chữ đệm, tên người cha", answers.get("father_name", "")),
            ("Nơi cư trú", answers.get("mother_residence", "")),
        ]
        return [("", child), ("Cha, mẹ", parents)]
    person = [
        ("Họ và tên", dossier.applicant_name.upper()),
        ("Số định danh cá nhân", dossier.applicant_id_number),
        ("Nơi cư trú", dossier.applicant_address),
        ("Tình trạng án tích", "Không có án tích"),
        (
            "Cấm đảm nhiệm chức vụ, thành lập, quản lý doanh nghiệp, hợp tác xã",
            "Không bị cấm",
        ),
    ]
    return [("", person)]


def _returned() -> Step:
    data = ActInput(
        return_method=ReturnMethod.COUNTER,
        recipient_name="Trần Thị Minh Anh",
        recipient_id_number="022185006789",
    )
    return Step(Act.RETURN_RESULT, "tiepnhanxa", data)


def _rate() -> None:
    """The demo citizen's ratings of their returned dossiers (all but the latest few)."""
    citizen = User.objects.filter(username=CITIZEN).first()
    if citizen is None:
        return
    returned = Dossier.objects.filter(
        applicant_user=citizen, status=DossierStatus.RESULT_RETURNED
    ).order_by("returned_at", "pk")
    rows = list(returned)[:-UNRATED] if returned.count() > UNRATED else []
    for index, dossier in enumerate(rows):
        dossier_rate(dossier=dossier, actor=citizen, overall=RATINGS[index % len(RATINGS)])
