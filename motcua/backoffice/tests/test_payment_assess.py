"""The reception officer bills what the catalogue could not: several fee lines (how many of
each applies) and the postage of a result by post; the wrong officer and bad input change
nothing."""

import pytest
from django.urls import reverse
from django.utils import translation

from motcua.accounts.constants import Role
from motcua.dossiers.constants import DossierStatus, FeeStatus, ReturnMethod
from motcua.dossiers.models import DossierFee
from motcua.dossiers.tests.conftest import Province, build_province, dossier_in_status
from motcua.payments.constants import Purpose
from motcua.payments.models import PaymentRequest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def province(db) -> Province:
    return build_province()


def two_lines(province):
    """A registered dossier whose catalogue gave two fee lines (not billed by themselves)."""
    dossier = dossier_in_status(province, DossierStatus.REGISTERED)
    dossier.fees.all().delete()
    PaymentRequest.objects.filter(dossier_pk=dossier.pk).delete()
    per_copy = DossierFee.objects.create(dossier=dossier, description="Bản sao", amount=8000)
    per_list = DossierFee.objects.create(dossier=dossier, description="Theo danh sách", amount=5000)
    return dossier, per_copy, per_list


def page(client, dossier):
    return client.get(reverse("backoffice:dossier", args=[dossier.key]))


def test_the_reception_officer_states_how_many_copies_and_the_applicant_owes_the_total(
    client, province
):
    dossier, per_copy, per_list = two_lines(province)
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    assert "State the fees and charges owed" in page(client, dossier).content.decode()
    response = client.post(
        reverse("backoffice:payment-assess", args=[dossier.key]),
        {f"so-luong-{per_copy.pk}": "3", f"so-luong-{per_list.pk}": "0"},
    )
    assert response.status_code == 302
    [bill] = PaymentRequest.objects.filter(dossier_pk=dossier.pk)
    assert (bill.purpose, bill.amount, bill.status) == (Purpose.SUBMISSION, 24000, "pending")
    per_copy.refresh_from_db()
    per_list.refresh_from_db()
    assert (per_copy.quantity, per_copy.amount, per_copy.payment_request) == (3, 24000, bill)
    assert per_list.status == FeeStatus.WAIVED
    assert "State the fees and charges owed" not in page(client, dossier).content.decode()


@pytest.mark.parametrize("quantity", ["-1", "hai", "1001"])
def test_a_bad_quantity_changes_nothing(client, province, quantity):
    dossier, per_copy, _per_list = two_lines(province)
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    response = client.post(
        reverse("backoffice:payment-assess", args=[dossier.key]),
        {f"so-luong-{per_copy.pk}": quantity},
    )
    assert response.status_code == 400
    assert not PaymentRequest.objects.filter(dossier_pk=dossier.pk).exists()
    per_copy.refresh_from_db()
    assert (per_copy.quantity, per_copy.amount, per_copy.status) == (1, 8000, FeeStatus.DUE)


@pytest.mark.parametrize("who", [Role.SPECIALIST, "citizen"])
def test_only_the_reception_officer_bills(client, province, who):
    dossier, per_copy, _per_list = two_lines(province)
    client.force_login(province.users[who])
    response = client.post(
        reverse("backoffice:payment-assess", args=[dossier.key]), {f"so-luong-{per_copy.pk}": "1"}
    )
    assert response.status_code in (403, 404)
    assert not PaymentRequest.objects.filter(dossier_pk=dossier.pk).exists()


def test_postage_for_a_result_by_post(client, province):
    dossier = dossier_in_status(province, DossierStatus.IN_PROCESSING)
    dossier.result_delivery = ReturnMethod.POST
    dossier.save(update_fields=["result_delivery"])
    client.force_login(province.users[Role.RECEPTION_OFFICER])
    assert "Bill the postage of the result" in page(client, dossier).content.decode()
    url = reverse("backoffice:payment-postage", args=[dossier.key])
    assert client.post(url, {"amount": "25.000"}).status_code == 400
    assert client.post(url, {"amount": "25000"}).status_code == 302
    postage = PaymentRequest.objects.get(dossier_pk=dossier.pk, purpose=Purpose.POSTAGE)
    assert (postage.amount, postage.status) == (25000, "pending")
