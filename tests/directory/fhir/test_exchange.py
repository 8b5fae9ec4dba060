"""Export as a FHIR collection Bundle and import it back: every listing, exactly; bad Bundles
are rejected with a clear problem and change nothing."""
import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from finder.cli import DEMO_FILE
from finder.db import build_engine, open_session
from finder.directory import exchange
from finder.directory.fhir.imports import records_from_bundle
from finder.directory.fhir.resources import directory_bundle
from finder.directory.models import Center
from tests.conftest import center_data
from tests.directory.fhir.conftest import validate
from tests.directory.test_exchange import rich_listing

DEMO = json.loads(DEMO_FILE.read_text())["centers"]


def snapshot(session):
    centers = session.exec(select(Center).order_by(Center.id)).all()
    return [exchange.listing_record(c) for c in centers]


def import_into_empty(url: str, bundle: dict) -> list[dict]:
    engine = build_engine(url)
    with open_session(engine) as empty:
        exchange.import_records(empty, records_from_bundle(bundle), actor="t")
        after = snapshot(empty)
    engine.dispose()
    return after


def test_export_then_import_into_an_empty_database_reproduces_every_listing(db, sqlite_url):
    rows = [*DEMO, rich_listing(name="Every Field Clinic", status="pending"),
            rich_listing(name="Closed Clinic", status="archived", street="Level 2\nWest Wing",
                         cost="unknown", verified_at=None, hours=[])]
    exchange.import_records(db, rows, actor="t")
    before = snapshot(db)
    bundle = validate(json.loads(json.dumps(directory_bundle(db))))
    assert bundle["type"] == "collection"
    services = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "HealthcareService"]
    assert len(services) == len(rows)  # pending and archived listings are exported too

    after = import_into_empty(sqlite_url, bundle)
    assert after == before


# Listing text may hold any printable character; control characters are refused by design.
TEXT = st.characters(blacklist_categories=("Cc", "Cs"))

@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(TEXT, min_size=2, max_size=60).filter(lambda s: len(" ".join(s.split())) >= 2),
       note=st.one_of(st.none(), st.text(TEXT, max_size=80)),
       ages=st.tuples(st.one_of(st.none(), st.integers(0, 60)),
                      st.one_of(st.none(), st.integers(60, 120))),
       cost=st.sampled_from(["public", "private", "both", "unknown"]),
       referrers=st.lists(st.sampled_from(["gp", "specialist", "nurse_practitioner", "self"])))
def test_property_records_survive_the_bundle(name, note, ages, cost, referrers):
    listing = exchange.validate_rows([center_data(
        name=name, travel_note=note, age_min_years=ages[0], age_max_years=ages[1], cost=cost,
        referral_from=referrers)])[0]
    center = Center(id=1, **listing.model_dump())
    from finder.directory.fhir.resources import resources_of
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"fullUrl": f"urn:x:{r['resourceType']}", "resource": r}
                        for r in resources_of(center)]}
    again = exchange.validate_rows(records_from_bundle(validate(bundle)))[0]
    assert again.model_dump() == listing.model_dump()


def exported(session) -> dict:
    exchange.import_records(session, [center_data()], actor="t")
    return json.loads(json.dumps(directory_bundle(session)))


def _service(bundle):
    return next(e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "HealthcareService")


def _drop_locations(bundle):
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Location"]


def _bad_type(bundle):
    bundle["type"] = "transaction"


def _invalid_fhir(bundle):
    _service(bundle)["active"] = "maybe"


def _unknown_element(bundle):
    _service(bundle)["colour"] = "blue"


def _impossible_cost(bundle):
    _service(bundle)["serviceProvisionCode"] = [{"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/service-provision-conditions",
        "code": "disc"}]}]


@pytest.mark.parametrize("spoil, field, words", [
    (_drop_locations, "Location", "names no Location in the Bundle"),
    (_bad_type, "Bundle.type", "must be collection"),
    (_invalid_fhir, "active", "bool"),
    (_unknown_element, "colour", "xtra"),
    (_impossible_cost, "serviceProvisionCode", "cannot be read as a cost"),
])
def test_an_invalid_bundle_is_rejected_with_a_clear_problem(session, spoil, field, words):
    bundle = exported(session)
    spoil(bundle)
    with pytest.raises(exchange.ImportRejected) as rejected:
        records_from_bundle(bundle)
    assert any(field in f and words.lower() in m.lower() for _, f, m in rejected.value.problems), \
        rejected.value.problems


@pytest.mark.parametrize("not_a_bundle", [[], {"resourceType": "Patient"}, "Bundle"])
def test_something_other_than_a_bundle_is_rejected(not_a_bundle):
    with pytest.raises(exchange.ImportRejected, match="not a FHIR Bundle"):
        records_from_bundle(not_a_bundle)


def test_cli_exports_and_imports_fhir_all_or_nothing(app, app_factory, tmp_path, sqlite_url,
                                                      migrated_sqlite):
    runner = app.test_cli_runner()
    runner.invoke(args=["finder", "seed-demo"])
    out = tmp_path / "directory.fhir.json"
    result = runner.invoke(args=["finder", "export", "--format", "fhir", str(out)])
    assert result.exit_code == 0 and f"Exported {len(DEMO)} listing(s)" in result.output
    validate(json.loads(out.read_text()))

    import shutil
    empty_path = tmp_path / "empty.sqlite"
    shutil.copy(migrated_sqlite, empty_path)
    other = app_factory(f"sqlite:///{empty_path}")
    bad = copy.deepcopy(json.loads(out.read_text()))
    _service(bad)["telecom"] = [{"system": "email", "value": "not an email"}]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    rejected = other.test_cli_runner().invoke(
        args=["finder", "import", "--format", "fhir", str(tmp_path / "bad.json")])
    assert rejected.exit_code == 1 and "email" in rejected.output
    ok = other.test_cli_runner().invoke(args=["finder", "import", "--format", "fhir", str(out)])
    assert ok.exit_code == 0 and f"Imported {len(DEMO)}" in ok.output
    with open_session(other.extensions["finder.engine"]) as imported, \
            open_session(app.extensions["finder.engine"]) as original:
        assert snapshot(imported) == snapshot(original)
