"""The listing form's plumbing: posted text to the shapes the validator expects, and back.

No rules live here: a value that does not parse is passed on as typed, and the pydantic
validation in finder.directory.models names the problem (via directory.ListingValidationError). Only
the hours textarea has a syntax of its own, so only it gets a message here.
"""

from finder.directory.listing import parse_span, span_text
from finder.directory.models import EDITABLE_FIELDS, CenterFields, has_control_characters
from finder.web.manage.friendly_fields import WEEK_MARKER, read_languages, read_timezone, read_week

LIST_FIELDS = ("drug_classes", "routes", "referral_from")  # checkbox groups
BOOL_FIELDS = tuple(f for f, info in CenterFields.model_fields.items() if info.annotation is bool)
ADDRESS_FIELDS = ("street", "locality", "region", "postcode", "country")

LABELS = {
    "name": "Service name", "organisation": "Hospital or organisation", "street": "Street",
    "locality": "Town or suburb", "region": "State or region", "postcode": "Postcode",
    "country": "Country", "lat": "Latitude", "lon": "Longitude", "phone": "Phone",
    "email": "Email", "website": "Website", "drug_classes": "Drug classes",
    "routes": "Routes", "age_min_years": "Youngest age seen (years)",
    "age_max_years": "Oldest age seen (years)", "procedures_per_year": "Desensitizations a year",
    "telehealth_preassessment": "Pre-assessment by telehealth",
    "referral_process": "How to be referred", "wait_weeks": "Waiting time (weeks)",
    "emergency_onsite": "Emergency department on site",
    "accepting_referrals": "Accepting referrals", "accepting_note": "Note on referrals",
    "referral_from": "Referrals accepted from", "wait_reported_on": "Waiting time reported on",
    "urgent_pathway": "Urgent pathway", "cost": "Cost", "cost_note": "Note on cost",
    "languages": "Languages", "interpreter_service": "Interpreter service",
    "hours": "Booking line hours", "hours_note": "Note on hours", "timezone": "Time zone",
    "travel_note": "Travel note", "status": "Status", "verified_at": "Confirmed current on",
    "account": "Account", "role": "Role", "token": "API token",
}


def _hours(text: str) -> tuple[list, str | None]:
    spans = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        span = parse_span(line)
        if span is None:
            return [], f"line {number}: write each opening as a day and times, e.g. mon 08:30-16:30"
        spans.append(span)
    return spans, None


def listing_from_form(form, fields=EDITABLE_FIELDS) -> tuple[dict, dict[str, str]]:
    """The posted form as listing data, plus messages for what could not be read at all."""
    data, errors = {}, {}
    for field in fields:
        if any(has_control_characters(v) for v in form.getlist(field)):
            errors[field] = "contains control characters"
            continue
        if field in LIST_FIELDS:
            data[field] = form.getlist(field)
        elif field in BOOL_FIELDS:
            data[field] = form.get(field) in ("on", "true", "1", "yes")
        elif field == "languages":
            data[field], problem = read_languages(form)
            if problem:
                errors[field] = problem
        elif field == "hours":
            by_day = WEEK_MARKER in form
            data[field], problem = read_week(form) if by_day else _hours(form.get(field, ""))
            if problem:
                errors[field] = problem
        elif field == "timezone":
            data[field] = read_timezone(form, form.get("country"), form.get("region"))
        elif field in form:  # a field the form did not send keeps its stored or default value
            data[field] = form[field].strip() or None
    return data, errors


def form_values(listing: dict) -> dict:
    """Listing values (stored or plain JSON) as the form shows them."""
    values = {}
    for field in EDITABLE_FIELDS:
        value = listing.get(field)
        if field == "hours":
            values[field] = "\n".join(span_text(s) for s in value or [])
        elif field in LIST_FIELDS or field == "languages":
            values[field] = list(value or [])
        elif field in BOOL_FIELDS:
            values[field] = bool(value)
        else:
            values[field] = "" if value is None else str(value)
    return values


def _same_text(a, b) -> bool:
    return " ".join(str(a or "").split()).casefold() == " ".join(str(b or "").split()).casefold()


def address_changed(before: dict, after: dict) -> bool:
    return not all(_same_text(before.get(f), after.get(f)) for f in ADDRESS_FIELDS)


def position_changed(before: dict, after: dict) -> bool:
    """True when the editor typed a different latitude or longitude themselves."""
    for field in ("lat", "lon"):
        try:
            if abs(float(after.get(field)) - float(before.get(field))) > 1e-7:
                return True
        except (TypeError, ValueError):
            return True
    return False
