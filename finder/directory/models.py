"""Tables and the validated input models that guard every write.

`CenterFields` holds every editable listing field with its rules; `CenterInput` validates a
create/import row; `Center` is the table. pediatric/adult are derived from the age range and
never stored, so they can never disagree with it.
"""
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, available_timezones

from pydantic import ValidationInfo, field_validator, model_validator
from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    ADULT_AGE,
    CENTER_STATUSES,
    COSTS,
    DRUG_CLASSES,
    LANGUAGE_TAG,
    REFERRAL_FROM,
    ROUTES,
    WEEKDAYS,
    is_language_tag,
)

PHONE = re.compile(r"^\+?[0-9 ()\-.]{6,25}$")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,185}\.[A-Za-z]{2,24}$")
HHMM = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")

# What a listing's text may hold, as regular-expression classes that read alike in Python and
# ECMA-262 (no \s, whose two readings differ): the OpenAPI schema and the validators below
# share them, so the document says exactly what the server takes.
CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f"  # refused: all but tab and line breaks
# Python's whitespace (what str.split and str.strip remove), bar the refused control characters.
SPACES = "".join(f"\\u{code:04x}" for code in range(0x10000)
                 if chr(code).isspace() and not re.match(f"[{CONTROL}]", chr(code)))
SPACE, ALLOWED, VISIBLE = f"[{SPACES}]", f"[^{CONTROL}]", f"[^{CONTROL}{SPACES}]"


def has_control_characters(text: str) -> bool:
    """NUL and other control characters (bar line breaks and tabs): PostgreSQL refuses NUL in
    text, and none of them belongs in a listing."""
    return re.search(f"[{CONTROL}]", text) is not None


def text_pattern(min_length: int = 0) -> str:
    """Text with no refused control character and at least `min_length` characters that are
    not spaces (what trimming leaves to count against a minimum length)."""
    return f"^{ALLOWED}*" + f"{VISIBLE}{ALLOWED}*" * min_length + "$"


def as_sent(core: str) -> re.Pattern:
    """`core` with the spaces trimming removes allowed at either end."""
    return re.compile(f"^{SPACE}*{core}{SPACE}*$")


# Written as sent: spaces inside count as one after trimming, so they are allowed wherever the
# trimmed text allows a space.
COUNTRY_AS_SENT = as_sent("([A-Za-z]{2})")
PHONE_AS_SENT = as_sent(f"\\+?(?:[()\\-.{SPACES}]*[0-9]){{6}}[0-9()\\-.{SPACES}]*")
EMAIL_AS_SENT = as_sent(f"[^@<>\"'{CONTROL}{SPACES}]{{1,64}}@[A-Za-z0-9.-]{{1,185}}\\.[A-Za-z]{{2,24}}")
HTTPS_URL_AS_SENT = as_sent("https://[A-Za-z0-9.-]+\\.[A-Za-z]{2,24}(?::[0-9]{1,5})?"
                            f"(?:/[^<>\"'{CONTROL}{SPACES}]*)?")


def codes_field(codes, *, at_least_one: bool = False):
    """A list of codes from `codes` (repeats dropped)."""
    return Field(default_factory=list, sa_type=JSON, schema_extra={
        "validate_default": at_least_one, "json_schema_extra": {
            "items": {"type": "string", "enum": list(codes)}, **({"minItems": 1} if at_least_one else {})}})


# Rules across two fields, which JSON Schema can only spell out one value at a time (1,440
# cases for a time of day, 121 for an age): too many for the tools that draw requests from the
# document (schemathesis's canonical form gives up past about 25), so they are stated in words.
CLOSES_AFTER_OPENS = "closes is later than opens"
AGES_IN_ORDER = "age_min_years is not above age_max_years"


def hours_span_schema() -> dict:
    """One opening span, as the hours validator takes it."""
    time = {"type": "string", "pattern": HHMM.pattern}
    return {"type": "object", "required": ["day", "opens", "closes"], "additionalProperties": False,
            "properties": {"day": {"enum": list(WEEKDAYS)}, "opens": time, "closes": time},
            "description": f"One opening span, 24-hour local time; {CLOSES_AFTER_OPENS}."}


