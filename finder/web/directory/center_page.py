"""A center's page as the patient's next step: the trip from the place searched (carried in
the link), directions, the referral and what to tell the GP, and a way back to the results.

The listing is read from the worker's directory snapshot (finder.search.holder), which follows
the directory generation, and its page is rendered once per listing version
(finder.web.core.frames); each request renders only what its query string and the
clock change (public/center_live.html), and fills it in."""
from flask import (
    Blueprint,
    abort,
    current_app,
    url_for,
)
from werkzeug.exceptions import HTTPException

from finder.directory import service as directory
from finder.geocoding import GeocodeInputError
from finder.referral.assess import CHECKLIST
from finder.search.holder import holder_for
from finder.search.maps import map_data
from finder.search.snapshot import StaleSnapshot
from finder.search.trip import trip_to
from finder.vocabulary import DRUG_CLASSES, DRUG_GROUPS
from finder.web.core.context import db, db_when_needed, geocoder, settings
from finder.web.core.frames import FramedTemplate
from finder.web.directory.present import listing_state
from finder.web.search.query import read_search_query

bp = Blueprint("center", __name__)


PAGE = FramedTemplate("public/center.html")


@bp.get("/centers/<int:center_id>")
def center_page(center_id: int):
    center = _listing(center_id)
    if center is None:
        abort(404, "No listed center has that number. It may have been archived.")
    url = url_for("center.center_page", center_id=center.id)
    return PAGE.page((center.id, center.version, center.updated_at), _live_parts(center, url),
                     center=center, drug_groups=DRUG_GROUPS, drug_classes=DRUG_CLASSES,
                     base_map=current_app.extensions["finder.base_map"], checklist=CHECKLIST)


def _listing(center_id: int):
    """The active listing, or None: from the snapshot when it holds the listing at the version
    stored, else (not in it, or the directory moved on since the last check) from the
    database."""
    snapshot = holder_for(current_app.extensions["finder.engine"]).current()
    try:
        return snapshot.centers(db_when_needed(), [center_id])[center_id]
    except StaleSnapshot:
        return directory.get_center(db(), center_id)


def _live_parts(center, url: str) -> dict:
    """The page's parts that change with the request: the trip from the searched place, the
    links that carry the search, and the facts that change with the clock."""
    query, trip = _trip_from_search(center)
    template = current_app.jinja_env.get_template("public/center_live.html")
    return vars(template.make_module({
        "facts": listing_state(center, settings()), "trip": trip,
        "map_json": _center_map(center, trip, url),
        "back_url": url_for("search.results", **query.changed()) if trip else None,
        "referral_url": url_for("referral.form", center=center.id, **_referral_args(query, trip)),
    }))


def _trip_from_search(center):
    """The search this page was opened from (its query string) and the trip from its place;
    (None, None) when the page was opened directly or the place cannot be found again."""
    try:
        query = read_search_query()
        if not query.has_place:
            return query, None
        if query.lat is not None:
            place = geocoder().gazetteer.at(query.lat, query.lon)
        else:
            found = geocoder().geocode(query.location)
            place = found.match if not found.ambiguous else None
    except (HTTPException, GeocodeInputError):  # a hand-edited link: show the plain page
        return None, None
    return query, trip_to(center, place) if place else None


def _referral_args(query, trip) -> dict:
    args = {"drug": query.drug if query else None, "location": trip.place.label if trip else None}
    return {k: v for k, v in args.items() if v}


def _center_map(center, trip, url: str) -> dict:
    origin = ({"label": trip.place.label, "lat": trip.place.lat, "lon": trip.place.lon}
              if trip else None)
    return map_data(origin, [{"id": center.id, "name": center.name, "locality": center.locality,
                              "lat": center.lat, "lon": center.lon,
                              "distance_km": round(trip.distance_km, 1) if trip else None,
                              "url": url}])
