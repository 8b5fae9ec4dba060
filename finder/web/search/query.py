"""The patient search as the page and the API share it: read the query string once (400 on a
bad value), then geocode, resolve the drug, rank the centers and look up travel help."""
from dataclasses import asdict, dataclass, field

from flask import abort

from finder.drugs import DrugMatch, resolve_drug
from finder.geocoding import GeocodeInputError, GeocodeResult
from finder.geocoding.place import Place
from finder.search.nearest import SearchResult, find_centers
from finder.search.travel import travel_assistance
from finder.vocabulary import ROUTES, is_language_tag
from finder.web.core.params import bool_arg, choice_arg, float_arg, int_arg, text_arg
from finder.web.core.context import db, geocoder

NOT_FOUND = "We could not find that place. Try a postcode or a nearby town."


@dataclass(frozen=True)
class SearchQuery:
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    drug: str | None = None
    child: bool = False
    route: str | None = None
    radius_km: int | None = None
    limit: int = 10
    accepting: bool = False
    cost: str | None = None
    language: str | None = None
    telehealth: bool = False
    age: int | None = None

    @property
    def has_place(self) -> bool:
        return bool(self.location) or self.lat is not None

    def form(self) -> dict:
        """The values to put back in the form, as typed."""
        return asdict(self)


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


@dataclass
class SearchOutcome:
    query: SearchQuery
    place: Place | None = None
    geocoded: GeocodeResult | None = None
    location_error: str | None = None
    location_invalid: bool = False  # the text cannot be a place (not merely unknown)
    drug: DrugMatch | None = None
    unknown_drug: str | None = None
    result: SearchResult | None = None
    travel: dict | None = None
    candidates: list[Place] = field(default_factory=list)


def run_search(query: SearchQuery) -> SearchOutcome:
    """Everything the results need; a place that cannot be found leaves `result` None."""
    outcome = SearchOutcome(query)
    if query.drug:
        outcome.drug = resolve_drug(query.drug)
        outcome.unknown_drug = None if outcome.drug else query.drug
    try:
        text = f"{query.lat:.6f}, {query.lon:.6f}" if query.lat is not None else query.location
        outcome.geocoded = geocoder().geocode(text)
    except GeocodeInputError as error:
        outcome.location_error, outcome.location_invalid = error.message, True
        return outcome
    outcome.place = outcome.geocoded.match
    if outcome.place is None:
        outcome.location_error = outcome.geocoded.message or NOT_FOUND
        return outcome
    outcome.candidates = list(outcome.geocoded.candidates)
    outcome.result = find_centers(
        outcome.place, session=db(),
        drug_class=outcome.drug.listed_class if outcome.drug else None,
        child=query.child, route=query.route, radius_km=query.radius_km, limit=query.limit,
        accepting=query.accepting or None, cost=query.cost, language=query.language,
        telehealth=query.telehealth or None, age=query.age)
    outcome.travel = travel_assistance(outcome.place, outcome.result.matches)
    return outcome



