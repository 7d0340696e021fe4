"""Shared API pieces: pagination of plain lists and the problem+json error shape."""

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)  # type: ignore[assignment]


def paginate(
    request: Request, view: APIView, items: Sequence[Any], serializer: type[serializers.Serializer]
) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view)  # type: ignore[arg-type]
    return paginator.get_paginated_response(serializer(page, many=True).data)
