"""API test fixtures: the dossier tests' small province (one commune with every role, a tax
office, another commune, a procedure and its process) and clients that carry a user's token."""

from collections.abc import Callable

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.accounts.models import User
from motcua.dossiers.tests.conftest import Province, build_province, publish_process
from motcua.workflow.models import Process


@pytest.fixture
def province(db) -> Province:
    """`build_province()` plus a second citizen, "citizen_b"."""
    province = build_province()
    province.users["citizen_b"] = User.objects.create_user(
        username="citizen_b", password="x", full_name="Trần Thị Bình"
    )
    return province


@pytest.fixture
def process(province: Province) -> Process:
    return publish_process(province)


@pytest.fixture
def api(province: Province) -> Callable[[str | None], APIClient]:
    """`api("specialist")`: a client sending that user's token; `api(None)`: no credentials."""

    def client_for(who: str | None) -> APIClient:
        client = APIClient()
        if who is not None:
            token, _ = Token.objects.get_or_create(user=province.users[who])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for
