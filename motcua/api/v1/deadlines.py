"""Public deadline calculator: when is a dossier received at a given time due?"""

import re
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.deadlines.calendar import HOURS_PER_DAY, Period, local
from motcua.deadlines.constants import DayCount
from motcua.deadlines.selectors import calendar_for

from .common import PROBLEM, ProblemSerializer

MAX_WORKING_DAYS = 1000  # about four years: more is a typo, not a legal time
MAX_WORKING_HOURS = MAX_WORKING_DAYS * HOURS_PER_DAY
SAME_DAY = "same_day"


@extend_schema_field(OpenApiTypes.DATETIME)
class AwareDateTimeField(serializers.Field):
    """ISO 8601 with a UTC offset; a space before the offset is read as "+" (an unencoded
    "+" in a query string arrives as a space)."""

    default_error_messages = {
        "invalid": _("Give a date and time in ISO 8601, e.g. 2025-04-25T16:00:00+07:00."),
        "naive": _("Give the UTC offset too, e.g. +07:00."),
        "range": _("Give a date between the years 2000 and 2099."),
    }

    def to_internal_value(self, data: Any) -> datetime:
        text = re.sub(r" (\d{2}(:?\d{2})?)$", r"+\1", str(data).strip())
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            self.fail("invalid")
        if value.tzinfo is None:
            self.fail("naive")
        if not 2000 <= local(value).year <= 2099:
            self.fail("range")
        return value

    def to_representation(self, value: datetime) -> str:
        return local(value).isoformat()


class DeadlineApi(APIView):
    class InputSerializer(serializers.Serializer):
        received_at = AwareDateTimeField(
            help_text="When the dossier was received (accepted), ISO 8601 with a UTC offset"
        )
        working_days = serializers.IntegerField(
            required=False,
            min_value=0,
            max_value=MAX_WORKING_DAYS,
            help_text="Legal time in working days; 0 = within the day (the 15:00 rule)",
        )
        working_hours = serializers.IntegerField(
            required=False,
            min_value=1,
            max_value=MAX_WORKING_HOURS,
            help_text="Legal time in working hours (give this or working_days)",
        )
        mode = serializers.ChoiceField(
            choices=[m.value for m in DayCount],
            required=False,
            help_text="How working days count: end_of_day (default; the receipt day is not "
            "counted, due at closing of the Nth working day) or hours (N×8 working hours)",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            has_days, has_hours = "working_days" in attrs, "working_hours" in attrs
            if has_days == has_hours:
                message = _("Give exactly one of working_days and working_hours.")
                raise serializers.ValidationError({"working_days": [message]})
            if has_hours and "mode" in attrs:
                message = _("mode applies to working_days only.")
                raise serializers.ValidationError({"mode": [message]})
            return attrs

    class OutputSerializer(serializers.Serializer):
        received_at = AwareDateTimeField()
        counted_from = AwareDateTimeField(help_text="When the legal clock starts running")
        due_at = AwareDateTimeField(help_text="The appointment (hẹn trả), Vietnam time")
        working_days = serializers.IntegerField(required=False)
        working_hours = serializers.IntegerField(required=False)
        mode = serializers.ChoiceField(choices=[*(m.value for m in DayCount), SAME_DAY])

    @extend_schema(
        operation_id="deadlines_compute",
        auth=[],
        parameters=[InputSerializer],
        responses={200: OutputSerializer, (400, PROBLEM): ProblemSerializer},
        summary="Compute the due time of a legal processing time",
        description="Working days skip weekends, Vietnamese public holidays, compensatory and "
        "swapped days off and count swapped working Saturdays. A receipt after closing or on a "
        "day off counts from the next working morning, during lunch from the afternoon.",
        examples=[
            OpenApiExample(
                "3 working days",
                response_only=True,
                value={
                    "received_at": "2025-04-25T16:00:00+07:00",
                    "counted_from": "2025-04-26T07:30:00+07:00",
                    "due_at": "2025-04-29T17:00:00+07:00",
                    "working_days": 3,
                    "mode": "end_of_day",
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return Response(self.OutputSerializer(compute(**params.validated_data)).data)


def compute(
    *,
    received_at: datetime,
    working_days: int | None = None,
    working_hours: int | None = None,
    mode: str = DayCount.END_OF_DAY,
) -> dict[str, Any]:
    period = Period(working_days, working_hours, DayCount(mode))
    span = (working_days or 0) + (working_hours or 0) // HOURS_PER_DAY
    start = local(received_at).year
    calendar = calendar_for(years=range(start, start + span // 240 + 2))
    result: dict[str, Any] = {
        "received_at": received_at,
        "counted_from": calendar.period_start(received_at, period),
        "due_at": calendar.due(received_at, period),
    }
    if working_hours is not None:
        return {**result, "working_hours": working_hours, "mode": DayCount.HOURS.value}
    return {
        **result,
        "working_days": working_days,
        "mode": SAME_DAY if working_days == 0 else period.count.value,
    }
