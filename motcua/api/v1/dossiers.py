"""Dossier API (hồ sơ): register and receive, list and read what the caller may see, the
timeline with its hash-chain check, and the acts of the status machine.

Every endpoint needs credentials (a token or a browser session). A dossier the caller may not
see answers 404 on every endpoint, acts included, so its existence is not revealed. Writes go
through `dossiers.services`, reads through `dossiers.selectors` (the visibility rule).
"""

from typing import Any

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.fields import empty
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Agency, User
from motcua.accounts.selectors import agency_list_valid_on, user_is_official
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_list_published
from motcua.core.models import AuditEvent
from motcua.dossiers import services
from motcua.dossiers.constants import (
    NATIONAL_STATUS_CODE,
    Act,
    ApplicantKind,
    DossierStatus,
    FeeStatus,
    ReturnMethod,
)
from motcua.dossiers.models import JUDGEMENT_CHOICES, Dossier, DossierComponent
from motcua.dossiers.selectors import (
    dossier_allowed_acts,
    dossier_events,
    dossier_filter,
    dossier_get_visible,
    dossier_list_visible,
    dossier_verify,
)

from .common import PROBLEM, ProblemSerializer, paginate, paginated_schema
from .deadlines import AwareDateTimeField
from .procedures import PageField

TAGS = ["dossiers"]
MAX_COMPONENTS = 100
MAX_COUNT = 99  # originals or copies of one paper
MAX_AMOUNT = 10**15  # VND: more is a typo
MAX_ID = 2**63 - 1

# --- shared pieces ----------------------------------------------------------------------------


class DomainProblemSerializer(ProblemSerializer):
    """A problem raised by a business rule also says which one, in `code`."""

    code = serializers.CharField(
        required=False,
        help_text="The rule that said no, e.g. validation_failed, act_not_permitted (403), "
        "transition_not_allowed, stale_version, move_not_allowed, process_not_finished (409)",
    )


def _problems(*codes: int) -> dict[Any, Any]:
    descriptions = {
        400: "Bad input: `errors` maps each field to its messages; rules the services check "
        "are under `non_field_errors`. Nothing was changed.",
        401: "No or bad credentials (send `Authorization: Token <key>`).",
        403: "The caller may not do this (e.g. not a reception officer of the agency, or not "
        "the role of the current step). Nothing was changed.",
        404: "No such dossier, or the caller may not see it.",
        409: "The dossier's state does not allow it (e.g. the act is not possible in its "
        "status, the dossier changed since `version`). Nothing was changed.",
    }
    return {
        (code, PROBLEM): OpenApiResponse(DomainProblemSerializer, description=descriptions[code])
        for code in codes
    }


KEY = OpenApiParameter(
    "key",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The dossier code (mã hồ sơ, e.g. 000.00.01.H49-260302-0001) or, before it "
    "has one, its reference (uid)",
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[401],
    description="The credentials to send: Token",
)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # IsAuthenticated let the request in
    return user


def _visible_or_404(user: User, key: str) -> Dossier:
    """The dossier `key` names if the caller may see it; 404 otherwise (also for a key with a
    character no code has and the database would refuse)."""
    if "\x00" in key:
        raise NotFound(_("Not found."))
    try:
        return dossier_get_visible(user=user, key=key)
    except Dossier.DoesNotExist:
        raise NotFound(_("Not found.")) from None


def _detail(request: Request, dossier: Dossier) -> dict[str, Any]:
    prefetch_related_objects(
        [dossier],
        Prefetch(
            "components", queryset=DossierComponent.objects.annotate(file_count=Count("files"))
        ),
        "fees",
        "appointment_changes",
        "process__agency",
        "current_step__agency",
    )
    return DossierDetailSerializer(dossier, context={"request": request}).data


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
    copies = serializers.IntegerField()
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


# --- input ------------------------------------------------------------------------------------


class EmptyIsInvalidMixin:
    """An empty query parameter (`overdue=`) is an error, as the schema says, not "absent"."""

    def get_value(self, dictionary: Any) -> Any:
        if dictionary.get(self.field_name) == "":  # type: ignore[attr-defined]
            return ""
        return super().get_value(dictionary)  # type: ignore[misc]


class QueryDateField(EmptyIsInvalidMixin, serializers.DateField):
    pass


class QueryBooleanField(EmptyIsInvalidMixin, serializers.BooleanField):
    """A flag that filters only when given (DRF reads a missing one as false)."""

    default_empty_html = empty


class ApplicantInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN)
    name = serializers.CharField(max_length=255, help_text="Người nộp: person or organisation")
    id_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text="CCCD (12 digits for a citizen) or tax code",
    )
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    representative_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="Người đại diện"
    )
    representative_id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    representative_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    authorisation = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="The letter of authorisation (giấy ủy quyền); required with a representative",
    )


