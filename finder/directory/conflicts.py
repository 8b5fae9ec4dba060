"""What changed under an editor's feet, read from the audit log, so a stale edit can be
shown side by side with the listing as it is now and re-applied on purpose.

Every versioned write (update, approve, archive, verify) adds exactly one audit entry and one
to the version, so the newest `current.version - loaded_version` of those entries are the
changes the editor has not seen.
"""
from dataclasses import dataclass

from sqlmodel import Session, select

from finder.directory.models import EDITABLE_FIELDS, AuditEntry, Center
from finder.directory.service import plain

VERSIONED_ACTIONS = ("update", "approve", "archive", "verify", "unpublish")
UNCHANGED = object()


@dataclass(frozen=True)
class ConflictRow:
    field: str
    yours: object      # UNCHANGED when the editor left the field as loaded
    current: object
    clash: bool        # both the editor and someone else changed it


@dataclass(frozen=True)
class Conflict:
    rows: list[ConflictRow]
    mine: dict         # the editor's own changes, to lay over the current listing
    actors: list[str]  # who saved in the meantime


def changes_since(session: Session, center: Center, version: int) -> tuple[dict, list[str]]:
    """{field: [value at `version`, value now]} and the actors, from the audit log."""
    missed = max(center.version - version, 0)
    query = (select(AuditEntry)
             .where(AuditEntry.center_id == center.id, AuditEntry.action.in_(VERSIONED_ACTIONS))
             .order_by(AuditEntry.id.desc()).limit(missed))
    entries = list(reversed(session.exec(query).all())) if missed else []
    merged: dict[str, list] = {}
    for entry in entries:
        for field, (before, after) in entry.changes.items():
            merged.setdefault(field, [before, after])[1] = after
    return merged, list(dict.fromkeys(e.actor for e in entries))


def explain_conflict(session: Session, center: Center, submitted: dict, version: int) -> Conflict:
    """The editor's changes (from `version`) against what others saved since, field by field."""
    meanwhile, actors = changes_since(session, center, version)
    current = {f: plain(getattr(center, f)) for f in (*EDITABLE_FIELDS, "status", "verified_at")}
    loaded = {f: meanwhile[f][0] if f in meanwhile else current[f] for f in EDITABLE_FIELDS}
    mine = {f: plain(submitted[f]) for f in EDITABLE_FIELDS
            if f in submitted and plain(submitted[f]) != loaded[f]}
    fields = [f for f in current if f in mine or f in meanwhile]
    rows = [ConflictRow(f, mine.get(f, UNCHANGED), current[f], f in mine and f in meanwhile)
            for f in fields]
    return Conflict(rows=rows, mine=mine, actors=actors)
