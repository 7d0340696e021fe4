"""Shared API pieces: pagination of plain lists and the problem+json error shape."""

from collections.abc import Sequence
from typing import Any

from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

PROBLEM = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)  # type: ignore[assignment]


def paginated_schema(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The documented shape of a page of `item`s (count, next, previous, results)."""
    name = "Paginated" + item.__name__.removesuffix("Serializer") + "List"
    fields = {
        "count": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


def paginate(
    request: Request, view: APIView, items: Sequence[Any], serializer: type[serializers.Serializer]
) -> Response:
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view)  # type: ignore[arg-type]
    return paginator.get_paginated_response(serializer(page, many=True).data)
