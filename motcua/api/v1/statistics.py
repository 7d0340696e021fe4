"""Statistics API: the table of dossiers received and resolved by an agency in a period
(reporting.statistics), the same numbers as the back-office page and its XLSX.

Officials only (a token or a browser session), for the agencies where they hold a role and
everything below them (province-wide roles: every agency). Another agency answers 403, an
agency that does not exist 404, a bad period or grouping 400.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import Agency
from motcua.accounts.selectors import user_is_official
from motcua.reporting.statistics import (
    COUNT_FIELDS,
    GROUP_BY,
    MAX_PERIOD_DAYS,
    StatRow,
    check_period,
    statistics_agencies,
    statistics_table,
)

from .common import PROBLEM, ProblemSerializer

COUNT_HELP = {
    "carried_over": "Accepted before the period, not resolved or withdrawn at its start",
    "received_online": "Accepted in the period, submitted online",
    "received_counter": "Accepted in the period at the counter",
    "received_post": "Accepted in the period, received by post",
    "resolved_early": "Result ready in the period before the appointment date",
    "resolved_on_time": "Result ready in the period on the appointment date (or no deadline)",
    "resolved_late": "Result ready in the period after the appointment date",
    "in_progress_within": "Being processed at the period end, appointment not passed",
    "in_progress_overdue": "Being processed at the period end, appointment passed",
    "awaiting_supplement": "Paused at the period end: supplement requested",
    "awaiting_obligation": "Paused at the period end: financial obligation requested",
    "stopped": "Paused at the period end: processing stopped",
    "withdrawn": "Withdrawn by the applicant in the period (after acceptance)",
    "refused": "Refused at intake in the period (never received; outside the balance)",
    "acceptance_overdue": "Submitted online and waiting for the reception officer at the period "
    "end past the acceptance deadline (MOTCUA_ONLINE_ACCEPTANCE_HOURS working hours after "
    "submission; not yet received, outside the balance)",
}


def _row_fields() -> dict[str, serializers.Field]:
    fields: dict[str, serializers.Field] = {
        "kind": serializers.ChoiceField(
            choices=["agency", "field", "procedure", "total"], help_text="What the row is about"
        ),
        "key": serializers.IntegerField(
            allow_null=True, help_text="The agency, field or procedure id; null for the total"
        ),
        "label": serializers.CharField(),
    }
    for name in COUNT_FIELDS:
        fields[name] = serializers.IntegerField(min_value=0, help_text=COUNT_HELP[name])
    fields |= {
        "received": serializers.IntegerField(help_text="Online + counter + post"),
        "resolved": serializers.IntegerField(help_text="Early + on time + late"),
        "in_progress": serializers.IntegerField(help_text="Within + overdue"),
        "paused": serializers.IntegerField(help_text="Supplement + obligation + stopped"),
        "on_time_rate": serializers.FloatField(
            allow_null=True, help_text="(Early + on time) / resolved, 0–1; null if none"
        ),
        "online_rate": serializers.FloatField(
            allow_null=True, help_text="Online / received, 0–1; null if none"
        ),
    }
    return fields


StatRowSerializer = type("StatRowSerializer", (serializers.Serializer,), _row_fields())


def _validate_query(self: serializers.Serializer, attrs: dict[str, Any]) -> dict[str, Any]:
    check_period(attrs["from"], attrs["to"])  # ValidationFailed: 400
    return attrs


# "from" and "to" are Python keywords, hence the serializers built with type().
StatisticsQuerySerializer = type(
    "StatisticsQuerySerializer",
    (serializers.Serializer,),
    {
        "agency": serializers.SlugField(help_text="The agency's key (slug)"),
        "from": serializers.DateField(help_text="First day of the period (YYYY-MM-DD)"),
        "to": serializers.DateField(
            help_text=f"Last day of the period, included; at most {MAX_PERIOD_DAYS} days"
        ),
        "group_by": serializers.ChoiceField(
            choices=list(GROUP_BY), required=False, default="agency", help_text="One row per"
        ),
        "roll_up": serializers.BooleanField(
            required=False,
            default=True,
            help_text="By agency: each child agency with everything below it (true), or each "
            "agency of the subtree with its own dossiers only (false)",
        ),
        "validate": _validate_query,
    },
)


class AgencySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


StatisticsSerializer = type(
    "StatisticsSerializer",
    (serializers.Serializer,),
    {
        "agency": AgencySerializer(),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "group_by": serializers.ChoiceField(choices=list(GROUP_BY)),
        "roll_up": serializers.BooleanField(),
        "compare": serializers.ChoiceField(
            choices=["date", "time"],
            help_text="The level early / on time / late is judged at: by date (default) or by "
            "time; the installation's MOTCUA_JUDGEMENT_LEVEL, as for the register and the slips "
            "(not a query parameter)",
        ),
        "rows": StatRowSerializer(many=True),
        "total": StatRowSerializer(),
    },
)


class StatisticsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="statistics_table",
        tags=["statistics"],
        parameters=[StatisticsQuerySerializer],
        responses={
            200: StatisticsSerializer,
            (400, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="Bad period, grouping or agency key"
            ),
            (401, PROBLEM): OpenApiResponse(ProblemSerializer, description="No credentials"),
            (403, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="Not an official, or not one of their agencies"
            ),
            (404, PROBLEM): OpenApiResponse(ProblemSerializer, description="No such agency"),
        },
        summary="The statistics table of an agency for a period",
        description="Query: agency, from, to (YYYY-MM-DD, both included), group_by "
        "(agency | field | procedure), roll_up (true | false). A dossier counts for the "
        "agency that received it, from its acceptance to its result, as it stood at the "
        "period end (a past period gives the same numbers whenever it is asked; see "
        'docs/architecture.md, "Statistics"). For every row, carried_over + received = '
        "resolved + withdrawn + in_progress + paused.",
    )
    def get(self, request: Request) -> Response:
        if not user_is_official(user=request.user):  # type: ignore[arg-type]
            raise PermissionDenied(_("Only officials may read the statistics."))
        params = StatisticsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        agency = Agency.objects.filter(slug=data["agency"]).first()
        if agency is None:
            raise NotFound(_("Not found."))
        if not statistics_agencies(user=request.user).filter(pk=agency.pk).exists():
            raise PermissionDenied(_("You may not read the statistics of this agency."))
        table = statistics_table(
            agency=agency,
            start=data["from"],
            end=data["to"],
            group_by=data["group_by"],
            roll_up=data["roll_up"],
        )
        return Response(
            {
                "agency": {"slug": agency.slug, "name": agency.name},
                "from": table.start.isoformat(),
                "to": table.end.isoformat(),
                "group_by": table.group_by,
                "roll_up": table.roll_up,
                "compare": table.compare,
                "rows": [_row(row) for row in table.rows],
                "total": _row(table.total),
            }
        )


def _row(row: StatRow) -> dict[str, Any]:
    return row.as_dict()
