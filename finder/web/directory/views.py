"""Public pages: home, the directory, a center's page, and the health check."""
from flask import Blueprint, abort, current_app, jsonify, render_template, url_for
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from finder.directory import service as directory
from finder.geocoding import GeocodeInputError
from finder.referral.assess import CHECKLIST
from finder.search.maps import map_data
from finder.search.service import SearchQuery
from finder.search.trip import trip_to
from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    COSTS,
    DRUG_CLASSES,
    DRUG_GROUPS,
    REFERRAL_FROM,
    WEEKDAY_NAMES,
    language_name,
)
from finder.web.core.context import db, geocoder, settings
from finder.web.core.params import bool_arg, choice_arg, text_arg
from finder.web.directory.present import listing_freshness, listing_state
from finder.web.search.query import read_search_query

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/directory")
def directory_page():
    errors = {}
    drug_class = _or_note(errors, "drug_class", lambda: choice_arg("drug_class", DRUG_CLASSES))
    pediatric = _or_note(errors, "pediatric", lambda: bool_arg("pediatric"))
    words = _or_note(errors, "q", lambda: text_arg("q", max_length=100))
    page = directory.list_centers(db(), drug_class=drug_class, pediatric=pediatric or None,
                                  limit=10_000)
    shown = [c for c in page.items if named_by(c, words)]
    grouped: dict[str, dict[str, list]] = {}
    for center in shown:
        grouped.setdefault(center.country, {}).setdefault(center.region or "", []).append(center)
    freshness = {c.id: listing_freshness(c, settings()) for c in shown}
    return render_template("public/directory.html", grouped=grouped, total=len(shown),
                           freshness=freshness, words=words, errors=errors,
                           drug_class=drug_class, pediatric=pediatric,
                           drug_classes=DRUG_CLASSES, drug_groups=DRUG_GROUPS)


DIRECTORY_MESSAGES = {
    "drug_class": "Choose a drug class from the list: showing every class.",
    "pediatric": "Tick “Sees children” or leave it empty: showing every center.",
    "q": "Type at most 100 letters of a name or town: showing every center.",
}


def _or_note(errors: dict, name: str, read):
    """The filter's value, or None with a message for people when it cannot be used."""
    try:
        return read()
    except HTTPException:
        errors[name] = DIRECTORY_MESSAGES[name]
        return None


def named_by(center, words: str | None) -> bool:
    """Every typed word appears in the center's name, hospital, town, state or postcode."""
    if not words:
        return True
    text = " ".join(filter(None, (center.name, center.organisation, center.locality,
                                  center.region, center.postcode))).casefold()
    return all(word in text for word in words.casefold().split())


@bp.get("/centers/<int:center_id>")
def center_page(center_id: int):
    center = directory.get_center(db(), center_id)
    if center is None:
        abort(404, "No listed center has that number. It may have been archived.")
    query, trip = _trip_from_search(center)
    base = current_app.extensions["finder.base_map"]
    return render_template("public/center.html", center=center,
                           facts=listing_state(center, settings()), drug_groups=DRUG_GROUPS,
                           drug_classes=DRUG_CLASSES, trip=trip, base_map=base,
                           map_json=_center_map(center, trip),
                           back_url=url_for("search.results", **_changed(query)) if trip else None,
                           referral_url=url_for("referral.form", center=center.id,
                                                **_referral_args(query, trip)),
                           checklist=CHECKLIST)


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


def _changed(query) -> dict:
    """The search's parsed fields that differ from the defaults (never raw query keys)."""
    defaults = SearchQuery().form()
    return {k: v for k, v in query.form().items() if v != defaults[k]}


def _referral_args(query, trip) -> dict:
    args = {"drug": query.drug if query else None, "location": trip.place.label if trip else None}
    return {k: v for k, v in args.items() if v}


def _center_map(center, trip) -> dict:
    origin = ({"label": trip.place.label, "lat": trip.place.lat, "lon": trip.place.lon}
              if trip else None)
    return map_data(origin, [{"id": center.id, "name": center.name, "locality": center.locality,
                              "lat": center.lat, "lon": center.lon,
                              "distance_km": round(trip.distance_km, 1) if trip else None,
                              "url": url_for("public.center_page", center_id=center.id)}])


@bp.app_template_filter("language_name")
def _language_name(tag: str) -> str:
    return language_name(tag)


@bp.app_context_processor
def _vocabulary():
    """Labels every template may need for listing facts."""
    return {"accepting": ACCEPTING_REFERRALS, "referral_from": REFERRAL_FROM, "costs": COSTS,
            "weekday_names": WEEKDAY_NAMES}


@bp.get("/healthz")
def healthz():
    try:
        db().execute(text("SELECT 1")).one()
    except Exception:
        db().rollback()
        return jsonify({"status": "unavailable", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})

