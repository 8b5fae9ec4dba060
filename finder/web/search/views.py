"""The patient search page (/search) and the start-up script of its map (/map/base.js)."""
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

from finder.search.maps import build_base_map, map_data
from finder.search.service import SearchOutcome, run_search
from finder.search.travel import REMOTENESS_WORDS, worth_showing
from finder.web.core.context import db_when_needed, geocoder, settings
from finder.web.core.frames import FramedTemplate
from finder.web.core.links import link, with_query
from finder.web.search.cache import cached
from finder.web.search.cards import km, result_cards
from finder.web.search.query import read_search_form

bp = Blueprint("search", __name__)
bp.add_app_template_global(km, "km")
FIRST_SHOWN = 3  # the notices panel follows the first few results



@bp.record_once
def _build_map(state) -> None:
    """The shared map (folium's rendering kept in instance/); its origins go into the CSP."""
    from finder.web.core.assets import static_url
    from finder.web.core.security import allow

    config = state.app.config["FINDER"]
    base = build_base_map(assets=config.map_assets, tile_url=config.tile_url,
                          tile_attribution=config.tile_attribution,
                          static_url=lambda name: static_url(state.app, name),
                          cache_dir=Path(state.app.instance_path))
    state.app.extensions["finder.base_map"] = base
    allow(state.app, "script-src", *base.script_origins)
    allow(state.app, "style-src", *base.script_origins)
    allow(state.app, "img-src", *base.img_origins)


@bp.get("/search")
@cached
def results():
    query, errors = read_search_form(max_limit=25)
    if errors:  # every problem at once, the rest of what was typed kept
        typed = {**query.form(), **{name: request.args.get(name) for name in errors}}
        return render_template("search/results.html", form=typed, outcome=None,
                               errors=errors), 400
    if not query.has_place:  # first visit: the empty form
        return render_template("search/results.html", form=query.form(), outcome=None)
    outcome = run_search(query, session=db_when_needed(), geocoder=geocoder())
    if outcome.geocoded and outcome.geocoded.ambiguous:  # "Which St Marys?": ask first
        return render_template("search/which_place.html", outcome=outcome, form=query.form(),
                               choices=[(c, _search_url(outcome, c.label))
                                        for c in outcome.geocoded.choices])
    if outcome.place is None:  # nothing to show: say why, with the form open
        return render_template("search/results.html", form=query.form(), outcome=outcome,
                               location_error=outcome.location_error)
    return _found_page(outcome)


@bp.get("/map/base.js")
def base_map_script():
    base = current_app.extensions["finder.base_map"]
    response = current_app.response_class(base.script, mimetype="text/javascript")
    response.set_etag(base.version)
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


FOUND = FramedTemplate("search/found.html")


def _found_page(outcome: SearchOutcome) -> str:
    """The results page: its frame (the same for every search) kept once per app, this
    search's parts (search/_found_parts.html) filled in."""
    context = _parts_context(outcome)
    module = current_app.jinja_env.get_template("search/_found_parts.html").make_module(context)
    parts = {**vars(module), "place_label": outcome.place.label,
             "search_form": _search_form(context["form"])}
    return FOUND.page((), parts, base_map=current_app.extensions["finder.base_map"])


def _parts_context(outcome: SearchOutcome) -> dict:
    """What search/_found_parts.html writes the search's parts from."""
    now = datetime.now(UTC)
    matches = outcome.result.matches
    place = outcome.place
    center_urls = _center_urls([m.center.id for m in matches], _search_args(outcome, place.label))
    cards = result_cards(matches, outcome.drug.listed_class if outcome.drug else None,
                         urls=center_urls, referral=_referral_url(outcome), settings=settings(),
                         now=now)
    return {
        "form": outcome.query.form(), "outcome": outcome, "items": matches,
        "first_cards": Markup().join(cards[:FIRST_SHOWN]),
        "more_cards": Markup().join(cards[FIRST_SHOWN:]),
        "place": place, "map_json": _map_json(outcome, matches, center_urls),
        "travel_worth_showing": worth_showing(place, outcome.travel),
        "regional_words": REMOTENESS_WORDS.get(place.remoteness),
        "candidate_links": [(c.label, _search_url(outcome, c.label)) for c in outcome.candidates],
        "first_shown": FIRST_SHOWN, "printed_on": now.date(),
    }


TYPED = ("location", "lat", "lon", "drug", "age")
SEARCH_FORM = FramedTemplate("public/search_form.html")


def _search_form(form: dict):
    """The form rendered once per choice of filters; what was typed filled in per search."""
    chosen = tuple((name, value) for name, value in form.items() if name not in TYPED)
    return SEARCH_FORM.render((chosen, form["age"] is not None), typed_values(form), form=form,
                              errors=None, location_error=None)


@bp.app_template_global()
def search_summary(form: dict, place) -> str:
    """The search in one line: "Carboplatin · near Broken Hill NSW 2880 · for a child"."""
    near = (f"near {place.label}" if place else f"near “{form['location']}”"
            if form.get("location") else "Your search")
    return " · ".join([*([form["drug"].capitalize()] if form.get("drug") else []), near,
                       *(["for a child"] if form.get("child") else [])])


@bp.app_template_global()
def typed_values(form: dict) -> dict:
    """What was typed into the form's text fields, as the form shows it (nothing as "")."""
    return {name: "" if form.get(name) is None else form[name] for name in TYPED}


def _center_urls(center_ids: list[int], context: dict) -> dict[int, str]:
    """Each listing's page, carrying the search onward: the page's path (the id is its last
    part) and the search's query string, each written once."""
    head = link("center.center_page", center_id=0).removesuffix("0")
    tail = with_query("", context)
    return {center_id: f"{head}{center_id}{tail}" for center_id in center_ids}


def _map_json(outcome: SearchOutcome, matches, center_urls: dict) -> dict:
    place = outcome.place
    origin = {"label": place.label, "lat": place.lat, "lon": place.lon}
    return map_data(origin, [
        {"id": m.center.id, "name": m.center.name, "locality": m.center.locality,
         "lat": m.center.lat, "lon": m.center.lon, "distance_km": round(m.distance_km, 1),
         "url": center_urls[m.center.id]} for m in matches])


def _referral_url(outcome: SearchOutcome) -> str:
    params = {"drug": outcome.query.drug, "location": outcome.place.label if outcome.place
              else outcome.query.location}
    return with_query(link("referral.form"), {k: v for k, v in params.items() if v})


def _search_url(outcome: SearchOutcome, label: str) -> str:
    """This search again, for another place, as a relative URL."""
    return with_query(link("search.results"), _search_args(outcome, label))


def _search_args(outcome: SearchOutcome, label: str) -> dict:
    """The parsed query's fields that differ from the defaults (never raw query-string keys,
    which could name something else), with `label` as the place: what a link carries onward."""
    args = {name: value for name, value in outcome.query.changed().items()
            if name not in ("location", "lat", "lon")}
    if outcome.query.lat is not None and outcome.place and outcome.place.kind == "coordinates":
        return {"lat": outcome.query.lat, "lon": outcome.query.lon, **args}
    return {"location": label, **args}
