"""Read-only procedure catalogue API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.catalogue import selectors
from motcua.catalogue.constants import OnlineType, ProcedureLevel
from motcua.catalogue.models import Procedure

from .common import PROBLEM, ProblemSerializer, paginate, paginated_schema


class PageField(serializers.IntegerField):
    """A page number; an empty `page=` is an error, as the schema says, not page one."""

    def get_value(self, dictionary):  # type: ignore[no-untyped-def]
        # DRF turns an empty optional query parameter into "absent"; keep it, to reject it.
        return "" if dictionary.get(self.field_name) == "" else super().get_value(dictionary)

    def validate_empty_values(self, data):  # type: ignore[no-untyped-def]
        if data == "":
            self.fail("invalid")
        return super().validate_empty_values(data)


class ProcedureListItemSerializer(serializers.Serializer):
    """What a list shows of a procedure; the detail adds the rest of the record."""

    code = serializers.CharField(source="national_code")
    local_code = serializers.CharField()
    name = serializers.CharField()
    field = serializers.CharField(source="field.name")
    field_key = serializers.CharField(source="field.slug")
    level = serializers.CharField()
    online_type = serializers.CharField(
        help_text="full (toàn trình), partial (một phần), none, or empty when not published"
    )


class ProcedureListApi(APIView):
    class ProcedureFilterSerializer(serializers.Serializer):
        # The pattern tells clients (and schemathesis) what DRF enforces: no NUL characters.
        q = serializers.RegexField(r"^[^\x00]+$", required=False, allow_blank=True, max_length=200)
        field = serializers.SlugField(required=False, allow_blank=True, max_length=100)
        level = serializers.ChoiceField(
            choices=ProcedureLevel.choices, required=False, allow_blank=True
        )
        online = serializers.ChoiceField(
            choices=[OnlineType.FULL, OnlineType.PARTIAL], required=False, allow_blank=True
        )
        page = PageField(required=False, min_value=1)

    @extend_schema(
        operation_id="procedures_list",
        parameters=[ProcedureFilterSerializer],
        responses={
            200: paginated_schema(ProcedureListItemSerializer),
            (400, PROBLEM): ProblemSerializer,
            (404, PROBLEM): ProblemSerializer,
        },
        summary="Find published procedures",
        description="Search is diacritic-insensitive and tolerates small typos; best match first.",
    )
    def get(self, request: Request) -> Response:
        filters = self.ProcedureFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        procedures = selectors.procedure_find(
            query=data.get("q", ""),
            field=data.get("field", ""),
            level=data.get("level", ""),
            online_type=data.get("online", ""),
        )
        return paginate(request, self, procedures, ProcedureListItemSerializer)


class ProcedureDetailApi(APIView):
    class ProcedureDetailSerializer(ProcedureListItemSerializer):
        class LegalBasisSerializer(serializers.Serializer):
            number = serializers.CharField()
            title = serializers.CharField()
            issued_on = serializers.DateField(allow_null=True)

        class FeeSerializer(serializers.Serializer):
            kind = serializers.CharField()
            amount = serializers.IntegerField(allow_null=True, help_text="VND; null when unknown")
            description = serializers.CharField()

        class ChannelSerializer(serializers.Serializer):
            channel = serializers.CharField()
            time_value = serializers.DecimalField(
                max_digits=7, decimal_places=2, allow_null=True, coerce_to_string=True
            )
            time_unit = serializers.CharField()
            time_note = serializers.CharField()
            fees = serializers.SerializerMethodField()

            def get_fees(self, channel) -> list[dict]:  # type: ignore[no-untyped-def]
                fee_serializer = ProcedureDetailApi.ProcedureDetailSerializer.FeeSerializer
                return fee_serializer(channel.fees.all(), many=True).data  # type: ignore[return-value]

        class ComponentSerializer(serializers.Serializer):
            name = serializers.CharField()
            case = serializers.CharField()
            originals = serializers.IntegerField()
            copies = serializers.IntegerField()
            form_name = serializers.CharField(source="form.name", default="")
            form_url = serializers.SerializerMethodField()

            def get_form_url(self, component) -> str | None:  # type: ignore[no-untyped-def]
                form = component.form
                if form is None or not form.file:
                    return None
                return self.context["request"].build_absolute_uri(form.file.url)

        agency_kind = serializers.CharField()
        implementing_agency = serializers.CharField()
        procedure_type = serializers.IntegerField(allow_null=True)
        applicants = serializers.ListField(child=serializers.CharField())
        legal_bases = LegalBasisSerializer(many=True)
        channels = ChannelSerializer(many=True)
        components = ComponentSerializer(many=True)
        conditions = serializers.CharField()
        results = serializers.ListField(child=serializers.CharField())
        steps = serializers.ListField(child=serializers.CharField())
        source = serializers.CharField()  # type: ignore[assignment]
        valid_from = serializers.DateField(allow_null=True)
        valid_to = serializers.DateField(allow_null=True)

    @extend_schema(
        operation_id="procedures_retrieve",
        responses={
            200: ProcedureDetailSerializer,
            (404, PROBLEM): OpenApiResponse(
                ProblemSerializer, description=_("No published procedure")
            ),
        },
        summary="One published procedure with everything the national record holds",
    )
    def get(self, request: Request, code: str) -> Response:
        procedure: Procedure = selectors.procedure_get_published(national_code=code)
        return Response(
            self.ProcedureDetailSerializer(procedure, context={"request": request}).data
        )
