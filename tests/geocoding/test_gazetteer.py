"""The offline gazetteer against real places: each answer lands within 15 km of the truth."""
import sqlite3

import pytest
from geopy.distance import distance
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.geocoding.gazetteer import (
    gazetteer_is_current,
    open_gazetteer,
)
from finder.geocoding.parse import GeocodeInputError

# (typed, true latitude, true longitude, country) — coordinates of the town centre.
REAL_PLACES = [
    # postcodes, every state and territory
    ("2880", -31.95, 141.45, "AU"), ("4825", -20.73, 139.49, "AU"),
    ("0870", -23.70, 133.88, "AU"), ("7250", -41.43, 147.14, "AU"),
    ("2000", -33.87, 151.21, "AU"), ("3000", -37.81, 144.96, "AU"),
    ("4000", -27.47, 153.03, "AU"), ("5000", -34.93, 138.60, "AU"),
    ("6000", -31.95, 115.86, "AU"), ("7000", -42.88, 147.33, "AU"),
    ("0800", -12.46, 130.84, "AU"), ("2600", -35.28, 149.13, "AU"),
    ("2830", -32.25, 148.60, "AU"), ("4350", -27.56, 151.95, "AU"),
    ("6430", -30.75, 121.47, "AU"), ("0850", -14.47, 132.26, "AU"),
    ("5290", -37.83, 140.78, "AU"), ("4870", -16.92, 145.77, "AU"),
    # towns
    ("Toowoomba", -27.56, 151.95, "AU"), ("Wagga Wagga", -35.12, 147.37, "AU"),
    ("Tamworth", -31.09, 150.93, "AU"), ("Bendigo", -36.76, 144.28, "AU"),
    ("Mildura", -34.19, 142.16, "AU"), ("Geelong", -38.15, 144.36, "AU"),
    ("Townsville", -19.26, 146.82, "AU"), ("Mackay", -21.14, 149.19, "AU"),
    ("Whyalla", -33.03, 137.58, "AU"), ("Geraldton", -28.77, 114.61, "AU"),
    ("Bunbury", -33.33, 115.64, "AU"), ("Devonport", -41.18, 146.35, "AU"),
    ("Burnie", -41.05, 145.91, "AU"), ("Tennant Creek", -19.65, 134.19, "AU"),
    ("Nhulunbuy", -12.18, 136.78, "AU"), ("Queanbeyan", -35.35, 149.23, "AU"),
    ("Gungahlin", -35.18, 149.13, "AU"), ("Gold Coast", -28.00, 153.43, "AU"),
    # town + state, with or without comma and postcode
    ("Richmond TAS", -42.73, 147.44, "AU"), ("Perth TAS", -41.57, 147.17, "AU"),
    ("Albany WA", -35.02, 117.88, "AU"), ("Kingston TAS", -42.98, 147.31, "AU"),
    ("Newcastle NSW", -32.93, 151.78, "AU"), ("Alice Springs, NT 0870", -23.70, 133.88, "AU"),
    ("Broken Hill, NSW 2880", -31.95, 141.45, "AU"),
    ("Mount Isa, Queensland", -20.73, 139.49, "AU"),
    ("Ballarat Victoria", -37.56, 143.85, "AU"), ("Hobart, Tasmania", -42.88, 147.33, "AU"),
    ("Esperance WA", -33.86, 121.89, "AU"), ("Victor Harbor SA", -35.55, 138.62, "AU"),
    ("Mount Victoria", -33.59, 150.26, "AU"),
    # street addresses: their locality is what counts
    ("12 Smith St, Dubbo NSW 2830", -32.25, 148.60, "AU"),
    ("5 Main Road Mount Isa QLD", -20.73, 139.49, "AU"),
    ("100 George Street, Sydney NSW 2000", -33.87, 151.21, "AU"),
    ("1 Flinders St Melbourne VIC 3000", -37.81, 144.96, "AU"),
    ("Unit 3/45 Lake St, Cairns QLD 4870", -16.92, 145.77, "AU"),
    ("31 Todd Mall, Alice Springs NT", -23.70, 133.88, "AU"),
    ("8 Cameron St, Launceston TAS 7250", -41.43, 147.14, "AU"),
    ("2 Queen St St Marys NSW 2760", -33.77, 150.77, "AU"),
    ("45 Murray Street, Hobart", -42.88, 147.33, "AU"),
    # coordinates
    ("-27.47, 153.03", -27.47, 153.03, "AU"), ("-12.46 130.84", -12.46, 130.84, "AU"),
    ("51.5074, -0.1278", 51.51, -0.13, "GB"),
    # typos
    ("Toowomba", -27.56, 151.95, "AU"), ("Wollongon", -34.42, 150.89, "AU"),
    ("Bundabreg", -24.87, 152.35, "AU"), ("Townsvile", -19.26, 146.82, "AU"),
    ("Rockhamton", -23.38, 150.51, "AU"), ("Launcestn", -41.43, 147.14, "AU"),
    ("Kalgoorli", -30.75, 121.47, "AU"), ("Geralton", -28.77, 114.61, "AU"),
    ("Ballarrat", -37.56, 143.85, "AU"), ("Toowomba QLD 4350", -27.56, 151.95, "AU"),
    # abbreviations
    ("Mt Gambier", -37.83, 140.78, "AU"), ("Pt Augusta", -32.49, 137.77, "AU"),
    ("Pt Lincoln", -34.72, 135.86, "AU"), ("Pt Hedland", -20.31, 118.58, "AU"),
    ("Nth Sydney", -33.84, 151.21, "AU"), ("Mt Barker SA", -35.07, 138.86, "AU"),
    ("St Marys NSW", -33.77, 150.77, "AU"), ("St Helens TAS", -41.32, 148.25, "AU"),
    ("Sth Hobart", -42.89, 147.31, "AU"), ("Pt Macquarie", -31.43, 152.91, "AU"),
    ("Mt Isa", -20.73, 139.49, "AU"), ("Pt Cook", -37.92, 144.75, "AU"),
    # ambiguous names: the home country wins, then size
    ("Perth", -31.95, 115.86, "AU"), ("Richmond", -37.82, 145.00, "AU"),
    ("Springfield", -27.65, 152.91, "AU"), ("Portland", -38.34, 141.60, "AU"),
    ("Springfield, IL", 39.80, -89.64, "US"), ("Boston, MA", 42.36, -71.06, "US"),
    ("Portland, OR", 45.52, -122.68, "US"), ("Perth, Scotland", 56.40, -3.43, "GB"),
    ("Wellington, New Zealand", -41.29, 174.78, "NZ"),
    # elsewhere, accents and case
    ("Paris, France", 48.86, 2.35, "FR"), ("London", 51.51, -0.13, "GB"),
    ("Auckland", -36.85, 174.76, "NZ"), ("Tokyo", 35.69, 139.69, "JP"),
    ("Zürich", 47.37, 8.54, "CH"), ("São Paulo", -23.55, -46.63, "BR"),
    ("Munich", 48.14, 11.58, "DE"), ("  TOOWOOMBA  ", -27.56, 151.95, "AU"),
    ("toowoomba, qld.", -27.56, 151.95, "AU"), ("Wagga-Wagga", -35.12, 147.37, "AU"),
]


