"""The listing's JSON Schema (the API's request body) and its validators agree, value by value:
what one refuses the other refuses."""
import jsonschema_rs
import pytest
from pydantic import ValidationError

from finder.directory.models import AGES_IN_ORDER, CLOSES_AFTER_OPENS, CenterInput

GOOD = {"name": "Clinic", "organisation": "Hospital", "locality": "Cairns", "country": "AU",
        "lat": -16.9, "lon": 145.7, "drug_classes": ["platinum"], "routes": ["iv"]}
SCHEMA = jsonschema_rs.validator_for(CenterInput.model_json_schema())


def server_takes(listing: dict) -> bool:
    try:
        CenterInput.model_validate(listing)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("field,value,taken", [
    ("name", "  Clinic  ", True),
    ("name", "x   ", False),            # one character once trimmed
    ("name", "   ", False),
    ("name", "Clinic\x00", False),      # a control character
    ("street", "a" * 200 + " ", False),  # counted as sent
    ("country", " au ", True),
    ("country", "ß", False),             # "ß".upper() is "SS"
    ("phone", "+61\u00a07 4226 0000", True),
    ("phone", "(0) 1234", False),        # five digits
    ("email", " clinic@hospital.org ", True),
    ("email", "clinic @hospital.org", False),
    ("website", "https://example.org/a b", False),
    ("hours", [{"day": "mon", "opens": "08:30", "closes": "16:30"}], True),
    ("hours", [{"day": "mon", "opens": "08:30\n", "closes": "16:30"}], False),
    ("hours", [{"day": "mon", "opens": "09:59", "closes": "10:00"}], True),
    ("languages", ["zh-Hant", "vi"], True),
    ("languages", ["xx"], False),
    ("timezone", "Australia/Brisbane", True),
    ("timezone", "Mars/Olympus", False),
    ("cost", "free", False),
    ("drug_classes", [], False),
])
def test_schema_and_validators_agree(field, value, taken):
    listing = {**GOOD, field: value}
    assert server_takes(listing) is taken
    assert SCHEMA.is_valid(listing) is taken


def test_drug_classes_and_routes_are_required():
    listing = {k: v for k, v in GOOD.items() if k not in ("drug_classes", "routes")}
    assert not server_takes(listing)
    assert not SCHEMA.is_valid(listing)


@pytest.mark.parametrize("field,value", [
    ("hours", [{"day": "mon", "opens": "16:30", "closes": "16:29"}]),
    ("age_min_years", 19),
])
def test_rules_across_two_fields_are_stated_in_words(field, value):
    """JSON Schema compares two fields only value by value: these rules are in descriptions."""
    listing = {**GOOD, "age_max_years": 18, field: value}
    assert not server_takes(listing)
    schema = CenterInput.model_json_schema()
    assert AGES_IN_ORDER in schema["description"]
    assert CLOSES_AFTER_OPENS in schema["properties"]["hours"]["items"]["description"]
