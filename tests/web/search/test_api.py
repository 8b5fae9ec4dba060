"""GET /api/drugs, /api/places, /api/geocode and /api/search: answers, errors, never a 500."""
import pytest

PLACE_KEYS = {"label", "lat", "lon", "country", "region", "postcode", "kind", "remoteness", "source"}


def get(client, path, **params):
    return client.get(path, query_string=params)


# --- drugs --------------------------------------------------------------------------------

def test_drugs_resolves_a_brand_to_its_generic_and_class(client):
    body = get(client, "/api/drugs", q="Augmentin").json
    assert body["query"] == "Augmentin"
    first = body["matches"][0]
    assert first["matched"] == "Augmentin" and first["class"]["code"] == "penicillins"


def test_drugs_suggests_from_the_start_of_a_name(client):
    names = [m["name"].lower() for m in get(client, "/api/drugs", q="carbo").json["matches"]]
    assert "carboplatin" in names


@pytest.mark.parametrize("q", ["xyzzyquux", "", "   "])
def test_drugs_is_an_empty_list_for_unknown_text(client, q):
    response = get(client, "/api/drugs", q=q)
    assert response.status_code == 200 and response.json["matches"] == []


# --- places and geocode -------------------------------------------------------------------

def test_places_autocompletes_word_prefixes_at_most_eight(client):
    places = get(client, "/api/places", q="toow").json["places"]
    assert 0 < len(places) <= 8
    assert places[0]["label"].startswith("Toowoomba") and set(places[0]) == PLACE_KEYS


@pytest.mark.parametrize("q", ["", "zzqqxx", "manage/submit.html", "\u200b"])
def test_places_never_fails_on_odd_text(client, q):
    response = get(client, "/api/places", q=q)
    assert response.status_code == 200 and isinstance(response.json["places"], list)


def test_geocode_returns_the_match_and_candidates(client):
    body = get(client, "/api/geocode", q="Roma").json
    assert body["match"]["label"] == "Roma QLD 4455"
    assert body["match"]["remoteness"] == {"class": 4, "label": "MM4 medium rural town"}
    assert body["candidates"] == [] and body["ambiguous"] is False  # Rome is not offered


def test_geocode_and_search_say_when_a_name_is_ambiguous(client):
    body = get(client, "/api/geocode", q="St Marys").json
    assert body["ambiguous"] is True
    assert "St Marys NSW 2760" in [c["label"] for c in body["candidates"]]
    search = get(client, "/api/search", location="St Marys").json
    assert search["ambiguous"] is True and search["candidates"]
    assert get(client, "/api/search", location="Perth").json["ambiguous"] is False


@pytest.mark.parametrize(("q", "status", "words"), [
    ("zzqqxx", 404, "No place matched"),
    ("", 400, "Type a town"),
    ("Roma\u200b", 400, "invisible"),
    ("x" * 201, 400, "at most 200"),
])
def test_geocode_errors_use_the_error_object(client, q, status, words):
    response = get(client, "/api/geocode", q=q)
    assert response.status_code == status
    assert response.json["error"]["code"] in ("not_found", "bad_request")
    assert words in response.json["error"]["message"]


# --- search -------------------------------------------------------------------------------

@pytest.fixture
def two_centers(make_center):
    far = make_center(name="Gold Coast clinic", lat=-28.0, lon=153.4,
                      drug_classes=["platinum"], accepting_referrals="yes")
    near = make_center(name="Brisbane clinic", lat=-27.47, lon=153.02,
                       drug_classes=["penicillins", "platinum"], accepting_referrals="paused")
    return near, far


def test_search_is_sorted_by_distance_with_public_centers(client, two_centers):
    body = get(client, "/api/search", location="Brisbane").json
    assert body["origin"]["label"] == "Brisbane QLD 4000"
    distances = [r["distance_km"] for r in body["results"]]
    assert distances == sorted(distances) and len(distances) == 2
    first = body["results"][0]
    assert first["center"]["name"] == "Brisbane clinic"
    assert first["center"]["freshness"]["status"] == "unverified"
    assert first["outside_radius"] is False and body["outside_radius"] is False
    assert body["drug"] is None and body["unknown_drug"] is None


def test_search_by_coordinates(client, two_centers):
    body = get(client, "/api/search", lat="-28.0", lon="153.4").json
    assert body["origin"]["kind"] == "coordinates"
    assert body["results"][0]["center"]["name"] == "Gold Coast clinic"


def test_search_filters_by_the_drug_class(client, two_centers):
    body = get(client, "/api/search", location="Brisbane", drug="Augmentin").json
    assert body["drug"]["class"]["code"] == "penicillins"
    assert [r["center"]["name"] for r in body["results"]] == ["Brisbane clinic"]


