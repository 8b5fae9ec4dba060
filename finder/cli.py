"""`flask --app wsgi finder …`: set-up and data commands. Long work shows a progress bar."""
import getpass
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from finder import migrate
from finder.db import open_session
from finder.directory import exchange

finder_commands = AppGroup("finder", help="Desensitization finder: database and data commands.")
DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "centers.json"


def _session():
    return open_session(current_app.extensions["finder.engine"])


def _settings():
    return current_app.config["FINDER"]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _format_of(path: Path, given: str | None) -> str:
    fmt = given or path.suffix.lstrip(".").lower()
    if fmt not in ("json", "csv", "fhir"):
        raise click.UsageError("Give a .json or .csv file, or --format json|csv|fhir")
    return fmt


@finder_commands.command("init-db")
def init_db():
    """Create or upgrade the database schema (alembic upgrade head)."""
    migrate.upgrade(_settings().database_url)
    click.echo("Database is at the latest schema.")


@finder_commands.command("seed-demo")
def seed_demo():
    """Add the demonstration listings that are not there yet (safe to run again)."""
    rows = json.loads(DEMO_FILE.read_text())["centers"]
    with _session() as session:
        added = exchange.seed_demo(session, rows, actor=_actor())
    click.echo(f"Demonstration listings: {added} added, {len(rows) - added} already present.")


@finder_commands.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "fhir"]), default=None)
def import_file(file: Path, fmt: str | None):
    """Import listings from FILE; nothing changes unless every row is valid."""
    fmt = _format_of(file, fmt)
    try:
        if fmt == "fhir":
            from finder.directory.fhir.imports import records_from_bundle
            rows = records_from_bundle(json.loads(file.read_text(encoding="utf-8")))
        else:
            rows = exchange.load(file.read_text(encoding="utf-8"), fmt)
        exchange.validate_rows(rows)
    except exchange.ImportRejected as rejected:
        click.echo(f"Import rejected, nothing changed: {len(rejected.problems)} problem(s).", err=True)
        for row, field, message in rejected.problems:
            click.echo(f"  row {row}: {field}: {message}", err=True)
        raise SystemExit(1) from None
    with _session() as session, click.progressbar(length=len(rows), label="Importing") as bar:
        count = exchange.import_records(session, rows, actor=_actor(), progress=bar.update)
    click.echo(f"Imported {count} listing(s).")


@finder_commands.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "fhir"]), default=None)
def export_file(file: Path, fmt: str | None):
    """Write every listing to FILE (JSON, CSV, or a FHIR collection Bundle)."""
    fmt = _format_of(file, fmt)
    with _session() as session:
        if fmt == "fhir":
            from finder.directory.fhir.resources import directory_bundle
            text = json.dumps(directory_bundle(session), indent=2, ensure_ascii=False)
            count = text.count('"resourceType": "HealthcareService"')
        else:
            records = exchange.export_records(session)
            text, count = exchange.dump(records, fmt), len(records)
    file.write_text(text, encoding="utf-8")
    click.echo(f"Exported {count} listing(s) to {file}.")


@finder_commands.command("build-gazetteer")
@click.option("--force", is_flag=True, help="Rebuild even when the index is current.")
def build_gazetteer_command(force: bool):
    """Build the offline place index from the bundled postcode data and GeoNames."""
    from finder.geocoding.gazetteer import build_gazetteer, gazetteer_is_current

    path = _settings().gazetteer_path
    if not force and gazetteer_is_current(path):
        click.echo(f"Gazetteer at {path} is current.")
        return
    with click.progressbar(length=100, label="Building gazetteer") as bar:
        state = {"shown": 0}

        def progress(done: int, total: int) -> None:
            percent = int(100 * done / max(total, 1))
            bar.update(percent - state["shown"])
            state["shown"] = percent

        build_gazetteer(path, progress=progress)
    click.echo(f"Gazetteer written to {path}.")


@finder_commands.command("stale")
@click.option("--months", type=click.IntRange(1, 120), default=None,
              help="Stale after this many months (default FINDER_STALE_MONTHS, 12).")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the list to this CSV file.")
@click.option("--notify", is_flag=True,
              help="Remind each listing's editors: by mail when FINDER_SMTP_URL is set, "
                   "otherwise print each reminder to pass on.")
def stale(months: int | None, csv_file: Path | None, notify: bool):
    """List stale and unverified listings with their editors' contact, for outreach."""
    import csv as csv_module
    from datetime import UTC, datetime

    from finder.directory.exchange import spreadsheet_safe
    from finder.directory.service import stale_listings

    months = months or _settings().stale_months
    with _session() as session:
        rows = stale_listings(session, today=datetime.now(UTC).date(), months=months)
    records = [{
        "id": c.id, "name": c.name, "organisation": c.organisation, "status": status,
        "verified_on": c.verified_at.date().isoformat() if c.verified_at else "",
        "phone": c.phone or "", "center_email": c.email or "", "editors": ";".join(editors),
    } for c, status, editors in rows]
    for r in records:
        contact = r["editors"] or r["center_email"] or r["phone"] or "no contact on file"
        when = f"last confirmed {r['verified_on']}" if r["verified_on"] else "never confirmed"
        click.echo(f"{r['id']:>5}  {r['status']:<10} {when:<26} "
                   f"{r['name']}, {r['organisation']}  [{contact}]")
    click.echo(f"{len(records)} listing(s) need confirming (stale after {months} months).")
    if csv_file:
        with csv_file.open("w", newline="", encoding="utf-8") as handle:
            writer = csv_module.DictWriter(handle, fieldnames=list(records[0]) if records else ["id"])
            writer.writeheader()
            writer.writerows({k: spreadsheet_safe(v) for k, v in r.items()} for r in records)
    if notify:
        _notify_editors(rows)