def text_field(max_length: int, *, min_length: int = 0, pattern: re.Pattern | None = None,
               default=None, **kwargs):
    """A listing text field: at most `max_length` characters as sent (spaces included), none a
    control character, at least `min_length` of them not spaces, and matching `pattern`.
    Its JSON Schema says the same (pattern, maxLength), so the API cannot promise more."""
    pattern_text = pattern.pattern if pattern else text_pattern(min_length)
    return Field(default=default, min_length=min_length or None, max_length=max_length,
                 schema_extra={"json_schema_extra": {"pattern": pattern_text}}, **kwargs)


def sees_children(age_min_years: int | None) -> bool:
    """The age range reaches below 18 (no lower limit counts)."""
    return age_min_years is None or age_min_years < ADULT_AGE


def ages_cover(age_min_years: int | None, age_max_years: int | None, years: int) -> bool:
    """`years` lies within the range; a missing end is no limit."""
    return ((age_min_years is None or age_min_years <= years)
            and (age_max_years is None or years <= age_max_years))


def utcnow() -> datetime:
    return datetime.now(UTC)


_TIMEZONES = frozenset(available_timezones())
MAX_AGE = 120


class CenterFields(SQLModel):
    """Every field a center (or an import file) may set, with its rules."""
    # A listing names at least one drug class and route, sent or not (the schema: required).
    model_config = {"json_schema_extra": lambda schema: (
        schema["required"].extend(("drug_classes", "routes")),
        schema.update(description=f"A center's listing; {AGES_IN_ORDER}."))}

    name: str = text_field(200, min_length=2, default=...)
    organisation: str = text_field(200, min_length=2, default=...)
    street: str | None = text_field(200)
    locality: str = text_field(100, min_length=1, default=...)
    region: str | None = text_field(100)
    postcode: str | None = text_field(12)
    # Two letters once trimmed and upper-cased: the pattern says it of the text as sent.
    country: str = Field(min_length=2, max_length=2, schema_extra={"json_schema_extra": lambda s: (
        s.pop("minLength"), s.pop("maxLength"), s.update(pattern=COUNTRY_AS_SENT.pattern))})
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    phone: str | None = text_field(30, pattern=PHONE_AS_SENT)
    email: str | None = text_field(254, pattern=EMAIL_AS_SENT)
    website: str | None = text_field(300, pattern=HTTPS_URL_AS_SENT)
    drug_classes: list[str] = codes_field(DRUG_CLASSES, at_least_one=True)
    routes: list[str] = codes_field(ROUTES, at_least_one=True)
    age_min_years: int | None = Field(default=None, ge=0, le=MAX_AGE)
    age_max_years: int | None = Field(default=None, ge=0, le=MAX_AGE)
    procedures_per_year: int | None = Field(default=None, ge=0, le=100_000)
    telehealth_preassessment: bool = False
    referral_process: str | None = text_field(2000)
    wait_weeks: int | None = Field(default=None, ge=0, le=260)
    emergency_onsite: bool = False
    # Listing facts a regional patient asks before travelling.
    accepting_referrals: str = Field(default="unknown", max_length=10, schema_extra={
        "json_schema_extra": {"enum": list(ACCEPTING_REFERRALS)}})
    accepting_note: str | None = text_field(300)
    referral_from: list[str] = codes_field(REFERRAL_FROM)
    wait_reported_on: date | None = None
    urgent_pathway: bool = False
    cost: str = Field(default="unknown", max_length=10, schema_extra={
        "json_schema_extra": {"enum": list(COSTS)}})
    cost_note: str | None = text_field(300)
    languages: list[str] = Field(default_factory=list, sa_type=JSON, schema_extra={
        "json_schema_extra": {"items": {"type": "string", "pattern": f"^{LANGUAGE_TAG}$"}}})
    interpreter_service: bool = False
    hours: list[dict] = Field(default_factory=list, sa_type=JSON, schema_extra={
        "json_schema_extra": {"items": hours_span_schema()}})
    hours_note: str | None = text_field(300)
    timezone: str | None = Field(default=None, max_length=64, schema_extra={
        "json_schema_extra": lambda s: s["anyOf"][0].update(enum=sorted(_TIMEZONES))})
    travel_note: str | None = text_field(1000)

    @field_validator("name", "organisation", "locality", "street", "region", "postcode",
                     "referral_process", "accepting_note", "cost_note", "hours_note", "travel_note",
                     "phone", "email", "website", mode="before")
    @classmethod
    def _strip(cls, value, info: ValidationInfo):
        """Trimmed (runs of spaces inside a line made one); blank is no value. The length is
        counted as sent, as the schema's maxLength counts it."""
        if isinstance(value, str):
            if has_control_characters(value):
                raise ValueError("must not contain control characters")
            longest = next(m.max_length for m in cls.model_fields[info.field_name].metadata
                           if getattr(m, "max_length", None))
            if len(value) > longest:
                raise ValueError(f"must be at most {longest} characters")
            value = " ".join(value.split()) if "\n" not in value else value.strip()
            return value or None
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _country(cls, value):
        if isinstance(value, str):
            letters = COUNTRY_AS_SENT.fullmatch(value)
            if not letters:
                raise ValueError("must be a two-letter country code such as AU")
            value = letters.group(1).upper()  # ASCII only: "ß".upper() is "SS"
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value):
        if value is not None and not PHONE_AS_SENT.fullmatch(value):
            raise ValueError("must be a phone number of at least 6 digits, with spaces, "
                             "brackets, dashes or dots and an optional leading +")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value):
        if value is not None and not EMAIL_AS_SENT.fullmatch(value):
            raise ValueError("must be an email address such as clinic@hospital.org")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value):
        if value is not None and not HTTPS_URL_AS_SENT.fullmatch(value):
            raise ValueError("must be an https:// address")
        return value

    @field_validator("drug_classes")
    @classmethod
    def _drug_classes(cls, value):
        unknown = [v for v in value if v not in DRUG_CLASSES]
        if unknown:
            raise ValueError(f"unknown drug class {unknown[0]!r}; use one of {', '.join(DRUG_CLASSES)}")
        if not value:
            raise ValueError("choose at least one drug class")
        return sorted(set(value), key=list(DRUG_CLASSES).index)

    @field_validator("routes")
    @classmethod
    def _routes(cls, value):
        unknown = [v for v in value if v not in ROUTES]
        if unknown:
            raise ValueError(f"unknown route {unknown[0]!r}; use one of {', '.join(ROUTES)}")
        if not value:
            raise ValueError("choose at least one route")
        return sorted(set(value), key=list(ROUTES).index)

    @field_validator("accepting_referrals")
    @classmethod
    def _accepting(cls, value):
        if value not in ACCEPTING_REFERRALS:
            raise ValueError(f"must be one of {', '.join(ACCEPTING_REFERRALS)}")
        return value

    @field_validator("referral_from")
    @classmethod
    def _referral_from(cls, value):
        unknown = [v for v in value if v not in REFERRAL_FROM]
        if unknown:
            raise ValueError(f"unknown referrer {unknown[0]!r}; use {', '.join(REFERRAL_FROM)}")
        return sorted(set(value), key=list(REFERRAL_FROM).index)

    @field_validator("cost")
    @classmethod
    def _cost(cls, value):
        if value not in COSTS:
            raise ValueError(f"must be one of {', '.join(COSTS)}")
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value):
        bad = [v for v in value if not isinstance(v, str) or not is_language_tag(v)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a BCP 47 language code such as 'vi' or 'zh-Hant'")
        return sorted(set(value))

    @field_validator("hours")
    @classmethod
    def _hours(cls, value):
        spans = []
        for i, span in enumerate(value):
            if not isinstance(span, dict) or set(span) != {"day", "opens", "closes"}:
                raise ValueError(f"span {i + 1} must have exactly day, opens and closes")
            day, opens, closes = span["day"], span["opens"], span["closes"]
            if day not in WEEKDAYS:
                raise ValueError(f"span {i + 1}: day must be one of {', '.join(WEEKDAYS)}")
            if not (isinstance(opens, str) and HHMM.fullmatch(opens)
                    and isinstance(closes, str) and HHMM.fullmatch(closes)):
                raise ValueError(f"span {i + 1}: times must be HH:MM, 24-hour")
            if closes <= opens:
                raise ValueError(f"span {i + 1} ({day}): closes at {closes}, before it opens at {opens}")
            spans.append({"day": day, "opens": opens, "closes": closes})
        return sorted(spans, key=lambda s: (WEEKDAYS.index(s["day"]), s["opens"]))

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value):
        if value is not None and value not in _TIMEZONES:
            raise ValueError(f"{value!r} is not an IANA time zone such as Australia/Sydney")
        return value

    @model_validator(mode="after")
    def _age_range(self):
        if (self.age_min_years is not None and self.age_max_years is not None
                and self.age_min_years > self.age_max_years):
            raise ValueError("age_min_years must not be above age_max_years")
        return self

    @property
    def pediatric(self) -> bool:
        """Sees children: the age range reaches below 18."""
        return sees_children(self.age_min_years)

    @property
    def adult(self) -> bool:
        return self.age_max_years is None or self.age_max_years >= ADULT_AGE

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None


