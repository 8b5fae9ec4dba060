"""Storage on SQLite and (when TEST_DATABASE_URL is set) PostgreSQL: migrations, writes, audit."""
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from finder import migrate
from finder.db import build_engine, open_session
from finder.directory import service as directory
from finder.directory.models import AuditEntry, Center
from tests.conftest import center_data


def test_migrations_reach_head_and_match_the_models(storage_url):
    migrate.check(storage_url)  # raises when models and migrations disagree
    engine = build_engine(storage_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"center", "account", "apitoken", "auditentry", "geocodecacheentry"} <= tables


def test_listing_facts_migration_gives_existing_rows_safe_defaults_and_goes_down(storage_url):
    migrate.downgrade(storage_url, "0001")
    engine = build_engine(storage_url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO center (name, organisation, locality, country, lat, lon, drug_classes,"
            " routes, telehealth_preassessment, emergency_onsite, status, version, created_at,"
            " updated_at) VALUES ('Old listing', 'Old Hospital', 'Dubbo', 'AU', -32.2, 148.6,"
            " '[\"penicillins\"]', '[\"iv\"]', false, true, 'active', 1,"
            " '2026-01-01 00:00:00+00:00', '2026-01-01 00:00:00+00:00')"))
    migrate.upgrade(storage_url)
    with open_session(engine) as session:
        old = session.exec(select(Center)).one()
        assert (old.accepting_referrals, old.cost, old.languages, old.hours) == ("unknown", "unknown", [], [])
        assert old.referral_from == [] and old.urgent_pathway is False and old.interpreter_service is False
    migrate.downgrade(storage_url, "0001")
    columns = {c["name"] for c in inspect(engine).get_columns("center")}
    assert "accepting_referrals" not in columns and "name" in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM center")).scalar_one() == "Old listing"
    migrate.upgrade(storage_url)
    engine.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(sqlite_url):
    engine = build_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 5000
    engine.dispose()


def test_create_writes_the_listing_and_its_audit_entry_together(db):
    center = directory.create_center(db, center_data(languages=["vi", "zh-Hant"]), actor="alice@example.org")
    stored = db.get(Center, center.id)
    assert stored.languages == ["vi", "zh-Hant"] and stored.version == 1
    entry = db.exec(select(AuditEntry).where(AuditEntry.center_id == center.id)).one()
    assert entry.action == "create" and entry.actor == "alice@example.org"
    assert entry.changes["name"] == [None, "Drug Allergy Service"]


def test_update_records_each_changed_field_before_and_after(db):
    center = directory.create_center(db, center_data(), actor="t")
    directory.update_center(db, center.id, {"phone": "+61 7 3111 1111", "wait_weeks": 6},
                            expected_version=1, actor="bob@example.org")
    entry = directory.audit_history(db, center.id)[0]
    assert entry.action == "update"
    reported = db.get(Center, center.id).wait_reported_on.isoformat()
    assert entry.changes == {"phone": ["+61 7 3000 0000", "+61 7 3111 1111"], "wait_weeks": [None, 6],
                             "wait_reported_on": [None, reported]}
    assert db.get(Center, center.id).version == 2


NOON_UTC = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("before, after, expected", [
    ({"wait_weeks": 4, "wait_reported_on": date(2026, 1, 5)},
     {"wait_weeks": 6, "wait_reported_on": date(2026, 1, 5)}, date(2026, 12, 1)),
    ({"wait_weeks": 4, "wait_reported_on": date(2026, 1, 5)},
     {"wait_weeks": 6, "wait_reported_on": date(2026, 11, 20)}, date(2026, 11, 20)),
    ({"wait_weeks": 4, "wait_reported_on": date(2026, 1, 5)},
     {"wait_weeks": 4, "wait_reported_on": date(2026, 1, 5)}, date(2026, 1, 5)),
    ({"wait_weeks": 4, "wait_reported_on": date(2026, 1, 5)},
     {"wait_weeks": None, "wait_reported_on": date(2026, 1, 5)}, None),
    ({"wait_weeks": None, "wait_reported_on": None},  # the center's own date: already 2 Dec
     {"wait_weeks": 3, "wait_reported_on": None, "timezone": "Pacific/Kiritimati"}, date(2026, 12, 2)),
])
def test_a_changed_wait_is_reported_today_unless_the_editor_dated_it(before, after, expected):
    assert directory.wait_report_date(before, after, NOON_UTC) == expected


