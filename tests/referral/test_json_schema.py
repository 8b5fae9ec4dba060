"""The referral's JSON Schema (the API's request body) and its validators agree, value by value,
including the rules that hang on the user's today."""
from datetime import UTC, date, datetime, timedelta

import jsonschema_rs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from finder.referral.dates import believable_dates, user_today
from finder.referral.schema import (
    MAX_TEXT,
    ReferralValidationError,
    dated_json_schema,
    dates_between,
    parse_referral,
)

NOW = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)  # 14 Jan to 16 Jan somewhere on Earth
ZONE = "Australia/Brisbane"
SCHEMA = jsonschema_rs.validator_for(
    dated_json_schema(believable_dates(NOW), user_today(None, ZONE, NOW)), validate_formats=True)


def server_takes(data: dict) -> bool:
    try:
        parse_referral(data, user_today(data.get("today"), ZONE, NOW))
    except ReferralValidationError:
        return False
    return True


def referral(reaction=None, test=None, **fields) -> dict:
    reaction = {"drug": "amoxicillin", "symptoms": ["urticaria"], **(reaction or {})}
    return {"drug": "amoxicillin", "patient": {"age_years": 40}, "reactions": [reaction],
            **({"tests": [test]} if test else {}), **fields}


@pytest.mark.parametrize("data,taken", [
    (referral(), True),
    (referral(drug="   "), False),                              # blank once trimmed
    (referral(drug=" " + "x" * MAX_TEXT), False),               # counted as sent
    (referral(indication=""), True),                            # blank: not given
    (referral(urgency=" urgent "), True),
    (referral(urgency=0), False),                               # was read as "routine"
    (referral(urgency=None), True),
    (referral({"route": "iv"}), True),
    (referral({"route": "IV"}), False),
    (referral({"symptoms": None}), False),
    (referral({"treatments": None}), True),                     # null: none
    (referral({"symptoms": ["rash"] * 100}), False),
    (referral({"tolerated_since": None}), True),
    (referral({"date": "2025-06-01", "years_ago": 3}), False),  # a date or years ago
    (referral({"date": "2025-06-01", "years_ago": None}), True),
    (referral({"date": "2026-01-16"}), False),                  # tomorrow in Brisbane
    (referral({"date": "2026-01-16"}, today="2026-01-16"), True),  # today in Kiribati
    (referral({"date": "2026-01-16"}, today="2026-01-17"), False),  # a date no zone has: not believed
    (referral({"date": "1906-01-01"}), True),                   # 120 years ago, by the year
    (referral({"date": "1905-12-31"}), False),
    (referral({"date": "２０２５-01-01"}), False),                # digits, but not ASCII
    (referral({"date": "2025-02-29"}), False),                  # not a real date
    (referral(test={"kind": "skin_prick"}), False),             # neither a result nor a date
    (referral(test={"kind": "skin_prick", "result": " "}), False),
    (referral(test={"kind": "skin_prick", "date": "2026-01-15"}), True),
    (referral(needed_by="2025-12-15"), True),                   # 31 days back
    (referral(needed_by="2025-12-14"), False),
    (referral(needed_by="2028-12-31"), True),
    (referral(needed_by="2029-01-01"), False),
])
def test_schema_and_validators_agree(data, taken):
    assert server_takes(data) is taken
    assert SCHEMA.is_valid(data) is taken


@given(st.dates(), st.dates(), st.dates())
def test_dates_between_is_the_range(low, high, day):
    low, high = min(low, high), max(low, high)
    assert jsonschema_rs.is_valid({"pattern": dates_between(low, high)}, day.isoformat()) is (
        low <= day <= high)


def test_the_dates_a_moment_can_have():
    assert believable_dates(NOW) == (date(2026, 1, 14), date(2026, 1, 15), date(2026, 1, 16))
    assert len(believable_dates(NOW + timedelta(hours=13))) == 2