def _notify_editors(rows) -> None:
    """One reminder per editor of each stale listing; mailed, or printed without mail."""
    from datetime import UTC, datetime

    from flask import url_for

    from finder.directory.messages import reminder_message
    from finder.directory.reminders import confirmed_words
    from finder.mail import MailError, send_mail

    config = _settings()
    sent = printed = 0
    with _site_context():
        url = url_for("manage.dashboard", _external=True)
        for center, _status, editors in rows:
            if not editors:
                click.echo(f"No editor account for {center.name} (id {center.id}): "
                           f"invite one with `finder invite --center {center.id} EMAIL`.")
            words = confirmed_words(center.verified_at, datetime.now(UTC).date())
            subject, body = reminder_message(center.name, words, url)
            for editor in editors:
                if config.smtp_url:
                    try:
                        send_mail(config.smtp_url, config.mail_from, editor, subject, body)
                        sent += 1
                        continue
                    except MailError as error:
                        click.echo(f"{error}; the reminder follows to pass on.", err=True)
                click.echo(f"\n--- To: {editor}\n--- Subject: {subject}\n{body}")
                printed += 1
    click.echo(f"Reminders: {sent} sent by email, {printed} printed.")


@finder_commands.command("create-account")
@click.argument("email")
@click.option("--center", "center_id", type=int, help="The center this editor may change.")
@click.option("--admin", is_flag=True, help="An admin: approves, archives, edits every listing.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input instead of generating one.")
def create_account_command(email: str, center_id: int | None, admin: bool, password_stdin: bool):
    """Create a staff account; without --password-stdin a one-time password is printed once."""
    import sys

    from finder.directory import accounts

    if admin == (center_id is not None):
        raise click.UsageError("Give exactly one of --center ID or --admin.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = accounts.generate_password()
    with _session() as session:
        try:
            account = accounts.create_account(
                session, email, password, role="admin" if admin else "center_editor",
                center_id=center_id, actor=_actor(), one_time=not password_stdin)
        except accounts.AccountError as invalid:
            for field, message in invalid.errors.items():
                click.echo(f"{field}: {message}", err=True)
            raise SystemExit(1) from None
    click.echo(f"Created {account.role} account {account.email}.")
    if not password_stdin:
        click.echo(f"One-time password (shown only now; it must be changed at first sign-in): "
                   f"{password}")


def _site_context():
    """A request context on the public address, so url_for makes links for mail and print."""
    return current_app.test_request_context(base_url=_settings().public_url)


@finder_commands.command("invite")
@click.argument("email")
@click.option("--center", "center_id", type=int, help="The center this editor may change.")
@click.option("--admin", is_flag=True, help="Invite an admin instead of a center editor.")
def invite_command(email: str, center_id: int | None, admin: bool):
    """Invite someone: a single-use link, valid 7 days, to choose their password. Mailed when
    FINDER_SMTP_URL is set, otherwise printed to pass on."""
    from finder.directory import accounts, links
    from finder.web.manage.mailing import deliver_link, link_url

    if admin == (center_id is not None):
        raise click.UsageError("Give exactly one of --center ID or --admin.")
    with _session() as session, _site_context():
        try:
            account, plain = links.invite(session, email, center_id=center_id, actor=_actor(),
                                          role="admin" if admin else "center_editor")
        except accounts.AccountError as invalid:
            for field, message in invalid.errors.items():
                click.echo(f"{field}: {message}", err=True)
            raise SystemExit(1) from None
        if deliver_link(account.email, "invite", plain):
            click.echo(f"Invitation sent by email to {account.email}.")
        else:
            click.echo(f"Invitation for {account.email} (works once, for 7 days; pass it on):")
            click.echo(link_url(plain))


@finder_commands.command("audit")
@click.option("--center", "center_id", type=int, required=True, help="The center's id.")
def audit_command(center_id: int):
    """Print a center's history of changes, newest first."""
    from finder.directory.service import audit_history

    with _session() as session:
        entries = audit_history(session, center_id)
    if not entries:
        click.echo(f"No history for center {center_id}.")
    for entry in entries:
        click.echo(f"{entry.at:%Y-%m-%d %H:%M:%S} UTC  {entry.action}  by {entry.actor}")
        for field, (before, after) in entry.changes.items():
            click.echo(f"    {field}: {before!r} -> {after!r}")
