"""A referral as typed by a patient or GP: one pydantic model, the single source of its rules.

The API validates with it, the OpenAPI request schema is its JSON Schema, and the web form's
field list and labels are read from it (finder.web.referral.form). `parse_referral` is the only
way in: it reports every problem at once, keyed by JSON path, in words a person understands
(finder.referral.messages), and never raises anything but `ReferralValidationError`.
The patient's name, birth date and the doctor's details are not part of it: they never leave
the browser. Nothing here logs or stores.
"""
import datetime as dt
import re
from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from finder.drugs import DrugMatch, resolve_drug
from finder.referral.codes import (
    CONDITIONS,
    ONSETS,
    RECOVERIES,
    ROUTES,
    SYMPTOMS,
    TESTS,
    TREATMENTS,
    URGENCIES,
)
from finder.referral.messages import OUR_ERROR, human_errors

__all__ = ["CONDITIONS", "ONSETS", "RECOVERIES", "ROUTES", "SYMPTOMS", "TESTS", "TREATMENTS",
           "URGENCIES", "MAX_REACTIONS", "MAX_TEXT", "MAX_YEARS", "MAX_NARRATIVE",
           "PatientInput", "ReactionInput", "ReferralInput", "TestDone",
           "ReferralValidationError", "parse_referral"]

MAX_REACTIONS = 20
MAX_TESTS = len(TESTS) * 2
MAX_TEXT = 200
MAX_NOTES = 500
MAX_NARRATIVE = 1000
MAX_YEARS = 120
DATE_AHEAD_YEARS = 2  # how far ahead "date needed" may be
DATE_NEEDED_GRACE_DAYS = 31  # how far back: "this month" still counts


class ReferralValidationError(ValueError):
    """The referral could not be read; `errors` maps a JSON path to a message for that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid referral: " + ", ".join(sorted(errors)))
        self.errors = errors


# What str.strip() removes, as a regular-expression class that reads alike in Python and
# ECMA-262 (their \s differ): the schema's patterns say "not blank" with it.
SPACES = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
NOT_BLANK = f"[^{SPACES}]"  # unanchored: somewhere, a character that is not a space
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _fail(kind: str, message: str, **ctx) -> PydanticCustomError:
    return PydanticCustomError(OUR_ERROR + kind, message, ctx or None)


def _text_or_none(value):
    """Surrounding spaces dropped; blank text is no text."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _iso_date(value):
    """YYYY-MM-DD text (or a date) → date; anything else is refused with a human message."""
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):  # ASCII digits only
        raise _fail("date_format", "Must be a date as YYYY-MM-DD.")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _fail("date_unreal", "Not a real date.") from None


def _trimmed(max_length: int):
    """Text counted as sent (the schema's maxLength counts it so), then trimmed; blank text is
    no text."""
    def check(value):
        if isinstance(value, str) and len(value) > max_length:
            raise _fail("too_long", "At most {limit} characters.", limit=max_length)
        return _text_or_none(value)
    return BeforeValidator(check)


def _at_most(limit: int, noun: str):
    """A JSON list (null = empty), counted before its items are read, so 10,000 reactions
    cost nothing."""
    def check(value):
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise _fail("list", "Must be a list.")
        if len(value) > limit:
            raise _fail("too_many", "At most {limit} {noun}.", limit=limit, noun=noun)
        return value
    return BeforeValidator(check)


def _today(info: ValidationInfo) -> dt.date:
    return (info.context or {}).get("today") or dt.date.today()


def _in_range(low: int, high: int):
    def check(value):
        if value is not None and not low <= value <= high:
            raise _fail("out_of_range", "Must be between {low} and {high}.", low=low, high=high)
        return value
    return check


def whole(low: int, high: int, title: str, description: str | None = None):
    """A whole number from `low` to `high`, or nothing."""
    return Annotated[StrictInt | None, AfterValidator(_in_range(low, high)), Field(
        None, title=title, description=description,
        json_schema_extra={"minimum": low, "maximum": high})]


def text(title: str, max_length: int = MAX_TEXT, description: str | None = None):
    """Optional free text; blank counts as not given."""
    return Annotated[Annotated[StrictStr, Field(max_length=max_length)] | None,
                     _trimmed(max_length), Field(None, title=title, description=description)]


