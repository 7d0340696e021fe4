"""Property-based API tests generated from our own OpenAPI schema (schemathesis).

Every generated request — good and bad input — must get a response that the schema documents:
no 500s, no undocumented status codes, bodies of the documented shape. The dossier reads are
fuzzed with a reception officer's token over a few real dossiers (schemathesis also checks
that they refuse a request without a token or with a wrong one). The dossier writes are not
fuzzed but covered by test_dossiers_api.py: DRF's parsers are lenient where the schema is
strict (`"accept": 0` is read as false, `"5"` as 5), which the negative-data check reports,
and every valid body would write a dossier.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application
from motcua.accounts.constants import Role
from motcua.catalogue.constants import Channel
from motcua.dossiers.services import dossier_act, dossier_register
from motcua.dossiers.tests.conftest import receive

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


def _is_dossier_read(ctx) -> bool:
    operation = ctx.operation
    return operation.path.startswith("/api/v1/dossiers") and operation.method.lower() == "get"


# Selected by exclusion: with the [[operations]] block of schemathesis.toml loaded,
# schema.include() matches every operation.
public_schema = schema.exclude(path_regex=r"^/api/v1/dossiers")
dossier_reads = schema.exclude(lambda ctx: not _is_dossier_read(ctx))


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, so do as Django's test client does: keep the test's
    database connection (and its transaction) open across requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@public_schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, demo_catalogue):
    case.call_and_validate()


@pytest.fixture
def officer(province, process):
    """A reception officer's token and keys of the commune's dossiers: one in processing,
    one accepted, one waiting online (known by its reference only)."""
    officer = province.users[Role.RECEPTION_OFFICER]
    moving = dossier_act(dossier=receive(province), act="forward", actor=officer)
    accepted = receive(province)
    online = dossier_register(
        procedure=province.procedure,
        agency=province.commune,
        channel=Channel.ONLINE,
        applicant=province.applicant(),
        actor=province.users["citizen"],
    )
    token = Token.objects.create(user=officer)
    return {"Authorization": f"Token {token.key}"}, [moving.code, accepted.code, str(online.uid)]


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@dossier_reads.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_dossier_reads_answer_as_documented(case, officer):
    headers, _keys = officer
    case.call_and_validate(headers=headers)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
@pytest.mark.parametrize("path", ["/api/v1/dossiers/{key}", "/api/v1/dossiers/{key}/events"])
def test_real_dossiers_answer_as_documented(officer, path):
    """Generated keys find no dossier; these are the officer's own, so the 200 bodies are
    checked against the schema too."""
    headers, keys = officer
    operation = schema[path]["GET"]
    for key in keys:
        response = operation.Case(path_parameters={"key": key}).call_and_validate(headers=headers)
        assert response.status_code == 200
    listing = schema["/api/v1/dossiers"]["GET"].Case(query={"status": "in_processing"})
    assert listing.call_and_validate(headers=headers).json()["count"] == 1
