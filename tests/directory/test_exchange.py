"""Import and export: all rows valid or nothing changes; a round trip reproduces every listing."""
import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from finder.cli import DEMO_FILE
from finder.db import build_engine, open_session
from finder.directory import exchange
from finder.directory.models import AuditEntry, Center
from tests.conftest import center_data

DEMO = json.loads(DEMO_FILE.read_text())["centers"]


def snapshot(session):
    return [exchange.listing_record(c) for c in session.exec(select(Center).order_by(Center.id)).all()]


def rich_listing(**extra):
    data = center_data(
        languages=["vi", "ar"], referral_from=["gp", "nurse_practitioner"], accepting_referrals="yes",
        accepting_note="Adults only until March", wait_weeks=12, wait_reported_on="2026-10-01",
        urgent_pathway=True, cost="both", cost_note="Private fees apply for non-residents",
        interpreter_service=True, hours=[{"day": "tue", "opens": "13:00", "closes": "16:00"},
                                         {"day": "mon", "opens": "08:30", "closes": "12:00"}],
        hours_note="Closed public holidays", travel_note="Ronald McDonald House 300 m away",
        age_min_years=2, age_max_years=17, procedures_per_year=140, telehealth_preassessment=True,
        referral_process="GP letter, fax or e-referral", email="allergy@example.org",
        verified_at="2026-06-01T03:00:00+00:00")
    data.update(extra)
    return data


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_an_empty_database_reproduces_every_listing(db, fmt, sqlite_url):
    rows = [*DEMO, rich_listing(name="Every Field Clinic", status="pending")]
    exchange.import_records(db, rows, actor="t")
    before = snapshot(db)
    text = exchange.dump(exchange.export_records(db), fmt)

    other = build_engine(sqlite_url)  # a second, empty database
    with open_session(other) as empty:
        exchange.import_records(empty, exchange.load(text, fmt), actor="t")
        after = snapshot(empty)
    other.dispose()
    assert after == before
    assert len(after) == len(DEMO) + 1


BAD_ROWS = [
    (2, "lat", {"lat": 123}),
    (3, "drug_classes", {"drug_classes": ["aspirin"]}),
    (4, "languages", {"languages": ["english"]}),
    (5, "wait_weeks", {"wait_weeks": -3}),
    (6, "hours", {"hours": [{"day": "wed", "opens": "16:00", "closes": "09:00"}]}),
    (7, "timezone", {"timezone": "Australia/Springfield"}),
    (8, "website", {"website": "javascript:alert(1)"}),
    (9, "colour", {"colour": "blue"}),
]


def test_an_import_with_bad_rows_names_rows_and_fields_and_changes_nothing(db):
    exchange.import_records(db, [center_data(name="Already here")], actor="t")
    before = snapshot(db)
    audit_before = len(db.exec(select(AuditEntry)).all())
    rows = [center_data(name="Fine row")]
    for _row, _field, bad in BAD_ROWS:
        rows.append(center_data(**bad))
    with pytest.raises(exchange.ImportRejected) as rejected:
        exchange.import_records(db, rows, actor="t")
    problems = {(row, field) for row, field, _ in rejected.value.problems}
    assert problems == {(row, field) for row, field, _ in BAD_ROWS}
    assert snapshot(db) == before
    assert len(db.exec(select(AuditEntry)).all()) == audit_before


def test_csv_with_bad_cells_is_rejected_with_row_numbers(db):
    listing = exchange.validate_rows([rich_listing()])[0]
    good = exchange.dump([exchange.listing_record(Center(**listing.model_dump()))], "csv")
    bad_line = good.splitlines()[1].replace("08:30-12:00", "noon-ish")
    text = good + bad_line + "\n"
    with pytest.raises(exchange.ImportRejected) as rejected:
        exchange.import_records(db, exchange.load(text, "csv"), actor="t")
    assert [(r, f) for r, f, _ in rejected.value.problems] == [(2, "hours")]
    assert snapshot(db) == []