def test_confirming_on_save_is_one_write_with_the_changes(db):
    center = directory.create_center(db, center_data(), actor="t")
    directory.update_center(db, center.id, {"phone": "+61 7 3111 1111"}, expected_version=1,
                            actor="bob@example.org", verify=True)
    stored = db.get(Center, center.id)
    assert stored.version == 2 and stored.verified_at is not None
    (entry,) = [e for e in directory.audit_history(db, center.id) if e.action == "update"]
    assert set(entry.changes) == {"phone", "verified_at"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(db):
    center = directory.create_center(db, center_data(), actor="t")
    directory.update_center(db, center.id, {"phone": "+61 7 3111 1111"}, expected_version=1, actor="a")
    with pytest.raises(directory.VersionConflict) as conflict:
        directory.update_center(db, center.id, {"phone": "+61 7 3222 2222"}, expected_version=1, actor="b")
    assert conflict.value.current.version == 2
    assert db.get(Center, center.id).phone == "+61 7 3111 1111"
    assert [e.action for e in directory.audit_history(db, center.id)] == ["update", "create"]


@pytest.mark.parametrize("changes,field", [
    ({"phone": "call us"}, "phone"),
    ({"email": "not-an-email"}, "email"),
    ({"website": "http://insecure.example.org"}, "website"),
    ({"procedures_per_year": -1}, "procedures_per_year"),
    ({"drug_classes": []}, "drug_classes"),
    ({"routes": []}, "routes"),
    ({"languages": ["klingon"]}, "languages"),
    ({"hours": [{"day": "mon", "opens": "17:00", "closes": "09:00"}]}, "hours"),
    ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ({"wait_weeks": -2}, "wait_weeks"),
    ({"age_min_years": 18, "age_max_years": 5}, "listing"),
    ({"secret_field": 1}, "secret_field"),
])
def test_bad_edits_are_rejected_field_by_field_and_change_nothing(db, changes, field):
    center = directory.create_center(db, center_data(), actor="t")
    with pytest.raises(directory.ListingValidationError) as error:
        directory.update_center(db, center.id, changes, expected_version=1, actor="t")
    assert field in error.value.errors
    db.expire_all()
    assert db.get(Center, center.id).version == 1
    assert len(directory.audit_history(db, center.id)) == 1


def test_archive_hides_the_listing_but_keeps_its_history(db):
    center = directory.create_center(db, center_data(), actor="t")
    directory.set_status(db, center.id, "archived", actor="admin@example.org")
    assert directory.get_center(db, center.id) is None
    assert directory.list_centers(db).total == 0
    assert [e.action for e in directory.audit_history(db, center.id)] == ["archive", "create"]


def test_pediatric_and_adult_are_derived_from_the_age_range(db):
    children = directory.create_center(db, center_data(age_min_years=0, age_max_years=17), actor="t")
    adults = directory.create_center(db, center_data(age_min_years=18), actor="t")
    everyone = directory.create_center(db, center_data(), actor="t")
    assert (children.pediatric, children.adult) == (True, False)
    assert (adults.pediatric, adults.adult) == (False, True)
    assert (everyone.pediatric, everyone.adult) == (True, True)
    assert {c.id for c in directory.list_centers(db, pediatric=True).items} == {children.id, everyone.id}


@pytest.mark.parametrize("field", ["name", "street", "travel_note", "referral_process"])
def test_control_characters_are_refused_on_every_database(db, field):
    with pytest.raises(directory.ListingValidationError) as error:
        directory.create_center(db, center_data(**{field: "Ward\x00 5"}), actor="t")
    assert field in error.value.errors


def test_listing_filters_and_paging_run_in_the_database(db):
    for n, classes in enumerate((["platinum"], ["penicillins", "platinum"], ["taxanes"])):
        directory.create_center(db, center_data(name=f"C{n}", drug_classes=classes), actor="t")
    page = directory.list_centers(db, drug_class="platinum", limit=1, offset=1)
    assert page.total == 2 and [c.name for c in page.items] == ["C1"]
    assert directory.list_centers(db, drug_class="%").total == 0  # not a code: nothing, not all
