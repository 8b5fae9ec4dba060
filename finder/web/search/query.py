"""The search's query string read once. For the API, one pydantic model validates it (a 400
naming the value) and gives the OpenAPI parameters of /api/search, /api/drugs, /api/places and
/api/geocode; for the page, every problem at once, in words for people, with the rest kept."""
from functools import cache

from flask import abort, request
from pydantic import BaseModel, ConfigDict, Field
from werkzeug.exceptions import HTTPException

from finder.search.service import QUERY_DEFAULTS, SearchQuery
from finder.vocabulary import LANGUAGE_TAG, ROUTES, is_language_tag
from finder.web.core.params import bool_arg, choice_arg, float_arg, int_arg, text_arg
from finder.web.core.query import (
    any_text,
    choice,
    flag,
    matching,
    nonblank_text_pattern,
    number,
    read_query,
    text,
    whole,
)


class TypedText(BaseModel):
    q: text() = Field(None, description="What was typed")


class PlaceText(BaseModel):
    q: any_text() = Field(None, description="What was typed (odd text finds nothing)")


class GeocodeText(BaseModel):
    q: text(required=True, checked_by_geocoder=True) = Field(
        description="A town, suburb, postcode or address")


class SearchParams(BaseModel):
    """Give location, or lat and lon (both)."""
    model_config = ConfigDict(json_schema_extra=lambda schema: schema.update({
        "dependentRequired": {"lat": ["lon"], "lon": ["lat"]},
        "anyOf": [{"required": ["location"],
                   "properties": {"location": {"pattern": nonblank_text_pattern()}}},
                  {"required": ["lat", "lon"]}]}))

    location: text(checked_by_geocoder=True) = Field(
        None, description="A town, suburb, postcode or address")
    lat: number(-90, 90) = Field(None, description="Latitude, with lon instead of location")
    lon: number(-180, 180) = Field(None, description="Longitude, with lat")
    drug: text() = Field(None, description="A drug's generic or brand name")
    child: flag() = Field(None, description="true: only centers that see children (under 18)")
    route: choice(ROUTES) = Field(None, description="How the drug is given")
    radius_km: whole(1, 20_000) = Field(None, description=(
        "Maximum distance in km; when nothing lies within it, the nearest beyond it are returned "
        "with outside_radius true"))
    limit: whole(1, 50) = Field(None, description="How many centers (1-50, default 10)")
    accepting: flag() = Field(None, description="true: only centers accepting referrals now")
    cost: choice(("public",)) = Field(None, description=(
        "public: only public (or public and private) services"))
    language: matching(LANGUAGE_TAG, "must be a language code such as 'vi' or 'zh-Hant'", 35) = Field(
        None, description="BCP 47 code of a language the staff speak, e.g. vi")
    telehealth: flag() = Field(None, description=(
        "true: only centers offering a telehealth pre-assessment"))
    age: whole(0, 120) = Field(None, description="The patient's age in years")

# What the page says about a value it cannot use: no parameter names, no validator text.
FORM_MESSAGES = {
    "location": "Type a town, suburb or postcode (at most 200 characters).",
    "drug": "Type the drug's name (at most 200 characters).",
    "lat": "We could not read the map position: type your town or postcode instead.",
    "lon": "We could not read the map position: type your town or postcode instead.",
    "child": "Tick “For a child” or leave it empty.",
    "route": "Choose how the drug is given from the list.",
    "radius_km": "Choose a maximum distance from the list.",
    "limit": "Ask for between 1 and 25 centers.",
    "accepting": "Tick “Only centers accepting referrals” or leave it empty.",
    "cost": "Tick “Only public services” or leave it empty.",
    "language": "Choose a language from the list.",
    "telehealth": "Tick “Only telehealth” or leave it empty.",
    "age": "Give the patient's age in whole years, from 0 to 120.",
}


@cache
def _readers(max_limit: int) -> dict:
    def language():
        value = text_arg("language", max_length=35)
        if value and not is_language_tag(value):
            abort(400, "language must be a language code such as 'vi' or 'zh-Hant'")
        return value

    return {
        "location": lambda: text_arg("location"), "drug": lambda: text_arg("drug"),
        "lat": lambda: float_arg("lat", low=-90, high=90),
        "lon": lambda: float_arg("lon", low=-180, high=180),
        "child": lambda: bool(bool_arg("child")),
        "route": lambda: choice_arg("route", tuple(ROUTES)),
        "radius_km": lambda: int_arg("radius_km", None, low=1, high=20_000),
        "limit": lambda: int_arg("limit", 10, low=1, high=max_limit),
        "accepting": lambda: bool(bool_arg("accepting")),
        "cost": lambda: choice_arg("cost", ("public",)),
        "language": language, "telehealth": lambda: bool(bool_arg("telehealth")),
        "age": lambda: int_arg("age", None, low=0, high=120),
    }


def read_search_query(*, max_limit: int = 50) -> SearchQuery:
    """The query string as a SearchQuery; aborts with 400 and a message on a bad value."""
    params: SearchParams = read_query(SearchParams)
    if (params.lat is None) != (params.lon is None):
        abort(400, "Give both lat and lon, or neither.")
    # (a search without a place at all is refused by the caller, which words it for its page)
    if params.limit is not None and params.limit > max_limit:
        abort(400, f"limit must be between 1 and {max_limit}")
    return SearchQuery(
        location=params.location, lat=params.lat, lon=params.lon, drug=params.drug,
        child=bool(params.child), route=params.route, radius_km=params.radius_km,
        limit=params.limit or 10, accepting=bool(params.accepting), cost=params.cost,
        language=params.language, telehealth=bool(params.telehealth), age=params.age)


def read_search_form(*, max_limit: int = 25) -> tuple[SearchQuery, dict[str, str]]:
    """The query string as a SearchQuery without the values that cannot be used, and a
    message for people about each of them, all at once."""
    values, errors, args = {}, {}, request.args
    for name, read in _readers(max_limit).items():
        if name not in args:  # not asked for: the search's own default
            values[name] = QUERY_DEFAULTS[name]
            continue
        try:
            values[name] = read()
        except HTTPException:
            errors[name] = FORM_MESSAGES[name]
            values[name] = QUERY_DEFAULTS[name]  # the default, so the rest still runs
    if (values.get("lat") is None) != (values.get("lon") is None):
        errors.setdefault("lat", FORM_MESSAGES["lat"])
    if "lat" in errors or "lon" in errors:
        values["lat"] = values["lon"] = None
    return SearchQuery(**values), errors
