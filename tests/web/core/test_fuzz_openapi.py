"""Schemathesis against our own OpenAPI document: every operation, bounded. No 5xx, every
response matches the documented schema, no schema-valid request is rejected (positive data)
and no schema-invalid one is accepted (negative data)."""
import json
from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
    response_schema_conformance,
)

from finder import create_app
from finder.cli import DEMO_FILE
from finder.db import open_session
from finder.directory.exchange import import_records
from tests.conftest import make_settings


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, migrated_sqlite, gazetteer_path):
    import shutil

    tmp = tmp_path_factory.mktemp("fuzz")
    shutil.copy(migrated_sqlite, tmp / "fuzz.sqlite")
    app = create_app({"settings": make_settings(tmp, f"sqlite:///{tmp / 'fuzz.sqlite'}", gazetteer_path)})
    with open_session(app.extensions["finder.engine"]) as session:
        import_records(session, json.loads(DEMO_FILE.read_text())["centers"], actor="fuzz")
        from finder.directory import accounts
        admin = accounts.create_account(session, "fuzz-admin@example.org", "fuzz-password-123456",
                                        role="admin", center_id=None, actor="fuzz")
        token, _ = accounts.create_token(session, admin, "fuzz")
    app.config["FUZZ_TOKEN"] = token
    yield app
    app.extensions["finder.engine"].dispose()


def beyond_the_schema(path: str, method: str, case) -> bool:
    """A listing breaking one of the CenterInput rules its schema states only in words: two
    fields compared (closes after opens, age_min_years <= age_max_years: JSON Schema can only
    spell them out value by value, far past what schemathesis's canonical form takes) and
    verified_at not in the future (an instant, written with any UTC offset). The server
    refuses these with its own message; every other rule of a listing is checked here."""
    body = case.body
    if not path.startswith("/api/centers") or method not in ("POST", "PATCH") \
            or not isinstance(body, dict):
        return False
    youngest, oldest = body.get("age_min_years"), body.get("age_max_years")
    if isinstance(youngest, int | float) and isinstance(oldest, int | float) and youngest > oldest:
        return True
    spans = body.get("hours") if isinstance(body.get("hours"), list) else []
    if any(isinstance(span, dict) and str(span.get("closes")) <= str(span.get("opens"))
           for span in spans):
        return True
    try:
        verified = datetime.fromisoformat(body.get("verified_at"))
    except (TypeError, ValueError):
        return False
    return (verified if verified.tzinfo else verified.replace(tzinfo=UTC)) > datetime.now(UTC)


# The bodies with the most rules get more draws (each was run locally with 200, several seeds).
MORE_EXAMPLES = {("/api/centers", "POST"): 60, ("/api/referral/assess", "POST"): 60}


def documented_operations():
    from finder.web.core.openapi import openapi_document

    return [(path, method.upper()) for path, ops in openapi_document()["paths"].items()
            for method in ops]


def cases():
    return [pytest.param(path, method, mode, id=f"{method} {path} {mode}")
            for path, method in documented_operations() for mode in CHECKS]


CHECKS = {GenerationMode.POSITIVE: [not_a_server_error, response_schema_conformance,
                                    positive_data_acceptance],
          GenerationMode.NEGATIVE: [not_a_server_error, negative_data_rejection]}


@pytest.mark.parametrize("path,method,mode", cases())
def test_every_operation_agrees_with_its_schema(fuzz_app, path, method, mode):
    from finder.web.core.extensions import limiter
    from finder.web.core.openapi import openapi_document

    described = openapi_document()["paths"][path][method.lower()]
    if mode == GenerationMode.NEGATIVE and not (described.get("parameters")
                                                or described.get("requestBody")):
        pytest.skip("nothing to send that the schema forbids")

    limiter.enabled = False  # the limits have their own tests; fuzzing would trip them
    # Built per test: schemathesis's pytest plugin (from_fixture) does not run under pytest 9.
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)[path][method]
    # identity: schemathesis's WSGI transport reads the body without undoing a gzip/br encoding
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}",
               "Accept-Encoding": "identity"}

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MORE_EXAMPLES.get((path, method), 25), deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        assume(mode == GenerationMode.NEGATIVE or not beyond_the_schema(path, method, case))
        case.call_and_validate(headers=headers, checks=CHECKS[mode])

    try:
        check()
    finally:
        limiter.enabled = True