def test_timezone_is_derived_from_the_state_at_import(db):
    rows = [center_data(name=f"C{state}", region=state, timezone=None)
            for state in ("NSW", "QLD", "SA", "NT", "WA", "TAS", "VIC", "ACT")]
    exchange.import_records(db, rows, actor="t")
    zones = {c.region: c.timezone for c in db.exec(select(Center)).all()}
    assert zones == {"NSW": "Australia/Sydney", "QLD": "Australia/Brisbane", "SA": "Australia/Adelaide",
                     "NT": "Australia/Darwin", "WA": "Australia/Perth", "TAS": "Australia/Hobart",
                     "VIC": "Australia/Melbourne", "ACT": "Australia/Sydney"}


def test_unreadable_files_are_rejected_plainly():
    with pytest.raises(exchange.ImportRejected, match="not valid JSON"):
        exchange.load("{nope", "json")
    with pytest.raises(exchange.ImportRejected, match="missing column"):
        exchange.load("title,place\nx,y\n", "csv")


# Listing text may hold any printable character; control characters are refused by design.
TEXT = st.characters(blacklist_categories=("Cc", "Cs"))

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(TEXT, min_size=2, max_size=60).filter(lambda s: s.strip() and len(" ".join(s.split())) >= 2),
       note=st.one_of(st.none(), st.text(TEXT, max_size=80)),
       wait=st.one_of(st.none(), st.integers(0, 260)),
       langs=st.lists(st.sampled_from(["vi", "ar", "zh-Hant", "el", "it", "haw", "pt-BR"]), max_size=3))
def test_property_json_and_csv_round_trips_keep_arbitrary_text(name, note, wait, langs):
    listing = exchange.validate_rows([center_data(name=name, travel_note=note, wait_weeks=wait,
                                                  languages=langs)])[0]
    record = exchange.listing_record(Center(**listing.model_dump()))
    for fmt in ("json", "csv"):
        again = exchange.validate_rows(exchange.load(exchange.dump([record], fmt), fmt))[0]
        assert again.model_dump() == listing.model_dump()


def test_cli_import_export_and_seed_demo(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["finder", "seed-demo"])
    assert f"{len(DEMO)} added" in result.output
    again = runner.invoke(args=["finder", "seed-demo"])
    assert "0 added" in again.output
    out = tmp_path / "all.csv"
    assert runner.invoke(args=["finder", "export", str(out)]).exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"centers": [center_data(), center_data(lat="north")]}))
    rejected = runner.invoke(args=["finder", "import", str(bad)])
    assert rejected.exit_code == 1
    assert "row 2: lat" in rejected.output
    ok = runner.invoke(args=["finder", "import", str(out)])
    assert ok.exit_code == 0 and f"Imported {len(DEMO)}" in ok.output


def is_number(cell):  # a plain number (a negative latitude) is never run as a formula
    try:
        float(cell)
    except ValueError:
        return False
    return True


FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+61 7 3000 0000", "-2+3", "@SUM(A1)",
            "'=already quoted"]


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised_and_import_back(text):
    listing = exchange.validate_rows([center_data(travel_note=text, accepting_note=text)])[0]
    record = exchange.listing_record(Center(**listing.model_dump()))
    written = exchange.dump([record], "csv")
    cells = [cell for row in csv.reader(io.StringIO(written)) for cell in row]
    assert not any(cell.startswith(exchange.FORMULA_STARTS) and not is_number(cell) for cell in cells)
    assert sum(cell == "'" + text for cell in cells) >= 2
    again = exchange.validate_rows(exchange.load(written, "csv"))[0]
    assert again.model_dump() == listing.model_dump()


@pytest.mark.parametrize("cell, safe", [("\tx", "'\tx"), ("\rx", "'\rx"), ("=1", "'=1"),
                                        ("a=1", "a=1"), (-27.5, -27.5), ("", ""), ("'x", "'x")])
def test_spreadsheet_safe_quotes_only_formula_starts(cell, safe):
    assert exchange.spreadsheet_safe(cell) == safe
