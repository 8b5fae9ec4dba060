"""The search's query string read once into a SearchQuery: for the API a 400 naming the
parameter; for the page every problem at once, in words for people, with the rest kept."""
from flask import abort
from werkzeug.exceptions import HTTPException

from finder.search.service import SearchQuery
from finder.vocabulary import ROUTES, is_language_tag
from finder.web.core.params import bool_arg, choice_arg, float_arg, int_arg, text_arg

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
    values = {name: read() for name, read in _readers(max_limit).items()}
    if (values["lat"] is None) != (values["lon"] is None):
        abort(400, "Give both lat and lon, or neither.")
    return SearchQuery(**values)


def read_search_form(*, max_limit: int = 25) -> tuple[SearchQuery, dict[str, str]]:
    """The query string as a SearchQuery without the values that cannot be used, and a
    message for people about each of them, all at once."""
    values, errors = {}, {}
    for name, read in _readers(max_limit).items():
        try:
            values[name] = read()
        except HTTPException:
            errors[name] = FORM_MESSAGES[name]
            values[name] = getattr(SearchQuery(), name)  # the default, so the rest still runs
    if (values.get("lat") is None) != (values.get("lon") is None):
        errors.setdefault("lat", FORM_MESSAGES["lat"])
    if "lat" in errors or "lon" in errors:
        values["lat"] = values["lon"] = None
    return SearchQuery(**values), errors