class CenterInput(CenterFields):
    """A validated create or import row (SQLModel validates non-table models)."""

    status: str = Field(default="active", schema_extra={
        "json_schema_extra": {"enum": list(CENTER_STATUSES)}})
    verified_at: datetime | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, value):
        if value not in CENTER_STATUSES:
            raise ValueError(f"must be one of {', '.join(CENTER_STATUSES)}")
        return value

    @field_validator("verified_at")
    @classmethod
    def _aware(cls, value):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # a file without an offset means UTC
        if value is not None and value > utcnow():
            raise ValueError("cannot be in the future")
        return value


EDITABLE_FIELDS = tuple(CenterFields.model_fields)


def editable_values(center: CenterFields) -> dict:
    """The listing's own fields as a dict: the shape of forms, files, the API and edits."""
    return {f: getattr(center, f) for f in EDITABLE_FIELDS}


class Center(CenterFields, table=True):
    __table_args__ = (Index("ix_center_lat_lon", "lat", "lon"),)

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="active", max_length=10, index=True)
    verified_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=20)  # admin | center_editor
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    # Raised on sign-out, password change, deactivation and "sign out everywhere": a session
    # that carries an older number no longer signs anyone in.
    session_version: int = Field(default=1)
    must_change_password: bool = False  # set by a one-time password, cleared by choosing one


