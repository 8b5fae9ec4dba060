"""`finder stale` lists stale and unverified listings with their editors' contact, for outreach."""
import csv
import re
from datetime import UTC, datetime, timedelta

from finder.directory.models import Account, Center


def test_stale_lists_unverified_and_stale_with_editor_contact(app, session, make_center, tmp_path):
    now = datetime.now(UTC)
    fresh = make_center(name="Fresh Clinic")
    old = make_center(name="Old Clinic", phone="+61 8 8000 0000")
    make_center(name="Never Clinic", phone="+61 7 3000 0000")
    session.get(Center, fresh.id).verified_at = now - timedelta(days=30)
    session.get(Center, old.id).verified_at = now - timedelta(days=500)
    session.add(Account(email="editor@old.example.org", password_hash="x", role="center_editor",
                        center_id=old.id))
    session.commit()

    out = tmp_path / "stale.csv"
    result = app.test_cli_runner().invoke(args=["finder", "stale", "--csv", str(out)])
    assert result.exit_code == 0, result.output
    assert "Fresh Clinic" not in result.output
    assert "Old Clinic" in result.output and "editor@old.example.org" in result.output
    assert "Never Clinic" in result.output and "never confirmed" in result.output
    rows = list(csv.DictReader(out.open()))
    assert [(r["name"], r["status"]) for r in rows] == [("Never Clinic", "unverified"),
                                                        ("Old Clinic", "stale")]
    assert rows[1]["editors"] == "editor@old.example.org"
    # OWASP CSV injection: a cell a spreadsheet would run as a formula starts with an apostrophe
    assert rows[0]["phone"] == "'+61 7 3000 0000"


def test_stale_csv_neutralises_a_formula_in_a_public_submission(app, make_center, tmp_path):
    make_center(name='=HYPERLINK("http://evil.example","Open")', organisation="@SUM(1+1)")
    out = tmp_path / "stale.csv"
    assert app.test_cli_runner().invoke(args=["finder", "stale", "--csv", str(out)]).exit_code == 0
    row = next(csv.DictReader(out.open()))
    assert row["name"] == "'=HYPERLINK(\"http://evil.example\",\"Open\")"
    assert row["organisation"] == "'@SUM(1+1)"


def test_months_option_moves_the_threshold(app, session, make_center):
    center = make_center(name="Six Month Clinic")
    session.get(Center, center.id).verified_at = datetime.now(UTC) - timedelta(days=200)
    session.commit()
    runner = app.test_cli_runner()
    assert "Six Month Clinic" not in runner.invoke(args=["finder", "stale"]).output
    assert "Six Month Clinic" in runner.invoke(args=["finder", "stale", "--months", "6"]).output


def _stale_with_editor(session, make_center):
    center = make_center(name="Old Clinic")
    session.get(Center, center.id).verified_at = datetime.now(UTC) - timedelta(days=430)
    session.add(Account(email="editor@old.example.org", password_hash="x", role="center_editor",
                        center_id=center.id))
    make_center(name="Orphan Clinic")  # never confirmed, nobody to remind
    session.commit()
    return center


def test_notify_prints_each_reminder_without_mail(app, session, make_center):
    _stale_with_editor(session, make_center)
    result = app.test_cli_runner().invoke(args=["finder", "stale", "--notify"])
    assert result.exit_code == 0, result.output
    assert "--- To: editor@old.example.org" in result.output
    assert "Please confirm your listing: Old Clinic" in result.output
    assert re.search(r"last confirmed 1[345] months ago", result.output)
    assert "http://127.0.0.1:5000/manage/" in result.output
    assert "No editor account for Orphan Clinic" in result.output
    assert "Reminders: 0 sent by email, 1 printed." in result.output


def test_notify_mails_each_editor_through_smtp(app_factory, session, make_center):
    from tests.web.staff_kit import smtp_server

    _stale_with_editor(session, make_center)
    with smtp_server() as (url, inbox):
        app = app_factory(smtp_url=url, public_url="https://finder.example.org")
        result = app.test_cli_runner().invoke(args=["finder", "stale", "--notify"])
    assert result.exit_code == 0, result.output
    assert "Reminders: 1 sent by email, 0 printed." in result.output
    (message,) = inbox.messages
    assert message["To"] == "editor@old.example.org"
    assert message["Subject"] == "Please confirm your listing: Old Clinic"
    assert "https://finder.example.org/manage/" in message.get_content()


def test_notify_prints_when_the_mail_server_is_down(app_factory, session, make_center):
    _stale_with_editor(session, make_center)
    app = app_factory(smtp_url="smtp://127.0.0.1:9")  # discard port: nothing listens
    result = app.test_cli_runner().invoke(args=["finder", "stale", "--notify"])
    assert result.exit_code == 0
    assert "--- To: editor@old.example.org" in result.output