class ComponentInputSerializer(serializers.Serializer):
    component = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The procedure's component (id); omit for an extra paper",
    )
    name = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Defaults to the component's name",
    )
    originals = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    copies = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class DossierCreateSerializer(serializers.Serializer):
    procedure = serializers.CharField(
        max_length=20, help_text="National code of a procedure in force, e.g. 1.004227"
    )
    agency = serializers.CharField(max_length=100, help_text="Key (slug) of the receiving agency")
    channel = serializers.ChoiceField(choices=Channel.choices)
    applicant = ApplicantInputSerializer()
    components = serializers.ListField(
        child=ComponentInputSerializer(), required=False, default=list, max_length=MAX_COMPONENTS
    )
    accept = serializers.BooleanField(
        default=False,
        help_text="true: a reception officer receives it at once (tiếp nhận: code, appointment); "
        "false: it waits, newly registered, for the one-stop",
    )

    def validate_procedure(self, value: str) -> Procedure:
        procedure = procedure_list_published().filter(national_code=value).first()
        if procedure is None:
            raise serializers.ValidationError(
                _("No procedure in force has the code “%(code)s”.") % {"code": value}
            )
        return procedure

    def validate_agency(self, value: str) -> Agency:
        agency = agency_list_valid_on(day=timezone.localdate()).filter(slug=value).first()
        if agency is None:
            raise serializers.ValidationError(
                _("No agency in operation has the key “%(key)s”.") % {"key": value}
            )
        return agency


class DossierFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=DossierStatus.choices, required=False, allow_blank=True
    )
    procedure = serializers.RegexField(
        r"^\d\.\d{6}$",
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="National code of the procedure",
    )
    agency = serializers.SlugField(
        required=False, allow_blank=True, max_length=100, help_text="Receiving agency's key"
    )
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, allow_blank=True)
    received_from = QueryDateField(
        required=False, help_text="Submitted on or after this day (Vietnam time)"
    )
    received_to = QueryDateField(
        required=False, help_text="Submitted on or before this day (Vietnam time)"
    )
    # "+", not "*": with allow_blank the schema is oneOf(pattern, empty), and "" must match
    # only one of them.
    code = serializers.RegexField(
        r"^[^\x00]+$", required=False, allow_blank=True, max_length=60, help_text="Exact code"
    )
    overdue = QueryBooleanField(
        required=False,
        help_text="true: past the appointment and neither processed, closed nor paused "
        "(quá hạn); false: all others",
    )
    page = PageField(required=False, min_value=1)


class DossierActSerializer(serializers.Serializer):
    act = serializers.ChoiceField(choices=Act.choices)
    comment = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Reason or comment; required to refuse, request a supplement or a financial "
        "obligation (its description), send back and stop",
    )
    target_step = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="Step (id) to move to, when the process offers several",
    )
    missing = serializers.ListField(
        child=serializers.CharField(max_length=500),
        required=False,
        max_length=50,
        default=list,
        help_text="The missing papers, for request_supplement",
    )
    amount = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_AMOUNT,
        help_text="VND, for request_financial_obligation",
    )
    reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Payment reference, for confirm_payment",
    )
    result_number = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text="Number of the result document, for finish",
    )
    return_method = serializers.ChoiceField(
        choices=ReturnMethod.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="How the result was returned, for return_result",
    )
    recipient_name = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        default="",
        help_text="Who took the result at the counter (required for return_method=counter)",
    )
    recipient_id_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="Their ID number"
    )
    originals_collected = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Original papers taken back when the result was handed over",
    )
    tracking_number = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Postal tracking number (required for return_method=post)",
    )
    new_appointment = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For apologise (Mẫu 04): the new appointment, a working day after the "
        "current one; the result is due at that day's closing time",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_ID,
        help_text="The dossier's version you saw; if it changed since, 409 and nothing happens",
    )


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


# --- views ------------------------------------------------------------------------------------


class DossierListApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="dossiers_list",
        tags=TAGS,
        parameters=[DossierFilterSerializer, WWW_AUTHENTICATE],
        responses={200: paginated_schema(DossierListItemSerializer), **_problems(400, 401, 404)},
        summary="List the dossiers (hồ sơ) the caller may see",
        description="Newest first, 20 a page. Officials see the dossiers of their agencies "
        "(received there, held there now, or passed through one of their steps); province "
        "administrators and supervisors see all; applicants see their own. A page past the "
        "end is 404.",
    )
    def get(self, request: Request) -> Response:
        filters = DossierFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        criteria = {k: v for k, v in filters.validated_data.items() if k != "page"}
        dossiers = dossier_filter(dossier_list_visible(user=_user(request)), **criteria)
        # A QuerySet pages like a sequence (Django's Paginator counts it in the database).
        return paginate(request, self, dossiers, DossierListItemSerializer)  # type: ignore[arg-type]

    @extend_schema(
        operation_id="dossiers_create",
        tags=TAGS,
        request=DossierCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[201],
                description="The new dossier's URL",
            ),
            WWW_AUTHENTICATE,
        ],
        responses={201: DossierDetailSerializer, **_problems(400, 401, 403, 409)},
        summary="Register a dossier (đăng ký) or receive it at the counter (tiếp nhận)",
        description="Online, a citizen registers their own dossier (they become its "
        "applicant; it waits, newly registered, without a code). A reception officer (cán bộ "
        "một cửa) of the agency registers postal dossiers, or with `accept: true` receives a "
        "dossier at once: it gets its code (mã hồ sơ) and appointment (hẹn trả) and enters "
        "the internal process. Anyone else gets 403; bad input 400; nothing is stored then.",
        examples=[
            OpenApiExample(
                "Counter intake",
                request_only=True,
                value={
                    "procedure": "1.004227",
                    "agency": "xa-a",
                    "channel": "direct",
                    "accept": True,
                    "applicant": {
                        "name": "Nguyễn Văn An",
                        "id_number": "022090001234",
                        "phone": "0912345678",
                    },
                    "components": [{"name": "Đơn đăng ký", "originals": 1}],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        params = DossierCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        user = _user(request)
        # Online, a citizen's account applies for itself; officials register for others.
        own = data["channel"] == Channel.ONLINE and not user_is_official(user=user)
        applicant = services.Applicant(**data["applicant"], user=user if own else None)
        components = [
            services.ComponentReceived(
                component_id=item["component"],
                name=item["name"],
                originals=item["originals"],
                copies=item["copies"],
                note=item["note"],
            )
            for item in data["components"]
        ]
        register = services.dossier_receive if data["accept"] else services.dossier_register
        dossier = register(
            procedure=data["procedure"],
            agency=data["agency"],
            channel=data["channel"],
            applicant=applicant,
            actor=user,
            components=components,
        )
        location = request.build_absolute_uri(
            reverse("api:dossier-detail", kwargs={"key": dossier.key})
        )
        return Response(_detail(request, dossier), status=201, headers={"Location": location})


class DossierDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossiers_retrieve",
        tags=TAGS,
        parameters=[KEY, WWW_AUTHENTICATE],
        responses={200: DossierDetailSerializer, **_problems(401, 404)},
        summary="One dossier (hồ sơ) with its applicant, papers, fees and appointments",
        description="Times are Vietnam time (+07:00). `national_status` is the national "
        "status code; `allowed_acts` what the caller may do now.",
    )
    def get(self, request: Request, key: str) -> Response:
        return Response(_detail(request, _visible_or_404(_user(request), key)))


class DossierEventsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="dossiers_events",
        tags=TAGS,
        parameters=[KEY, WWW_AUTHENTICATE],
        responses={200: DossierTimelineSerializer, **_problems(401, 404)},
        summary="The dossier's timeline (quá trình xử lý) and whether its audit chain is intact",
        description="Every act, oldest first, from the dossier's own hash chain. "
        "`chain_intact` is false when an event was edited, inserted or deleted; "
        "`broken_link` then names the first event that does not verify.",
    )
    def get(self, request: Request, key: str) -> Response:
        dossier = _visible_or_404(_user(request), key)
        broken = dossier_verify(dossier=dossier)
        timeline = {
            "chain_intact": broken is None,
            "broken_link": broken,
            "events": dossier_events(dossier=dossier),
        }
        return Response(DossierTimelineSerializer(timeline).data)


class DossierActApi(APIView):
    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="dossiers_act",
        tags=TAGS,
        request=DossierActSerializer,
        parameters=[KEY, WWW_AUTHENTICATE],
        responses={200: DossierDetailSerializer, **_problems(400, 401, 403, 404, 409)},
        summary="Act on a dossier: accept, refuse, forward, request a supplement, finish, …",
        description="One act of the status machine: tiếp nhận (accept), từ chối (refuse), "
        "yêu cầu bổ sung (request_supplement), chuyển bước (forward), trả lại bước trước "
        "(send_back), liên thông (transfer / receive_back), tạm dừng (stop / resume), nghĩa "
        "vụ tài chính (request_financial_obligation / confirm_payment), rút hồ sơ "
        "(withdraw), hoàn thành (finish), trả kết quả (return_result). Answers the updated "
        "dossier. 409 when the status does not allow the act, 403 when the caller's role "
        "does not; nothing changes then.",
        examples=[
            OpenApiExample(
                "Request a supplement",
                request_only=True,
                value={
                    "act": "request_supplement",
                    "comment": "Thiếu bản vẽ",
                    "missing": ["Bản vẽ hiện trạng"],
                    "version": 2,
                },
            )
        ],
    )
    def post(self, request: Request, key: str) -> Response:
        user = _user(request)
        dossier = _visible_or_404(user, key)
        params = DossierActSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        dossier = services.dossier_act(
            dossier=dossier,
            act=data["act"],
            actor=user,
            data=services.ActInput(
                comment=data["comment"],
                target_step_id=data["target_step"],
                missing=data["missing"],
                amount=data["amount"],
                reference=data["reference"],
                result_number=data["result_number"],
                return_method=data["return_method"],
                recipient_name=data["recipient_name"],
                recipient_id_number=data["recipient_id_number"],
                originals_collected=data["originals_collected"],
                tracking_number=data["tracking_number"],
                new_appointment=data["new_appointment"],
                expected_version=data["version"],
            ),
        )
        return Response(_detail(request, dossier))
