"""The parser: what people type → readings a gazetteer can look up."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.geocoding.parse import (
    Attempt,
    GeocodeInputError,
    normalise_name,
    parse_query,
    prefix_words,
    query_key,
)

# (typed, kind, first reading, postcode)
CASES = [
    ("2880", "postcode", None, "2880"),
    ("0870", "postcode", None, "0870"),
    ("Toowoomba", "place", Attempt("toowoomba"), None),
    ("Dubbo NSW", "place", Attempt("dubbo", "NSW"), None),
    ("Dubbo, NSW 2830", "place", Attempt("dubbo", "NSW"), "2830"),
    ("Dubbo 2830 NSW", "place", Attempt("dubbo", "NSW"), "2830"),
    ("4825 Mount Isa", "place", Attempt("mount isa"), "4825"),
    ("Broken Hill NSW 2880 Australia", "place", Attempt("broken hill", "NSW"), "2880"),
    ("12 Smith St, Dubbo NSW 2830", "address", Attempt("dubbo", "NSW"), "2830"),
    ("5 Main Road Mount Isa QLD", "address", Attempt("mount isa", "QLD"), None),
    ("12 Queen St St Marys NSW", "address", Attempt("saint marys", "NSW"), None),
    ("Unit 3/45 George St, Sydney", "address", Attempt("sydney"), None),
    ("Boston, MA", "place", Attempt("boston", qualifier="ma"), None),
    ("Paris, France", "place", Attempt("paris", qualifier="france"), None),
    ("Richmond, Tasmania", "place", Attempt("richmond", "TAS"), None),
    ("Perth, Western Australia, Australia", "place", Attempt("perth", "WA"), None),
    ("Mt Gambier", "place", Attempt("mount gambier"), None),
    ("Pt Augusta", "place", Attempt("port augusta"), None),
    ("Nth Sydney", "place", Attempt("north sydney"), None),
    ("Sth Hobart", "place", Attempt("south hobart"), None),
    ("St. Helens", "place", Attempt("saint helens"), None),
    ("  ZÜRICH  ", "place", Attempt("zurich"), None),
    ("Wagga-Wagga", "place", Attempt("wagga wagga"), None),
    ("O’Connor ACT", "place", Attempt("oconnor", "ACT"), None),
]


@pytest.mark.parametrize("typed, kind, first, postcode", CASES)
def test_parser_reads_what_people_type(typed, kind, first, postcode):
    parsed = parse_query(typed)
    assert parsed.kind == kind
    assert parsed.postcode == postcode
    assert (parsed.attempts[0] if parsed.attempts else None) == first


def test_a_spelt_out_state_may_be_part_of_the_town_name():
    readings = parse_query("Mount Victoria").attempts
    assert readings[0] == Attempt("mount victoria")
    assert Attempt("mount", "VIC") in readings


def test_an_address_without_street_type_falls_back_to_later_parts():
    readings = parse_query("31 Todd Mall, Alice Springs NT").attempts
    assert Attempt("alice springs", "NT") in readings


@pytest.mark.parametrize("typed, lat, lon", [
    ("-27.47, 153.03", -27.47, 153.03),
    ("-12.46 130.84", -12.46, 130.84),
    ("51.5074,-0.1278", 51.5074, -0.1278),
])
def test_two_numbers_are_coordinates(typed, lat, lon):
    parsed = parse_query(typed)
    assert (parsed.kind, parsed.lat, parsed.lon) == ("coordinates", lat, lon)


@pytest.mark.parametrize("typed, message", [
    ("", "Type a town"),
    ("   ", "Type a town"),
    ("x" * 201, "too long"),
    ("Dubbo\x00", "control characters"),
    ("Dubbo\nNSW", "control characters"),
    ("91, 200", "Latitude must be between -90 and 90"),
    ("-33, 181", "Longitude must be between -180 and 180"),
])
def test_unusable_text_is_refused_with_a_readable_message(typed, message):
    with pytest.raises(GeocodeInputError) as refused:
        parse_query(typed)
    assert message in refused.value.message


def test_names_are_normalised_the_same_way_as_stored():
    assert normalise_name("MOUNT ISA") == normalise_name("Mt. Isa") == "mount isa"
    assert normalise_name("São Paulo") == "sao paulo"


def test_query_key_ignores_case_accents_and_spacing():
    assert query_key("  Zürich ") == query_key("zurich")


def test_autocomplete_leaves_the_word_being_typed_unexpanded():
    assert prefix_words("st") == ["st"]
    assert prefix_words("mt i") == ["mount", "i"]
    assert prefix_words("st ") == ["saint"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=250))
def test_parser_never_raises_anything_but_input_errors(text):
    try:
        parsed = parse_query(text)
    except GeocodeInputError as error:
        assert error.message
    else:
        assert parsed.kind in {"postcode", "coordinates", "place", "address"}
