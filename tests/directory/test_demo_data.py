"""The bundled demonstration listings: coverage, vocabulary and plausibility of data/centers.json.

Read with json only, so a broken file fails here before any import or web test trips over it.
"""
import json
import math
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    CENTER_STATUSES,
    COSTS,
    DRUG_CLASSES,
    REFERRAL_FROM,
    ROUTES,
    WEEKDAYS,
)

CENTERS_PATH = Path(__file__).resolve().parents[2] / "data" / "centers.json"

FIELDS = {
    "name", "organisation", "street", "locality", "region", "postcode", "country", "lat", "lon",
    "phone", "email", "website", "drug_classes", "routes", "age_min_years", "age_max_years",
    "procedures_per_year", "telehealth_preassessment", "referral_process", "wait_weeks",
    "wait_reported_on", "emergency_onsite", "accepting_referrals", "accepting_note",
    "referral_from", "urgent_pathway", "cost", "cost_note", "languages", "interpreter_service",
    "hours", "hours_note", "timezone", "travel_note", "verified_at", "status",
}

# Capital city centres (GPO or parliament); a capital counts as covered when a listing in
# that state or territory lies within 25 km of it.
AU_CAPITALS = {
    "NSW": ("Sydney", -33.8688, 151.2093),
    "VIC": ("Melbourne", -37.8136, 144.9631),
    "QLD": ("Brisbane", -27.4698, 153.0251),
    "WA": ("Perth", -31.9523, 115.8613),
    "SA": ("Adelaide", -34.9285, 138.6007),
    "TAS": ("Hobart", -42.8821, 147.3272),
    "NT": ("Darwin", -12.4634, 130.8456),
    "ACT": ("Canberra", -35.2809, 149.1300),
}

REGIONAL_HUBS = [  # (hospital, locality, region)
    ("John Hunter Hospital", "New Lambton Heights", "NSW"),
    ("Wollongong Hospital", "Wollongong", "NSW"),
    ("Gold Coast University Hospital", "Southport", "QLD"),
    ("Toowoomba Hospital", "Toowoomba", "QLD"),
    ("Townsville University Hospital", "Douglas", "QLD"),
    ("Cairns Hospital", "Cairns North", "QLD"),
    ("University Hospital Geelong", "Geelong", "VIC"),
    ("Launceston General Hospital", "Launceston", "TAS"),
    ("Royal Darwin Hospital", "Tiwi", "NT"),
]

# Rough bounding boxes (lat_min, lat_max, lon_min, lon_max), mainland plus nearby islands.
COUNTRY_BOXES = {
    "AU": (-44.0, -10.0, 112.0, 154.0),
    "US": (24.0, 50.0, -125.0, -66.0),
    "NZ": (-48.0, -34.0, 166.0, 179.0),
    "GB": (49.5, 61.0, -8.5, 2.0),
    "ES": (27.5, 44.0, -18.5, 4.5),
}

AU_TIMEZONES = {
    "NSW": "Australia/Sydney", "ACT": "Australia/Sydney", "VIC": "Australia/Melbourne",
    "QLD": "Australia/Brisbane", "WA": "Australia/Perth", "SA": "Australia/Adelaide",
    "TAS": "Australia/Hobart", "NT": "Australia/Darwin",
}


def load_centers() -> list[dict]:
    with CENTERS_PATH.open(encoding="utf-8") as f:
        document = json.load(f)
    assert document["format"] == "desensitization-finder/centers"
    assert document["version"] == 1
    return document["centers"]


CENTERS = load_centers()


def distance_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine); ample for 50 m and 25 km thresholds."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def label(center: dict) -> str:
    return f"{center['name']} / {center['organisation']}"


def test_there_are_at_least_forty_listings():
    assert len(CENTERS) >= 40


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_every_listing_has_exactly_the_center_fields(center):
    assert set(center) == FIELDS


@pytest.mark.parametrize("region", sorted(AU_CAPITALS))
def test_every_australian_capital_has_a_listing(region):
    city, lat, lon = AU_CAPITALS[region]
    nearby = [c for c in CENTERS if c["country"] == "AU" and c["region"] == region
              and distance_km(lat, lon, c["lat"], c["lon"]) <= 25]
    assert nearby, f"no listing within 25 km of {city}"


@pytest.mark.parametrize("hospital,locality,region", REGIONAL_HUBS)
def test_required_regional_hub_is_listed(hospital, locality, region):
    assert any(hospital in c["organisation"] and c["locality"] == locality
               and c["region"] == region and c["country"] == "AU" for c in CENTERS)


def test_at_least_six_listings_are_for_children_only():
    children_only = [c for c in CENTERS
                     if c["age_max_years"] is not None and c["age_max_years"] < 18]
    assert len(children_only) >= 6


def test_brigham_and_womens_is_listed_in_massachusetts():
    brigham = [c for c in CENTERS if "Brigham and Women's Hospital" in c["organisation"]]
    assert len(brigham) == 1
    assert (brigham[0]["country"], brigham[0]["region"], brigham[0]["locality"]) == (
        "US", "MA", "Boston")


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_codes_come_from_the_shared_vocabulary(center):
    assert center["drug_classes"] and set(center["drug_classes"]) <= set(DRUG_CLASSES)
    assert center["routes"] and set(center["routes"]) <= set(ROUTES)
    assert set(center["referral_from"]) <= set(REFERRAL_FROM)
    assert center["accepting_referrals"] in ACCEPTING_REFERRALS
    assert center["cost"] in COSTS
    assert center["status"] in CENTER_STATUSES
    assert all(span["day"] in WEEKDAYS and span["opens"] < span["closes"]
               for span in center["hours"])


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_coordinates_fall_inside_the_listed_country(center):
    lat_min, lat_max, lon_min, lon_max = COUNTRY_BOXES[center["country"]]
    assert lat_min <= center["lat"] <= lat_max
    assert lon_min <= center["lon"] <= lon_max


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_no_listing_claims_to_be_verified(center):
    assert center["verified_at"] is None
    assert center["wait_reported_on"] is None


def test_no_listing_is_duplicated_at_the_same_site():
    for i, first in enumerate(CENTERS):
        for second in CENTERS[i + 1:]:
            if first["name"] == second["name"]:
                gap_m = 1000 * distance_km(first["lat"], first["lon"],
                                           second["lat"], second["lon"])
                assert gap_m > 50, f"{label(first)} and {label(second)} are {gap_m:.0f} m apart"


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_timezone_is_a_real_iana_zone_matching_the_state(center):
    ZoneInfo(center["timezone"])  # raises for an unknown zone
    if center["country"] == "AU":
        assert center["timezone"] == AU_TIMEZONES[center["region"]]


@pytest.mark.parametrize("center", CENTERS, ids=label)
def test_age_limits_are_whole_years_in_order(center):
    low, high = center["age_min_years"], center["age_max_years"]
    assert low is None or (isinstance(low, int) and low >= 0)
    assert high is None or (isinstance(high, int) and high >= 0)
    assert low is None or high is None or low <= high