def required_text(title: str, description: str | None = None):
    """Text with something in it besides spaces."""
    return Annotated[StrictStr, _trimmed(MAX_TEXT), Field(
        min_length=1, max_length=MAX_TEXT, title=title, description=description,
        json_schema_extra={"pattern": NOT_BLANK})]


def _not_after_today(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    today = _today(info)
    if value is not None and value > today:
        raise _fail("date_future", "Cannot be in the future.")
    if value is not None and today.year - value.year > MAX_YEARS:
        raise _fail("date_too_old", "Cannot be more than {years} years ago.", years=MAX_YEARS)
    return value


def date_field(title: str, description: str | None = None, *checks):
    """A date as YYYY-MM-DD (ASCII digits), or nothing."""
    return Annotated[dt.date | None, BeforeValidator(_iso_date), *checks, Field(
        None, title=title, description=description, json_schema_extra={"pattern": ISO_DATE.pattern})]


def past_date(title: str, description: str | None = None):
    """A date as YYYY-MM-DD, not after the user's today nor more than MAX_YEARS years before."""
    return date_field(title, description, AfterValidator(_not_after_today))


def codes(choices: dict[str, str], title: str, *, required: bool = False):
    """A list of codes from `choices` (null: none), repeats dropped, order kept; `required`
    asks for at least one, and checks an absent list too (as empty)."""
    limit = len(choices) * 2
    return Annotated[tuple[Literal[tuple(choices)], ...], _at_most(limit, "choices"),
                     AfterValidator(lambda v: tuple(dict.fromkeys(v))),
                     Field((), title=title, validate_default=required, json_schema_extra={
                         "maxItems": limit, **({"minItems": 1} if required
                                               else {"type": ["array", "null"]})})]


def flag(title: str):
    """true or false; null or absent is false."""
    return Annotated[StrictBool, BeforeValidator(lambda v: False if v is None else v),
                     Field(False, title=title, json_schema_extra={"type": ["boolean", "null"]})]


def code_schema(choices) -> WithJsonSchema:
    """One code, or nothing (null, or blank text); spaces around a code are trimmed."""
    return WithJsonSchema({"type": ["string", "null"],
                           "pattern": f"^[{SPACES}]*(?:{'|'.join(map(re.escape, choices))})?[{SPACES}]*$"})


def choice(choices: dict[str, str], title: str, description: str | None = None):
    return Annotated[Literal[tuple(choices)] | None, BeforeValidator(_text_or_none),
                     code_schema(choices), Field(None, title=title, description=description)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class PatientInput(_Model):
    age_years: Annotated[StrictInt, AfterValidator(_in_range(0, MAX_YEARS)), Field(
        title="Age", description="In whole years; 0 for a baby under one",
        json_schema_extra={"minimum": 0, "maximum": MAX_YEARS})]
    asthma: flag(CONDITIONS["asthma"])
    pregnancy: flag(CONDITIONS["pregnancy"])
    beta_blocker: flag(CONDITIONS["beta_blocker"])
    ace_inhibitor: flag(CONDITIONS["ace_inhibitor"])
    cardiovascular_disease: flag(CONDITIONS["cardiovascular_disease"])
    mastocytosis: flag(CONDITIONS["mastocytosis"])
    hiv: flag(CONDITIONS["hiv"])
    cystic_fibrosis: flag(CONDITIONS["cystic_fibrosis"])
    current_medicines: text("Current medicines", MAX_NOTES)
    weight_kg: Annotated[float | None, AfterValidator(_in_range(1, 250)), Field(
        None, title="Weight in kg", description="For a child: doses are worked out by weight",
        json_schema_extra={"minimum": 1, "maximum": 250})]

    @field_validator("weight_kg", mode="before")
    @classmethod
    def _weight_is_a_number(cls, value):
        if isinstance(value, bool) or not (value is None or isinstance(value, int | float)):
            raise _fail("number_type", "Must be a number.")
        return value


class ReactionInput(_Model):
    # A date or years_ago, not both (either may be null or absent); symptoms even when absent.
    model_config = ConfigDict(json_schema_extra=lambda schema: schema.update(
        required=[*schema["required"], "symptoms"], anyOf=[
            {"properties": {"date": {"type": "null"}}},
            {"properties": {"years_ago": {"type": "null"}}}]))
    drug: required_text("Drug that caused it")
    date: past_date("Date of the reaction", "YYYY-MM-DD, not in the future; or give years_ago")
    years_ago: whole(0, MAX_YEARS, "About how many years ago")
    onset: Annotated[Literal[tuple(ONSETS)] | None, BeforeValidator(_text_or_none),
                     code_schema(ONSETS), Field(
        None, title="Time from the dose to the first symptoms", validate_default=True,
        description="Asked on every form (\"unknown\" allowed); optional in the API")]
    dose: text("Dose", 100)
    route: choice(ROUTES, "How it was given")
    symptoms: codes(SYMPTOMS, "What happened", required=True)
    recovery: choice(RECOVERIES, "Time to recovery")
    treatment_required: Annotated[StrictBool | None, Field(None, title="Treatment was needed",
                                                     description="null: not known")]
    treatments: codes(TREATMENTS, "Treatment given")
    co_medications: text("Other medicines taken at the time")
    tolerated_since: flag("The same drug taken again since, with no reaction")
    perioperative: flag("During an operation or anaesthesia")
    related_tolerated: text("Related drugs taken since with no reaction")

    @field_validator("years_ago")
    @classmethod
    def _not_with_a_date(cls, value, info: ValidationInfo):
        if value is not None and info.data.get("date") is not None:
            raise _fail("date_and_years", "Give either a date or years ago, not both.")
        return value

    @field_validator("onset")
    @classmethod
    def _onset_asked_on_the_form(cls, value, info: ValidationInfo):
        if value is None and (info.context or {}).get("form"):
            raise _fail("onset_missing", "Choose how soon it started (\"Not known\" if nobody "
                                         "remembers).")
        return value or "unknown"  # the API may leave it out: not known

    @field_validator("symptoms")
    @classmethod
    def _some_symptom(cls, value):
        if not value:
            raise _fail("no_symptom", "Choose at least one symptom ('other' if unsure).")
        return value

    @model_validator(mode="after")
    def _treated_means_treatment(self):
        # Listing a treatment means treatment was required, whatever the checkbox said.
        if self.treatments and not self.treatment_required:
            object.__setattr__(self, "treatment_required", True)
        return self

    @cached_property
    def drug_match(self) -> DrugMatch | None:
        return resolve_drug(self.drug)


class TestDone(_Model):
    # The result (not blank) or the date, or both.
    model_config = ConfigDict(json_schema_extra={"anyOf": [
        {"required": ["result"], "properties": {"result": {"type": "string", "pattern": NOT_BLANK}}},
        {"required": ["date"], "properties": {"date": {"type": "string"}}}]})
    kind: Literal[tuple(TESTS)] = Field(title="Test")
    result: text("Result")
    date: past_date("Date of the test")

    @model_validator(mode="after")
    def _says_something(self):
        if self.result is None and self.date is None:
            raise _fail("test_empty", "Give the result or the date of this test.")
        return self


class ReferralInput(_Model):
    drug: required_text("Drug needed", "The drug needed: generic or brand name")
    indication: text("Why it is needed")
    urgency: Annotated[Literal[tuple(URGENCIES)], BeforeValidator(
        lambda v: "routine" if _text_or_none(v) is None else _text_or_none(v)),
        code_schema(URGENCIES), Field(
        "routine", title="Urgency", description="Default: routine")]
    needed_by: date_field("Date the drug is next needed")
    chemo_cycle: whole(1, 99, "Chemotherapy cycle number", "For a chemotherapy: the next cycle")
    premedication: text("Premedication", description="For a chemotherapy: premedication given")
    specialist: text("Treating specialist")
    narrative: text("Short history in your words", MAX_NARRATIVE)
    location: text("Town or postcode", description="Lists the nearest suitable centers")
    center_id: Annotated[StrictInt | None, Field(
        None, ge=1, lt=2**31, title="Center",
        description="The center you plan to ask: its listing answers what it can")]
    aerd: Annotated[StrictBool | None, Field(
        None, title="Aspirin-exacerbated respiratory disease",
        description="null = infer from the reactions")]
    today: date_field("The user's date", "Today where the user is (YYYY-MM-DD), believed when "
                      "some time zone has that date now; else the app's time zone's today")
    patient: PatientInput = Field(title="The patient")
    reactions: Annotated[tuple[ReactionInput, ...], _at_most(MAX_REACTIONS, "reactions"), Field(
        (), max_length=MAX_REACTIONS, title="Past reactions")]
    tests: Annotated[tuple[TestDone, ...], _at_most(MAX_TESTS, "tests"), Field(
        (), max_length=MAX_TESTS, title="Tests already done")]

    @field_validator("needed_by")
    @classmethod
    def _not_long_past_or_far_ahead(cls, value, info: ValidationInfo):
        today = _today(info)
        if value is not None and value < today - dt.timedelta(days=DATE_NEEDED_GRACE_DAYS):
            raise _fail("date_past", "Must be a date still to come (or this month).")
        if value is not None and value.year - today.year > DATE_AHEAD_YEARS:
            raise _fail("date_far", "Must be within {years} years.", years=DATE_AHEAD_YEARS)
        return value

    @cached_property
    def drug_match(self) -> DrugMatch | None:
        return resolve_drug(self.drug)


def dates_between(low: dt.date, high: dt.date) -> str:
    """A pattern for YYYY-MM-DD dates from `low` to `high` (written so, dates sort as text;
    `format: date` beside it rules out the impossible ones such as 02-30)."""
    def filled(shape: str, digit: str) -> str:
        return "".join("-" if ch == "-" else digit for ch in shape)

    def digits(low: str, high: str) -> str:
        return low if low == high else f"[{low}-{high}]"

    def between(low: str, high: str) -> str:
        if low == filled(low, "0") and high == filled(high, "9"):
            return "".join("-" if ch == "-" else "[0-9]" for ch in low)
        if low[0] == high[0]:
            return low[0] + between(low[1:], high[1:])
        rest = low[1:]
        cases = [low[0] + between(rest, filled(rest, "9"))]
        if int(high[0]) - int(low[0]) > 1:
            cases.append(digits(str(int(low[0]) + 1), str(int(high[0]) - 1)) + between(
                filled(rest, "0"), filled(rest, "9")))
        cases.append(high[0] + between(filled(rest, "0"), high[1:]))
        return f"(?:{'|'.join(cases)})"

    return f"^{between(low.isoformat(), high.isoformat())}$"


def dated_json_schema(believed: Sequence[dt.date], default: dt.date) -> dict:
    """ReferralInput's JSON Schema with the date rules that hang on the user's today, which
    JSON Schema cannot compute: one case per date `today` can be (a `today` sent that is in
    `believed`, the dates some time zone has now; else `default`), each bounding every date
    with the validators' own limits. Build it when the document is served."""
    def bounds(today: dt.date) -> dict:
        past = {"pattern": dates_between(dt.date(today.year - MAX_YEARS, 1, 1), today)}
        return {
            "needed_by": {"pattern": dates_between(
                today - dt.timedelta(days=DATE_NEEDED_GRACE_DAYS),
                dt.date(today.year + DATE_AHEAD_YEARS, 12, 31))},
            "reactions": {"items": {"properties": {"date": past}}},
            "tests": {"items": {"properties": {"date": past}}}}

    not_believed = [{"type": "null"},
                    {"pattern": dates_between(dt.date.min, min(believed) - dt.timedelta(days=1))},
                    {"pattern": dates_between(max(believed) + dt.timedelta(days=1), dt.date.max)}]
    cases = [{"required": ["today"], "properties": {"today": {"const": day.isoformat()},
                                                    **bounds(day)}} for day in believed]
    cases.append({"properties": {"today": {"anyOf": not_believed}, **bounds(default)}})
    return {**ReferralInput.model_json_schema(), "anyOf": cases}


def parse_referral(data: object, today: dt.date, *, from_form: bool = False) -> ReferralInput:
    """The referral in `data` (decoded JSON), checked against `today` (the user's date);
    `from_form` adds the rules of the form (each reaction's onset must be answered).

    Raises ReferralValidationError with every field error found. A referral with no reactions
    is accepted: the assessment then asks for specialist review.
    """
    if not isinstance(data, dict):
        raise ReferralValidationError({"": "The referral must be a JSON object."})
    try:
        return ReferralInput.model_validate(data, context={"today": today, "form": from_form})
    except ValidationError as error:
        raise ReferralValidationError(human_errors(error)) from None
    except RecursionError:
        raise ReferralValidationError({"": "The referral is nested too deeply."}) from None
