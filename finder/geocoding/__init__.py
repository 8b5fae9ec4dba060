"""Where a person is: what they typed → a Place (offline gazetteer, optional online service)."""
from finder.geocoding.gazetteer import (
    Gazetteer,
    GeocodeResult,
    build_gazetteer,
    gazetteer_is_current,
    open_gazetteer,
)
from finder.geocoding.parse import GeocodeInputError, ParsedQuery, parse_query
from finder.geocoding.place import Place
from finder.geocoding.service import GeocodingService

__all__ = [
    "Gazetteer", "GeocodeInputError", "GeocodeResult", "GeocodingService",
    "ParsedQuery", "Place", "build_gazetteer", "gazetteer_is_current", "open_gazetteer",
    "parse_query",
]
