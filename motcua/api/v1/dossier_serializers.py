"""What the dossier API (motcua.api.v1.dossiers) answers: a dossier in a list, the whole
dossier with its e-form answers, its timeline, and the problems; the input is in
dossier_inputs."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from motcua.catalogue.constants import Channel
from motcua.core.models import AuditEvent
from motcua.dossiers.answers import dossier_answers
from motcua.dossiers.constants import (
    NATIONAL_STATUS_CODE,
    Act,
    ApplicantKind,
    DossierStatus,
    FeeStatus,
    ReturnMethod,
)
from motcua.dossiers.models import JUDGEMENT_CHOICES, Dossier
from motcua.dossiers.selectors import dossier_allowed_acts

from .common import ProblemSerializer
from .deadlines import AwareDateTimeField
from .payment_serializers import PaymentItemSerializer, payment_items
from .result_serializers import ResultItemSerializer, result_items


class DomainProblemSerializer(ProblemSerializer):
    """A problem raised by a business rule also says which one, in `code`."""

    code = serializers.CharField(
        required=False,
        help_text="The rule that said no, e.g. validation_failed, act_not_permitted (403), "
        "transition_not_allowed, stale_version, move_not_allowed, process_not_finished (409)",
    )


# --- output -----------------------------------------------------------------------------------


class AgencyRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="The agency's key, as used in filters")
    identifier = serializers.CharField(help_text="Mã định danh, the first part of dossier codes")
    name = serializers.CharField()


class ProcedureRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="national_code", help_text="National code, e.g. 1.004227")
    name = serializers.CharField()


class DossierStepRefSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="The role that holds the step (accounts.Role)")
    agency = AgencyRefSerializer()


class DossierListItemSerializer(serializers.Serializer):
    """What a list shows of a dossier; the detail adds the rest."""

    uid = serializers.UUIDField(help_text="The reference, known before the dossier has a code")
    code = serializers.CharField(
        allow_null=True, help_text="Mã hồ sơ, given at acceptance; null before"
    )
    reference = serializers.CharField(
        allow_null=True,
        help_text="The short reference an online submission gets at once (8 characters); the "
        "public lookup accepts it like the code. Null for dossiers received at the counter",
    )
    procedure = ProcedureRefSerializer()
    receiving_agency = AgencyRefSerializer(help_text="The agency that received it")
    current_agency = AgencyRefSerializer(
        help_text="The agency holding it now (another one during liên thông)"
    )
    channel = serializers.ChoiceField(choices=Channel.choices)
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    national_status = serializers.SerializerMethodField(
        help_text="The national status code 1–10 (trạng thái hồ sơ on the national portal)"
    )
    applicant_name = serializers.CharField()
    submitted_at = AwareDateTimeField(help_text="Submitted (nộp), Vietnam time")
    accepted_at = AwareDateTimeField(allow_null=True, help_text="Accepted (tiếp nhận)")
    due_at = AwareDateTimeField(allow_null=True, help_text="Appointment (hẹn trả kết quả)")
    finished_at = AwareDateTimeField(allow_null=True, help_text="Result ready (có kết quả)")
    judgement = serializers.ChoiceField(
        choices=JUDGEMENT_CHOICES,
        allow_blank=True,
        help_text="Early / on time / late, once processed; empty before",
    )
    version = serializers.IntegerField(
        help_text="Counts the acts; send it with an act to refuse acting on a stale view"
    )

    def get_national_status(self, dossier: Dossier) -> int:
        return NATIONAL_STATUS_CODE[DossierStatus(dossier.status)]


class DossierApplicantSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, source="applicant_kind")
    name = serializers.CharField(source="applicant_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    representative_name = serializers.CharField()
    representative_id_number = serializers.CharField()
    representative_phone = serializers.CharField()
    authorisation = serializers.CharField()


class DossierLegalTimeSerializer(serializers.Serializer):
    """Exactly one of the three is given."""

    working_days = serializers.IntegerField(allow_null=True)
    working_hours = serializers.IntegerField(allow_null=True)
    calendar_days = serializers.IntegerField(allow_null=True)
    count = serializers.CharField(help_text="How working days count: end_of_day or hours")


class DossierComponentSerializer(serializers.Serializer):
    name = serializers.CharField()
    originals = serializers.IntegerField()
    certified_copies = serializers.IntegerField()
    copies = serializers.IntegerField(help_text="Plain copies (photocopies)")
    note = serializers.CharField()
    files = serializers.IntegerField(source="file_count", help_text="Files attached")


class DossierFeeSerializer(serializers.Serializer):
    description = serializers.CharField()
    amount = serializers.IntegerField(help_text="VND")
    status = serializers.ChoiceField(choices=FeeStatus.choices)
    paid_at = AwareDateTimeField(allow_null=True)
    reference = serializers.CharField()


class DossierAppointmentChangeSerializer(serializers.Serializer):
    previous_due_at = AwareDateTimeField(allow_null=True)
    new_due_at = AwareDateTimeField(allow_null=True)
    act = serializers.CharField()
    changed_at = AwareDateTimeField()


class DossierAnswerFieldSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="The answer's path: the field's key, or <group>.<row>.<key> in a row of a "
        "repeating group (rows counted from 0)"
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The field's label in the request's language; the stored key when the "
        "e-form no longer has the field"
    )
    value = serializers.CharField(
        help_text="The answer for people: dates dd/mm/yyyy, choices by their label, yes/no as "
        "Có/Không, decimals with a comma; empty for a group"
    )
    raw = serializers.JSONField(
        help_text="The answer as stored: ISO dates, option values, numbers, true/false, lists"
    )
    type = serializers.CharField(
        help_text="The field's type (text, date, select, checkbox, boolean, …), group, or empty "
        "when the e-form no longer has the field"
    )
    known = serializers.BooleanField(help_text="false when the e-form no longer has the field")


class DossierAnswerRowSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="The row's name, e.g. “Thành viên 2”"
    )
    answers = DossierAnswerFieldSerializer(many=True)


class DossierAnswerSerializer(DossierAnswerFieldSerializer):
    rows = DossierAnswerRowSerializer(
        many=True, help_text="For a repeating group, its rows; empty otherwise"
    )


class DossierDetailSerializer(DossierListItemSerializer):
    """The whole dossier, personal data included: only its officials and its applicant see it."""

    current_step = serializers.SerializerMethodField(
        help_text="The step of the internal process (quy trình nội bộ) holding it; null "
        "without a process or once processed"
    )
    applicant = DossierApplicantSerializer(source="*")
    paused_at = AwareDateTimeField(
        allow_null=True, help_text="Paused (tạm dừng) since; null when the clock runs"
    )
    returned_at = AwareDateTimeField(allow_null=True, help_text="Result returned (trả kết quả)")
    closed_at = AwareDateTimeField(allow_null=True, help_text="Refused, withdrawn or returned")
    legal_time = DossierLegalTimeSerializer(
        allow_null=True, help_text="The procedure's time for this channel at acceptance"
    )
    result_number = serializers.CharField()
    return_method = serializers.ChoiceField(choices=ReturnMethod.choices, allow_blank=True)
    result_delivery = serializers.ChoiceField(
        choices=ReturnMethod.choices,
        allow_blank=True,
        help_text="How the applicant asked to receive the result (counter, post, online)",
    )
    result_delivery_address = serializers.CharField(
        help_text="Where the result goes when it is sent by post"
    )
    apology_due_at = AwareDateTimeField(
        allow_null=True,
        help_text="The new appointment of the latest apology (Mẫu 04); due_at stays the legal "
        "deadline",
    )
    result_recipient_name = serializers.CharField(help_text="Who took the result at the counter")
    post_tracking_number = serializers.CharField(help_text="The postal item carrying the result")
    components = DossierComponentSerializer(many=True, help_text="Thành phần hồ sơ as handed in")
    fees = DossierFeeSerializer(many=True, help_text="Phí, lệ phí and financial obligations")
    appointment_changes = DossierAppointmentChangeSerializer(
        many=True, help_text="Every appointment given, oldest first"
    )
    allowed_acts = serializers.SerializerMethodField(
        help_text="The acts the caller may perform now by their roles (the internal process "
        "may still reserve forward / send back / transfer / finish to the current step's role)"
    )

    answers = serializers.SerializerMethodField(
        help_text="The e-form answers given online (tờ khai), in the form's order; answers of "
        "fields the e-form no longer has come last with their stored key. Empty for a dossier "
        "received at the counter or by post"
    )

    results = serializers.SerializerMethodField(
        help_text="The result documents (kết quả), each with whether it is signed as the law "
        "asks (a valid personal and organisation signature) and where to download it; the "
        "applicant sees them once the result was returned"
    )

    payments = serializers.SerializerMethodField(
        help_text="The payment requests (phí, lệ phí, nghĩa vụ tài chính), as "
        "GET /api/v1/dossiers/{key}/payments lists them"
    )

    @extend_schema_field(PaymentItemSerializer(many=True))
    def get_payments(self, dossier: Dossier) -> list[dict[str, Any]]:
        return payment_items(self.context["request"], dossier)

    @extend_schema_field(ResultItemSerializer(many=True))
    def get_results(self, dossier: Dossier) -> list[dict[str, Any]]:
        return result_items(self.context["request"], dossier)

    @extend_schema_field(DossierAnswerSerializer(many=True))
    def get_answers(self, dossier: Dossier) -> list[dict[str, Any]]:
        return DossierAnswerSerializer(dossier_answers(dossier), many=True).data  # type: ignore[return-value]

    @extend_schema_field(DossierStepRefSerializer(allow_null=True))
    def get_current_step(self, dossier: Dossier) -> dict[str, Any] | None:
        step = dossier.current_step
        if step is None:
            return None
        agency = step.agency or (dossier.process.agency if dossier.process else None)
        return {
            "position": step.position,
            "name": step.name,
            "role": step.role,
            "agency": AgencyRefSerializer(agency or dossier.current_agency).data,
        }

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Act.choices)))
    def get_allowed_acts(self, dossier: Dossier) -> list[str]:
        user = self.context["request"].user
        return [act.value for act in dossier_allowed_acts(dossier=dossier, user=user)]


class AuditBrokenLinkSerializer(serializers.Serializer):
    seq = serializers.IntegerField(help_text="Position of the first event that does not verify")
    event_id = serializers.IntegerField(allow_null=True, help_text="null when it was deleted")
    reason = serializers.ChoiceField(choices=["content", "link", "missing"])


class DossierEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    occurred_at = AwareDateTimeField()
    action = serializers.CharField(help_text="dossier.<act>, e.g. dossier.accept")
    actor = serializers.SerializerMethodField()
    data = serializers.DictField(  # type: ignore[assignment]
        help_text="What the act recorded (statuses, reasons, times)"
    )

    def get_actor(self, event: AuditEvent) -> str | None:
        if event.actor is None:
            return None
        return str(getattr(event.actor, "full_name", "") or event.actor.get_username())


class DossierTimelineSerializer(serializers.Serializer):
    chain_intact = serializers.BooleanField(
        help_text="Whether every event still matches its hash chain"
    )
    broken_link = AuditBrokenLinkSerializer(allow_null=True)
    events = DossierEventSerializer(many=True)
