"""The search's query string read once into a SearchQuery (400 with a message on a bad value)."""
from flask import abort

from finder.search.service import SearchQuery
from finder.vocabulary import ROUTES, is_language_tag
from finder.web.core.params import bool_arg, choice_arg, float_arg, int_arg, text_arg


def read_search_query(*, max_limit: int = 50) -> SearchQuery:
    """The query string as a SearchQuery; aborts with 400 and a message on a bad value."""
    lat = float_arg("lat", low=-90, high=90)
    lon = float_arg("lon", low=-180, high=180)
    if (lat is None) != (lon is None):
        abort(400, "Give both lat and lon, or neither.")
    language = text_arg("language", max_length=35)
    if language and not is_language_tag(language):
        abort(400, "language must be a language code such as 'vi' or 'zh-Hant'")
    return SearchQuery(
        location=text_arg("location"), lat=lat, lon=lon, drug=text_arg("drug"),
        child=bool(bool_arg("child")), route=choice_arg("route", tuple(ROUTES)),
        radius_km=int_arg("radius_km", None, low=1, high=20_000),
        limit=int_arg("limit", 10, low=1, high=max_limit),
        accepting=bool(bool_arg("accepting")), cost=choice_arg("cost", ("public",)),
        language=language, telehealth=bool(bool_arg("telehealth")),
        age=int_arg("age", None, low=0, high=120),
    )
