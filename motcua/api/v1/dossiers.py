"""Dossier API (hồ sơ): register and receive, list and read what the caller may see, the
timeline with its hash-chain check, and the acts of the status machine.

Every endpoint needs credentials (a token or a browser session). A dossier the caller may not
see answers 404 on every endpoint, acts included, so its existence is not revealed. Writes go
through `dossiers.services`, reads through `dossiers.selectors` (the visibility rule).
"""

from typing import Any

from django.db.models import Count, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from motcua.accounts.models import User
from motcua.accounts.selectors import user_is_official
from motcua.catalogue.constants import Channel
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierComponent
from motcua.dossiers.selectors import (
    dossier_events,
    dossier_filter,
    dossier_get_visible,
    dossier_list_visible,
    dossier_verify,
)

from .common import PROBLEM, paginate, paginated_schema
from .dossier_inputs import DossierActSerializer, DossierCreateSerializer, DossierFilterSerializer
from .dossier_serializers import (
    DomainProblemSerializer,
    DossierDetailSerializer,
    DossierListItemSerializer,
    DossierTimelineSerializer,
)

TAGS = ["dossiers"]

# --- shared pieces ----------------------------------------------------------------------------


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
                certified_copies=item["certified_copies"],
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
        summary="One dossier (hồ sơ) with its applicant, e-form answers, papers, fees and "
        "appointments",
        description="Times are Vietnam time (+07:00). `national_status` is the national "
        "status code; `allowed_acts` what the caller may do now; `answers` the e-form answers "
        "given online (tờ khai), each with its label, its value for people and as stored, "
        "and the rows of repeating groups.",
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
                answer_by=data["answer_by"],
                expected_version=data["version"],
            ),
        )
        return Response(_detail(request, dossier))