@pytest.mark.parametrize("typed, lat, lon, country", REAL_PLACES)
def test_real_queries_land_within_15_km(gazetteer, typed, lat, lon, country):
    match = gazetteer.search(typed).match
    assert match is not None, typed
    assert match.country == country
    assert distance((match.lat, match.lon), (lat, lon)).km < 15, match


@pytest.mark.parametrize("typed, shown", [
    ("Toowomba", "Showing results for Toowoomba QLD"),
    ("Wollongon", "Showing results for Wollongong NSW"),
    ("Bundabreg", "Showing results for Bundaberg QLD"),
])
def test_a_fuzzy_match_says_what_it_matched(gazetteer, typed, shown):
    result = gazetteer.search(typed)
    assert result.fuzzy is True
    assert result.message == shown


def test_an_exact_match_is_not_reported_as_fuzzy(gazetteer):
    result = gazetteer.search("Toowoomba")
    assert (result.fuzzy, result.message) == (False, None)


@pytest.mark.parametrize("typed, other_regions", [
    ("Richmond", {("NSW", "AU"), ("TAS", "AU"), ("SA", "AU")}),
    ("Springfield", {("NSW", "AU"), ("VIC", "AU")}),
    ("Perth", {("TAS", "AU")}),
])
def test_ambiguous_names_offer_up_to_five_candidates_with_region(gazetteer, typed, other_regions):
    result = gazetteer.search(typed)
    assert 1 <= len(result.candidates) <= 5
    offered = {(c.region, c.country) for c in result.candidates}
    assert other_regions <= offered


def test_the_default_country_is_a_parameter(gazetteer_path):
    british = open_gazetteer(gazetteer_path, default_country="GB")
    assert british.search("Perth").match.country == "GB"
    assert all(c.country == "GB" for c in british.search("Perth").candidates)


@pytest.mark.parametrize("typed, first, also", [
    ("St Marys", "St Marys SA 5042", {"St Marys NSW 2760", "St Marys TAS 7215"}),
    ("Richmond", "Richmond VIC 3121", {"Richmond NSW 2753", "Richmond SA 5033"}),
])
def test_namesakes_of_comparable_size_are_asked_about(gazetteer, typed, first, also):
    result = gazetteer.search(typed)
    assert result.ambiguous is True and result.to_dict()["ambiguous"] is True
    labels = [place.label for place in result.choices]
    assert labels[0] == first and also <= set(labels)
    assert {place.country for place in result.choices} == {"AU"}  # nothing abroad offered


