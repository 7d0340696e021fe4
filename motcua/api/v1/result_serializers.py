"""What the API shows of a dossier's result documents (dossier detail `results`, and the
answers of the signing endpoints in motcua.api.v1.results)."""

from typing import Any

from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request

from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.results_check import result_state, results_visible_to


class ResultItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="The file name as uploaded")
    signed = serializers.BooleanField(
        help_text="It verifies now with every signature valid, one of the competent person "
        "and one of the organisation (the seal)"
    )
    download_url = serializers.URLField(help_text="GET it with the same credentials")
    sha256 = serializers.CharField(help_text="Of the file as it is now (hex)")


def result_item(request: Request, dossier: Dossier, row: DossierFile) -> dict[str, Any]:
    """One result document as the API shows it (verifies it: `signed`)."""
    return {
        "id": row.pk,
        "name": row.original_name,
        "signed": result_state(row, cached=True).signed,
        "download_url": request.build_absolute_uri(
            reverse("api:dossier-result-file", args=[dossier.key, row.pk])
        ),
        "sha256": row.sha256,
    }


def result_items(request: Request, dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's result documents the caller may see (officials: all; the applicant:
    once returned)."""
    user = request.user
    return [result_item(request, dossier, row) for row in results_visible_to(dossier, user)]
