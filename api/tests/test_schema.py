"""The OpenAPI document is committed (docs/openapi.yaml) and must say what the code does; and
schemathesis calls every operation of it with generated inputs, as a consumer would."""

import io
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.tests.conftest import fill_branch, register
from assessments.tests.factories import make_version
from branches.tests.factories import BranchFactory
from config.wsgi import application

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"


def generated_schema(lang: str = "en") -> str:
    out = io.StringIO()
    call_command("spectacular", "--lang", lang, "--validate", stdout=out)
    return out.getvalue()


def test_the_committed_schema_is_the_codes():
    assert COMMITTED.read_text() == generated_schema(), (
        "docs/openapi.yaml is out of date: run "
        "`python manage.py spectacular --lang en --file docs/openapi.yaml`"
    )


def test_the_schema_speaks_chinese_too():
    chinese = generated_schema("zh-hans")
    assert "项目党建" in chinese
    assert "只读" in chinese


# The committed document, called in-process through the WSGI application (the test's database).
schema = schemathesis.openapi.from_path(str(COMMITTED))
schema.app = application


@pytest.fixture
def connection_kept_open():
    """Called through the WSGI application, a request closes the database connection when it
    ends, and with it the test's transaction: the test client keeps it open the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def consumer_headers(db, connection_kept_open):
    version = make_version()
    ours, theirs = BranchFactory(), BranchFactory()
    fill_branch(ours, version=version, tag="甲", logs=2)
    fill_branch(theirs, version=version, tag="乙")
    _consumer, token = register(branches=[ours], requests_per_minute=100_000)
    return {"Authorization": f"Bearer {token}"}


def with_the_token(ctx, response, case) -> None:
    """Every call sent with the consumer's token is let in: a run answered 401 throughout
    would prove nothing. (Schemathesis also sends negative cases without the header: those
    must be 401.)"""
    if "Authorization" in response.request.headers:
        assert response.status_code != 401, f"{case.path}: the token was refused"
    else:
        assert response.status_code == 401, f"{case.path}: answered without a token"


@schema.parametrize()
@hypothesis_settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_by_its_schema(case, consumer_headers):
    case.call_and_validate(
        headers=consumer_headers,
        checks=[not_a_server_error, response_schema_conformance, with_the_token],
    )
