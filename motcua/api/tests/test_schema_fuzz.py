"""Property-based API tests generated from our own OpenAPI schema (schemathesis).

Every generated request — good and bad input — must get a response that the schema documents:
no 500s, no undocumented status codes, bodies of the documented shape.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from config.wsgi import application

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case, demo_catalogue):
    case.call_and_validate()
