"""Patient search: the nearest suitable active centers to a place, ranked by distance.

Answered from the worker's in-memory snapshot of the directory (finder.search.snapshot), which
follows the stored directory generation; the SQL path (finder.search.store) gives the same
answer straight from the database, for checks.
"""
from sqlmodel import Session

from finder.geocoding.place import Place
from finder.search import store
from finder.search.holder import holder_for
from finder.search.ranking import (  # noqa: F401 (the search's public names)
    NOT_TAKING_REFERRALS,
    Criteria,
    Match,
    SearchResult,
    bounding_box,
    find_with,
    geodesic_km,
    paused_last,
    reach,
    speaks,
)
from finder.search.snapshot import StaleSnapshot

RETRIES = 3


def paused_after_accepting(matches: list[Match]) -> list[Match]:
    """Among centers at a similar distance (the regional telehealth reach), those whose
    referrals are paused or closed go after the rest: still listed and marked, never hidden."""
    order = paused_last([m.distance_km for m in matches],
                        [m.center.accepting_referrals in NOT_TAKING_REFERRALS for m in matches])
    return [matches[i] for i in order]


def find_centers(place: Place, *, session: Session, drug_class: str | None = None,
                 child: bool = False, route: str | None = None, radius_km: float | None = None,
                 limit: int = 10, accepting: bool | None = None, cost: str | None = None,
                 language: str | None = None, telehealth: bool | None = None,
                 age: int | None = None, source: str = "snapshot") -> SearchResult:
    """The `limit` nearest active centers fitting every filter, nearest first (ties by name,
    then id). With `radius_km`, only those within it; when none is, the nearest beyond it,
    marked `outside_radius`. A place that is not a finite point gets an empty result.
    `source="sql"` reads the database directly instead of the snapshot (for checks)."""
    point = store.finite_point(place.lat, place.lon)
    if limit < 1 or point is None:
        return SearchResult([], False, 0)
    options = {"criteria": Criteria(drug_class, child, route, cost, language, telehealth, age),
               "accepting": accepting, "regional": place.is_regional}
    if source == "sql":
        ranked, outside, left_out = find_with(
            lambda *a, **k: store.search_sql(session, *a, **k), *point, limit=limit,
            radius_km=radius_km, **options)
        centers = store.load_centers(session, [row.id for _, row in ranked])
        return _result(ranked, outside, left_out, centers)

    def answer(snapshot):
        ranked, outside, left_out = find_with(snapshot.search, *point, limit=limit,
                                              radius_km=radius_km, **options)
        return _result(ranked, outside, left_out,
                       snapshot.centers(session, [row.id for _, row in ranked]))

    return from_snapshot(session, answer)


def from_snapshot(session: Session, answer):
    """answer(snapshot) on this worker's snapshot of the session's database. When a listing
    it reads is newer there (StaleSnapshot: an edit landed after the last check), it runs again
    on a rebuilt snapshot, at most RETRIES times."""
    holder = holder_for(session.get_bind())
    snapshot = holder.current()
    for attempt in range(RETRIES + 1):
        try:
            return answer(snapshot)
        except StaleSnapshot:
            if attempt == RETRIES:
                raise
            snapshot = holder.rebuild()


def _result(ranked, outside, left_out, centers) -> SearchResult:
    return SearchResult(paused_after_accepting(
        [Match(centers[row.id], km, outside) for km, row in ranked]), outside, left_out)


def searched_generation(session: Session) -> int:
    """The directory generation searches on this database are answered from right now."""
    return holder_for(session.get_bind()).current().generation
