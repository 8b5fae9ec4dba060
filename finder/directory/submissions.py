"""Listings sent through the public "list your center" form, with who sent them: an admin
can reach the submitter and approve the listing straight into an invitation for them. The
submitter's details are stored apart from the listing and never published."""
from sqlmodel import Session, select

from finder.directory import links
from finder.directory import service as directory
from finder.directory.models import EMAIL, PHONE, Center, Submitter, has_control_characters

SUBMITTER_FIELDS = {"submitter_name": "Your name", "submitter_role": "Your role",
                    "submitter_email": "Your work email", "submitter_phone": "Your phone"}


def check_submitter(form: dict) -> tuple[dict, dict[str, str]]:
    """The submitter's details, cleaned, and a message for each that cannot be used."""
    values = {k: " ".join(str(form.get(k) or "").split()) for k in SUBMITTER_FIELDS}
    errors = {}
    for field in values:
        if has_control_characters(str(form.get(field) or "")):
            errors[field] = "contains control characters"
    for field in ("submitter_name", "submitter_role"):
        if field not in errors and not 2 <= len(values[field]) <= 200:
            errors[field] = "is required (2 to 200 characters)"
    email = values["submitter_email"].lower()
    if "submitter_email" not in errors and not (EMAIL.match(email) and len(email) <= 254):
        errors["submitter_email"] = "must be an email address such as you@hospital.org"
    phone = values["submitter_phone"]
    if phone and "submitter_phone" not in errors and (
            not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 6):
        errors["submitter_phone"] = "must be a phone number of digits, spaces and an optional leading +"
    values["submitter_email"] = email
    return values, errors


def submit(session: Session, listing: dict, submitter: dict) -> Center:
    """A pending listing and its submitter, in one transaction."""
    center = directory.create_center(session, listing | {"status": "pending"},
                                     actor=f"public:{submitter['submitter_email']}"[:254],
                                     commit=False)
    session.add(Submitter(center_id=center.id, name=submitter["submitter_name"],
                          role=submitter["submitter_role"], email=submitter["submitter_email"],
                          phone=submitter["submitter_phone"] or None))
    session.commit()
    return center


def submitters_of(session: Session, centers) -> dict[int, Submitter]:
    ids = [c.id for c in centers]
    if not ids:
        return {}
    rows = session.exec(select(Submitter).where(Submitter.center_id.in_(ids))).all()
    return {row.center_id: row for row in rows}


def approve_and_invite(session: Session, center_id: int, *, expected_version: int, actor: str):
    """Approve a pending listing and invite its submitter to keep it current: (account, link).
    Raises VersionConflict, LookupError (no submitter), or AccountError (email taken)."""
    submitter = session.exec(select(Submitter).where(Submitter.center_id == center_id)).first()
    if submitter is None:
        raise LookupError(center_id)
    directory.set_status(session, center_id, "active", actor=actor,
                         expected_version=expected_version)
    return links.invite(session, submitter.email, center_id=center_id, actor=actor)
