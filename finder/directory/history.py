"""A listing's history in the words of its public page: field values as patients read them,
times in the center's own time zone with the zone named, and people instead of system names."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from finder.directory.languages import language_name
from finder.directory.regions import zone_name
from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    COSTS,
    DRUG_CLASSES,
    REFERRAL_FROM,
    ROUTES,
    WEEKDAY_NAMES,
)

_NAMED = {"routes": ROUTES, "referral_from": REFERRAL_FROM, "cost": COSTS,
          "accepting_referrals": ACCEPTING_REFERRALS,
          "drug_classes": {code: c.name for code, c in DRUG_CLASSES.items()},
          "status": {"pending": "waiting for approval", "active": "approved and public",
                     "archived": "archived"}}


def _when(text: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) == 10:
        return f"{moment:%-d %B %Y}"
    return f"{moment.astimezone(UTC):%-d %B %Y}"


def readable(field: str, value) -> str:
    """A stored or audited value as the public page would show it."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "hours" and isinstance(value, list):
        return "; ".join(f"{WEEKDAY_NAMES.get(s.get('day'), s.get('day'))} {s.get('opens')}–{s.get('closes')}"
                         for s in value if isinstance(s, dict))
    if field == "languages" and isinstance(value, list):
        return ", ".join(language_name(str(tag)) for tag in value)
    if field in _NAMED:
        words = _NAMED[field]
        items = value if isinstance(value, list) else [value]
        return ", ".join(str(words.get(item, item)) for item in items)
    if field == "timezone":
        return zone_name(value)
    if field in ("verified_at", "wait_reported_on") and isinstance(value, str):
        return _when(value)
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if field == "wait_weeks":
        return f"about {value} week{'s' if value != 1 else ''}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def actor_words(actor: str) -> str:
    """Who made a change, as a person would say it."""
    kind, _, who = (actor or "").partition(":")
    if kind == "cli" and (who or not _):
        return "set up from the command line"
    if kind == "public":
        return f"sent through \u201clist your center\u201d by {who or 'someone'}"
    if kind == "self-service":
        return f"{who} (forgotten password)"
    return actor or "unknown"


def local_time(at: datetime, zone: str | None) -> str:
    """'1 December 2026, 16:05 Brisbane time (AEST)'."""
    moment = at if at.tzinfo else at.replace(tzinfo=UTC)
    if not zone:
        return f"{moment.astimezone(UTC):%-d %B %Y, %H:%M} UTC"
    local = moment.astimezone(ZoneInfo(zone))
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{local:%-d %B %Y, %H:%M} {city} time ({local:%Z})"
