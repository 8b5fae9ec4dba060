"""The referral builder: a form, the result (letter to print, patient handout, downloads).

Nothing typed here is stored or logged. The form is POSTed, so no detail lands in a URL or an
access log (only a search's drug and location prefill the form by GET). The result page carries
the submitted fields back in hidden inputs: "Change answers" and choosing a center post them
again, and each download parses and assesses the JSON again. The patient's name and birth date
and the doctor's details are typed on the result page and never sent here (static JS fills the
printed letter). The location is looked up in the offline gazetteer only.
"""
import json
from datetime import date

from flask import Blueprint, abort, make_response, render_template, request
from werkzeug.datastructures import MultiDict

from finder.referral import codes
from finder.referral.assess import assess_referral
from finder.referral.dates import user_today
from finder.referral.fhir import referral_bundle
from finder.referral.handout import build_handout
from finder.referral.letter import REACTION_COLUMNS, build_letter, letter_text
from finder.referral.schema import (
    MAX_NARRATIVE,
    MAX_REACTIONS,
    ReferralInput,
    ReferralValidationError,
    parse_referral,
)
from finder.referral.service import Nearby, ScreenedReferral, screen_referral
from finder.web.core.context import db, geocoder, settings
from finder.web.core.params import text_arg
from finder.web.directory.present import center_public, listing_freshness
from finder.web.referral import form as fields

bp = Blueprint("referral", __name__)

# Fields of the form page itself, not answers: never carried back into the form.
_NOT_ANSWERS = {"csrf_token", "add_reaction", "center"}


def today_for(data: object) -> date:
    """The user's date: the one their browser sent, else today in the app's time zone."""
    claimed = data.get("today") if isinstance(data, dict) else None
    return user_today(claimed, settings().timezone)


def screened(referral: ReferralInput, today: date) -> ScreenedReferral:
    """The referral screened against this app's directory and gazetteer, on the user's date
    (worked out once per request, so the letter and the screening never straddle midnight)."""
    return screen_referral(referral, session=db(), gazetteer=geocoder().gazetteer,
                           today=today, center_id=referral.center_id)


def centers_json(nearby: Nearby | None) -> list[dict]:
    return [{"center": center_public(m.center, settings()), "distance_km": round(m.distance_km, 1)}
            for m in (nearby.matches if nearby else [])]


@bp.get("/referral")
def form():
    prefill = MultiDict({"drug": text_arg("drug") or "", "location": text_arg("location") or "",
                         "center": text_arg("center", max_length=10) or ""})
    return _form_page(prefill, [0])


@bp.post("/referral/edit")
def edit():
    """The form again, filled with everything as it was typed (posted back, nothing stored)."""
    return _form_page(request.form, fields.reaction_indices(request.form) or [0])


@bp.post("/referral/result")
def result():
    slots = fields.reaction_indices(request.form) or [0]
    if "add_reaction" in request.form:  # the button works without JavaScript too
        return _form_page(request.form, slots + [max(slots) + 1] if len(slots) < MAX_REACTIONS
                          else slots)
    data, kept, test_kinds = fields.referral_from_form(request.form)
    today = today_for(data)
    try:
        referral = parse_referral(data, today, from_form=True)
    except ReferralValidationError as error:
        return _form_page(request.form, slots, fields.field_errors(error.errors, kept, test_kinds),
                          400)
    outcome = screened(referral, today)
    chosen = outcome.chosen
    travel = outcome.nearby.travel if outcome.nearby else None
    page = render_template(
        "referral/result.html", referral=referral, assessment=outcome.assessment,
        nearby=outcome.nearby, chosen=chosen, submitted=json.dumps(data),
        answers=[(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_ANSWERS],
        letter=build_letter(referral, outcome.assessment, today, chosen),
        handout=build_handout(outcome.assessment, chosen, travel),
        columns=REACTION_COLUMNS,
        freshness={m.center.id: listing_freshness(m.center, settings())
                   for m in (outcome.nearby.matches if outcome.nearby else [])},
        verdict_label=outcome.assessment.verdict_label)
    return _private(make_response(page))


@bp.post("/referral/download/fhir")
def download_fhir():
    referral, today = _resubmitted()
    bundle = referral_bundle(referral, assess_referral(referral, today), today)
    return _attachment(json.dumps(bundle, indent=2), "application/fhir+json", "json", today)


@bp.post("/referral/download/text")
def download_text():
    referral, today = _resubmitted()
    outcome = screened(referral, today)
    letter = build_letter(referral, outcome.assessment, today, outcome.chosen)
    return _attachment(letter_text(letter) + _nearby_text(outcome.nearby),
                       "text/plain; charset=utf-8", "txt", today)


def _form_page(values: MultiDict, slots: list[int], errors: dict | None = None,
               status: int = 200):
    errors = errors or {}
    page = render_template(
        "referral/form.html", form=values, slots=slots, errors=errors,
        summary=fields.error_summary(errors, slots), codes=codes, labels=fields.LABELS,
        symptom_groups=fields.SYMPTOM_GROUPS, symptom_hints=fields.SYMPTOM_HINTS,
        max_reactions=MAX_REACTIONS, max_narrative=MAX_NARRATIVE, empty_form=MultiDict())
    return _private(make_response(page, status))


def _resubmitted() -> tuple[ReferralInput, date]:
    """The referral the result page handed back, parsed again, and the user's date."""
    try:
        data = json.loads(request.form.get("referral", ""))
        today = today_for(data)
        referral = parse_referral(data, today)
    except (ValueError, RecursionError):  # ReferralValidationError is a ValueError
        abort(400, "The referral could not be read. Go back to the form and submit it again.")
    return referral, today


def _nearby_text(nearby: Nearby | None) -> str:
    if nearby is None:
        return ""
    if nearby.place is None:
        return f"\nNearest centers: {nearby.problem}\n"
    lines = ["", f"Nearest suitable centers to {nearby.place.label}:"]
    lines += [f"  - {m.center.name}, {m.center.organisation} ({m.center.locality}): "
              f"{m.distance_km:.0f} km" + _unconfirmed(m.center)
              for m in nearby.matches] or ["  none found"]
    if nearby.travel:
        lines += ["", f"Travel assistance: {nearby.travel['message']}"]
    return "\n".join(lines) + "\n"


def _unconfirmed(center) -> str:
    """A listing's warning in the letter: never confirmed, or confirmed too long ago."""
    state = listing_freshness(center, settings()).status
    return {"unverified": " (not verified by the center)",
            "stale": " (not confirmed recently: call before you travel)"}.get(state, "")


def _attachment(body: str, mimetype: str, extension: str, today: date):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    name = f"desensitization-referral-{today.isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


def _private(response):
    """Patient details must not be kept by the browser's or a proxy's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
