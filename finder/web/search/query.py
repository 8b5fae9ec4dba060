"""The search's query string, validated by one pydantic model (400 with a message on a bad
value); the same models give the OpenAPI parameters of /api/search, /api/drugs, /api/places
and /api/geocode."""
from flask import abort
from pydantic import BaseModel, ConfigDict, Field

from finder.search.service import SearchQuery
from finder.vocabulary import ISO_639_1, ROUTES
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

# language[-Script][-REGION] (BCP 47 shape) with a known two-letter language or any three-letter
# one: the rule of finder.vocabulary.is_language_tag, as a pattern the OpenAPI schema can carry.
LANGUAGE = (f"({'|'.join(sorted(ISO_639_1))}|[a-z]{{3}})"
            r"(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")


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
    language: matching(LANGUAGE, "must be a language code such as 'vi' or 'zh-Hant'", 35) = Field(
        None, description="BCP 47 code of a language the staff speak, e.g. vi")
    telehealth: flag() = Field(None, description=(
        "true: only centers offering a telehealth pre-assessment"))
    age: whole(0, 120) = Field(None, description="The patient's age in years")


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
