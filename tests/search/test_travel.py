"""Travel help for an origin in every state and territory, inside and beyond each threshold."""
from types import SimpleNamespace

import pytest

from finder.geocoding.place import Place
from finder.search.travel import schemes, travel_assistance


def origin(state: str, country: str = "AU") -> Place:
    return Place(label=f"Somewhere {state}", lat=-30.0, lon=145.0, country=country, region=state,
                 remoteness=5)


def match(km: float, region: str = "NSW"):
    return SimpleNamespace(distance_km=km, center=SimpleNamespace(region=region))


# (state, straight-line km to the nearest suitable center inside, beyond the threshold)
THRESHOLDS = [
    ("NSW", 99.4, 100.0),   # "100 km or more"
    ("VIC", 99.0, 100.0),   # "100 km or more"
    ("QLD", 50.0, 50.5),    # "more than 50 km"
    ("WA", 100.0, 101.0),   # "more than 100 km"
    ("SA", 100.0, 140.0),   # "more than 100 km each way"
    ("TAS", 75.0, 76.0),    # "more than 75 km"
    ("NT", 200.0, 201.0),   # "more than 200 km"
]


@pytest.mark.parametrize("state,inside,beyond", THRESHOLDS)
def test_beyond_the_threshold_is_likely(state, inside, beyond):
    result = travel_assistance(origin(state), [match(beyond)])
    assert result["state"] == state and result["likely"] is True
    assert "may be eligible" in result["message"]
    assert result["url"].startswith("https://")


@pytest.mark.parametrize("state,inside,beyond", THRESHOLDS)
def test_within_the_threshold_says_the_road_trip_may_still_qualify(state, inside, beyond):
    result = travel_assistance(origin(state), [match(inside)])
    assert result["likely"] is False
    assert f"if the trip by road is over {result['threshold_km']} km" in result["message"]


def test_act_has_no_distance_rule_interstate_is_likely():
    canberra_to_sydney = travel_assistance(origin("ACT"), [match(250, region="NSW")])
    assert canberra_to_sydney["likely"] is True and canberra_to_sydney["threshold_km"] is None
    in_the_act = travel_assistance(origin("ACT"), [match(5, region="ACT")])
    assert in_the_act["likely"] is False


def test_the_nearest_suitable_center_counts_not_a_farther_one():
    result = travel_assistance(origin("NSW"), [match(30), match(400)])
    assert result["likely"] is False


@pytest.mark.parametrize("country", ["NZ", "US", "GB"])
def test_none_outside_australia(country):
    assert travel_assistance(origin("MA", country=country), [match(500)]) is None


def test_every_state_and_territory_has_a_scheme_and_no_rates_are_quoted():
    assert set(schemes()) == {"NSW", "VIC", "QLD", "WA", "SA", "TAS", "NT", "ACT"}
    for state in schemes():
        message = travel_assistance(origin(state), [match(1000, region="VIC")])["message"]
        assert "$" not in message and "per kilometre" not in message
        assert "will be eligible" not in message and "you are eligible" not in message.lower()


def test_no_suitable_center_is_not_likely():
    assert travel_assistance(origin("QLD"), [])["likely"] is False


def test_result_has_exactly_the_contract_keys():
    assert set(travel_assistance(origin("QLD"), [match(10)])) == {
        "scheme", "name", "state", "threshold_km", "likely", "message", "url", "checked_on"}
