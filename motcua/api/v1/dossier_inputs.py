"""What the dossier API (motcua.api.v1.dossiers) accepts: the new dossier, the list's
filters and an act, each checked before any service is called (bad input: 400, nothing done)."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.fields import empty

from motcua.accounts.models import Agency
from motcua.accounts.selectors import agency_list_valid_on
from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Procedure
from motcua.catalogue.selectors import procedure_list_published
from motcua.dossiers.constants import Act, ApplicantKind, DossierStatus, ReturnMethod

from .procedures import PageField

MAX_COMPONENTS = 100
MAX_COUNT = 99  # originals or copies of one paper
MAX_AMOUNT = 10**15  # VND: more is a typo
MAX_ID = 2**63 - 1


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
    certified_copies = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, default=0)
    copies = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, default=0, help_text="Plain copies (photocopies)"
    )
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
    answer_by = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For request_supplement (Mẫu 02): the working day by which the applicant must "
        "answer; absent, the installation's usual time (MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS)",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=MAX_ID,
        help_text="The dossier's version you saw; if it changed since, 409 and nothing happens",
    )
