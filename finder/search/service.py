"""The patient search as the page, the API and the referral share it: geocode the place,
resolve the drug, rank the centers and look up travel help. Takes the session and the
geocoder as arguments; the web layer reads the query string into a SearchQuery."""
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from sqlmodel import Session

from finder.drugs import DrugMatch, resolve_drug
from finder.geocoding import GeocodeInputError, GeocodeResult, GeocodingService
from finder.geocoding.place import Place
from finder.search.nearest import SearchResult, find_centers
from finder.search.travel import travel_assistance
from finder.vocabulary import ADULT_AGE

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
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def changed(self) -> dict:
        """The fields that differ from their defaults: what a link carrying this search needs."""
        return {name: value for name, value in self.form().items()
                if value != QUERY_DEFAULTS[name]}


QUERY_DEFAULTS = MappingProxyType(SearchQuery().form())  # each field's value when not given


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


def _patient_age(query: SearchQuery) -> int | None:
    """A search is for one patient: neither "for a child" nor an age means an adult, so a
    children's hospital is not offered to a grown-up (nor an adults-only clinic to a child)."""
    if query.age is not None or query.child:
        return query.age
    return ADULT_AGE


def run_search(query: SearchQuery, *, session: Session, geocoder: GeocodingService) -> SearchOutcome:
    """Everything the results need; a place that cannot be found leaves `result` None."""
    outcome = SearchOutcome(query)
    if query.drug:
        outcome.drug = resolve_drug(query.drug)
        outcome.unknown_drug = None if outcome.drug else query.drug
    if query.lat is not None:
        outcome.geocoded = GeocodeResult(f"{query.lat}, {query.lon}",
                                         geocoder.gazetteer.at(query.lat, query.lon))
    else:
        try:
            outcome.geocoded = geocoder.geocode(query.location)
        except GeocodeInputError as error:
            outcome.location_error, outcome.location_invalid = error.message, True
            return outcome
    outcome.place = outcome.geocoded.match
    if outcome.place is None:
        outcome.location_error = outcome.geocoded.message or NOT_FOUND
        return outcome
    outcome.candidates = list(outcome.geocoded.candidates)
    outcome.result = find_centers(
        outcome.place, session=session,
        drug_class=outcome.drug.listed_class if outcome.drug else None,
        child=query.child, route=query.route, radius_km=query.radius_km, limit=query.limit,
        accepting=query.accepting or None, cost=query.cost, language=query.language,
        telehealth=query.telehealth or None, age=_patient_age(query))
    outcome.travel = travel_assistance(outcome.place, outcome.result.matches)
    return outcome