def test_unknown_drug_is_named_and_not_used_as_a_filter(client, two_centers):
    body = get(client, "/api/search", location="Brisbane", drug="xyzzyquux").json
    assert body["drug"] is None and body["unknown_drug"] == "xyzzyquux"
    assert len(body["results"]) == 2


def test_accepting_filter_counts_those_left_out(client, two_centers):
    body = get(client, "/api/search", location="Brisbane", accepting="true").json
    assert [r["center"]["name"] for r in body["results"]] == ["Gold Coast clinic"]
    assert body["left_out_not_accepting"] == 1


def test_outside_radius_fallback(client, make_center):
    make_center(name="Sydney clinic", lat=-33.87, lon=151.21)
    body = get(client, "/api/search", location="Brisbane", radius_km="50").json
    assert body["outside_radius"] is True and body["results"][0]["outside_radius"] is True


def test_ambiguous_location_uses_the_best_match_and_lists_candidates(client, two_centers):
    body = get(client, "/api/search", location="Richmond").json
    assert body["origin"]["label"] == "Richmond VIC 3121" and body["ambiguous"] is True
    assert {c["label"] for c in body["candidates"]} >= {"Richmond NSW 2753"}


def test_travel_assistance_in_australia_and_null_abroad(client, two_centers):
    home = get(client, "/api/search", location="Mount Isa QLD").json
    assert home["travel_assistance"]["scheme"]
    abroad = get(client, "/api/search", location="Auckland").json
    assert abroad["travel_assistance"] is None


def test_limit_caps_the_results(client, two_centers):
    assert len(get(client, "/api/search", location="Brisbane", limit="1").json["results"]) == 1


@pytest.mark.parametrize(("params", "status"), [
    ({}, 400),
    ({"drug": "Augmentin"}, 400),
    ({"location": "zzqqxx"}, 404),
    ({"location": "Roma\u200b"}, 400),
    ({"location": "Brisbane", "radius_km": "abc"}, 400),
    ({"location": "Brisbane", "radius_km": "-5"}, 400),
    ({"lat": "999", "lon": "0"}, 400),
    ({"lat": "10"}, 400),
    ({"lat": "inf", "lon": "0"}, 400),
    ({"location": "Brisbane", "limit": "0"}, 400),
    ({"location": "Brisbane", "limit": "51"}, 400),
    ({"location": "Brisbane", "route": "nasal"}, 400),
    ({"location": "Brisbane", "age": "121"}, 400),
    ({"location": "Brisbane", "language": "not a tag"}, 400),
    ({"location": "Brisbane", "cost": "free"}, 400),
    ({"location": "Brisbane", "telehealth": "perhaps"}, 400),
    ({"location": "Brisbane", "drug": "a\x01b"}, 400),
])
def test_bad_search_parameters_get_the_error_object_never_a_500(client, params, status):
    response = get(client, "/api/search", **params)
    assert response.status_code == status
    assert set(response.json) == {"error"} and response.json["error"]["message"]


def test_every_search_operation_is_documented(client):
    paths = client.get("/api/openapi.json").json["paths"]
    for path in ("/api/drugs", "/api/places", "/api/geocode", "/api/search"):
        responses = paths[path]["get"]["responses"]
        assert {"200", "400"} <= set(responses)
        assert responses["400"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}
    (query,) = paths["/api/search"]["get"]["parameters"]  # one exploded object (style form)
    assert (query["in"], query["style"], query["explode"]) == ("query", "form", True)
    names = set(query["schema"]["properties"])
    assert names == {"location", "lat", "lon", "drug", "child", "route", "radius_km", "limit",
                     "accepting", "cost", "language", "telehealth", "age"}


def test_a_remembered_listing_still_shows_what_changes_with_the_clock(client, make_center, monkeypatch):
    """The stored part of a listing is built once per version; freshness and opening hours
    are worked out per request."""
    from datetime import UTC, datetime

    import finder.web.search.api as api

    make_center(name="Clinic A", hours=[{"day": d, "opens": "09:00", "closes": "17:00"}
                                        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")])
    url = "/api/search?location=Brisbane"
    monkeypatch.setattr(api, "datetime", _FixedClock(datetime(2026, 5, 4, 1, 0, tzinfo=UTC)))
    open_at_eleven = client.get(url).get_json()["results"][0]["center"]["opening"]
    monkeypatch.setattr(api, "datetime", _FixedClock(datetime(2026, 5, 4, 12, 0, tzinfo=UTC)))
    closed_at_ten_pm = client.get(url + "&n=2").get_json()["results"][0]["center"]["opening"]
    assert open_at_eleven != closed_at_ten_pm


class _FixedClock:
    def __init__(self, at):
        self.at = at

    def now(self, tz=None):
        return self.at