@pytest.mark.parametrize("typed, chosen", [
    ("Perth", "Perth WA 6000"),  # hundreds of times Perth TAS
    ("Maitland", "Maitland NSW 2320"),
    ("St Marys NSW", "St Marys NSW 2760"),  # the state typed
    ("Richmond 3121", "Richmond VIC 3121"),  # the postcode typed
])
def test_a_dominant_or_qualified_place_is_taken_without_asking(gazetteer, typed, chosen):
    result = gazetteer.search(typed)
    assert (result.match.label, result.ambiguous) == (chosen, False)


@pytest.mark.parametrize("typed", ["Broken Hill", "Perth", "Richmond", "Maitland"])
def test_former_names_and_places_abroad_only_when_nothing_at_home_matches(gazetteer, typed):
    result = gazetteer.search(typed)
    assert {place.country for place in result.choices} == {"AU"}


def test_a_place_only_abroad_is_still_found(gazetteer):
    assert gazetteer.search("Kabwe").match.country == "ZM"


@pytest.mark.parametrize("typed, remoteness", [
    ("2000", 1), ("Toowoomba", 2), ("Broken Hill", 3), ("Alice Springs", 6),
    ("Tennant Creek", 7),
])
def test_australian_places_carry_their_modified_monash_class(gazetteer, typed, remoteness):
    match = gazetteer.search(typed).match
    assert match.remoteness == remoteness
    assert match.to_dict()["remoteness"]["class"] == remoteness


def test_a_postcode_offers_its_other_localities(gazetteer):
    result = gazetteer.search("0870")
    assert result.match.kind == "postcode"
    assert result.match.label == "Alice Springs NT 0870"
    assert all(c.postcode == "0870" for c in result.candidates)


def test_coordinates_take_country_and_remoteness_from_nearby(gazetteer):
    place = gazetteer.search("-23.70, 133.88").match
    assert (place.kind, place.label, place.source) == ("coordinates", "-23.70, 133.88",
                                                        "coordinates")
    assert (place.country, place.region, place.remoteness) == ("AU", "NT", 6)


def test_coordinates_far_from_any_place_have_no_country(gazetteer):
    place = gazetteer.search("-40.0, -120.0").match  # the South Pacific
    assert (place.country, place.region, place.remoteness) == ("", None, None)


def test_nothing_found_gives_a_hint(gazetteer):
    result = gazetteer.search("Qwxzvbnmplk")
    assert result.match is None and result.candidates == []
    assert "try a postcode or a nearby town" in result.message


def test_unknown_qualifier_does_not_match_a_wrong_place(gazetteer):
    assert gazetteer.search("Springfield, Qwxzvbland").match is None


@pytest.mark.parametrize("typed, expected", [
    ("toow", "Toowoomba QLD 4350"),
    ("mt i", "Mount Isa QLD 4825"),
    ("wagga w", "Wagga Wagga NSW 2650"),
    ("288", "Broken Hill NSW 2880"),
])
def test_autocomplete_puts_the_likely_place_first(gazetteer, typed, expected):
    suggestions = gazetteer.suggest(typed)
    assert suggestions[0].label == expected
    assert len(suggestions) <= 8


def test_autocomplete_matches_any_word_of_a_name(gazetteer):
    assert "Mount Isa QLD 4825" in [p.label for p in gazetteer.suggest("isa")]


def test_a_missing_or_foreign_file_is_not_current(tmp_path):
    assert not gazetteer_is_current(tmp_path / "missing.sqlite")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE meta(key, value)").connection.commit()
    assert not gazetteer_is_current(other)


def test_the_index_goes_stale_when_its_schema_changes(gazetteer_path, monkeypatch):
    assert gazetteer_is_current(gazetteer_path)
    import finder.geocoding.gazetteer_build as build

    monkeypatch.setattr(build, "SCHEMA_VERSION", build.SCHEMA_VERSION + 1)
    assert not gazetteer_is_current(gazetteer_path)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_geocoding_arbitrary_text_answers_or_refuses_politely(gazetteer, text):
    try:
        result = gazetteer.search(text)
    except GeocodeInputError as error:
        assert error.message
    else:
        assert result.match is not None or result.message


@pytest.mark.parametrize("typed", ["manage/submit.html", "O'Connor", "wagga-wag", "...", "a.b.c/d"])
def test_autocomplete_takes_punctuation_in_its_stride(gazetteer, typed):
    gazetteer.suggest(typed)  # FTS5 phrase errors used to escape from here