class AccountLink(SQLModel, table=True):
    """A single-use link that lets a person set their password: an invitation or a reset."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=10)  # invite | reset
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex; the link is shown once
    created_by: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None


class Submitter(SQLModel, table=True):
    """Who sent a listing through "list your center": seen by admins only, never published."""

    id: int | None = Field(default=None, primary_key=True)
    center_id: int = Field(foreign_key="center.id", unique=True)
    name: str = Field(max_length=200)
    role: str = Field(max_length=200)
    email: str = Field(max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    created_at: datetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex; the token is shown once
    label: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    center_id: int | None = Field(default=None, foreign_key="center.id", index=True)
    action: str = Field(max_length=20)  # create | update | approve | verify | archive | ...
    actor: str = Field(max_length=254)  # account email, or "cli:<user>" for commands
    at: datetime = Field(default_factory=utcnow, index=True)
    changes: dict = Field(default_factory=dict, sa_type=JSON)  # field -> [before, after]


class GeocodeCacheEntry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("query_key"),)

    id: int | None = Field(default=None, primary_key=True)
    query_key: str = Field(max_length=200)
    payload: str = Field(max_length=4000)  # JSON of the place, or "null" for a miss
    source: str = Field(max_length=30)
    created_at: datetime = Field(default_factory=utcnow)


class DirectoryGeneration(SQLModel, table=True):
    """One row counting listing writes: each worker's search snapshot compares it with the
    generation it was built from, so a change through any replica reaches every worker."""
    __tablename__ = "directory_generation"

    id: int = Field(default=1, primary_key=True)
    generation: int = Field(default=0)


class RateLimitCounter(SQLModel, table=True):
    """Rate-limit counts in the app's database when no Redis is set, so every replica counts
    together (written with plain SQL by finder.web.core.ratelimit_store)."""
    __tablename__ = "rate_limit_counter"

    key: str = Field(primary_key=True, max_length=400)
    hits: int
    expires: float = Field(index=True)  # when the window ends (Unix seconds)
