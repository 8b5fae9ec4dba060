"""The dashboard: for an editor, how long ago the listing was confirmed with a one-click
confirm; for an admin, what needs doing (submissions, listings about to turn stale,
invitations not yet accepted) above every listing."""
from datetime import UTC, datetime

from flask import render_template
from flask_login import current_user, login_required

from finder.directory import links
from finder.directory import service as directory
from finder.directory.reminders import confirmed_words, going_stale
from finder.directory.submissions import submitters_of
from finder.web.core.context import db, settings
from finder.web.directory.present import listing_freshness
from finder.web.manage import bp


@bp.get("/")
@login_required
def dashboard():
    if not current_user.is_admin:
        center = directory.get_center(db(), current_user.account.center_id, public=False)
        return _dashboard([center] if center else [])
    everything = directory.list_centers(db(), status=None, limit=100_000).items
    active = [c for c in everything if c.status == "active"]
    pending = [c for c in everything if c.status == "pending"]
    return _dashboard(everything, pending=pending, submitters=submitters_of(db(), everything),
                      going_stale=going_stale(active, _today(), settings().stale_months),
                      invitations=links.pending_invitations(db()), is_expired=links.is_expired)


def _today():
    return datetime.now(UTC).date()


def _dashboard(centers, **extra):
    freshness = {c.id: listing_freshness(c, settings()) for c in centers}
    confirmed = {c.id: confirmed_words(c.verified_at, _today()) for c in centers}
    return render_template("manage/dashboard.html", centers=centers, freshness=freshness,
                           confirmed=confirmed, **extra)
