"""The referral builder: a form, the screening result as a printable letter, and downloads.

Nothing typed here is stored or logged. The form is POSTed, so no detail lands in a URL or an
access log (only a search's drug and location prefill the form by GET). The result page carries
the submitted JSON back in hidden fields, and each download parses and assesses it again.
The location is looked up in the offline gazetteer only: it is neither sent to an online
geocoder nor written to the geocoding cache.
"""
import json
from datetime import date

from flask import Blueprint, abort, make_response, render_template, request
from werkzeug.datastructures import MultiDict

from finder.referral.assess import (
    CONDITIONS,
    ONSETS,
    SYMPTOMS,
    TREATMENTS,
    URGENCIES,
    Assessment,
    ReferralInput,
    ReferralValidationError,
    assess_referral,
    parse_referral,
)
from finder.referral.fhir import referral_bundle, referral_text
from finder.referral.schema import MAX_REACTIONS
from finder.referral.service import Nearby, ScreenedReferral, latest_date_on_earth, screen_referral
from finder.vocabulary import DRUG_CLASSES
from finder.web.core.context import db, geocoder, settings
from finder.web.core.params import text_arg
from finder.web.directory.present import center_public, listing_freshness
from finder.web.referral import form as fields

bp = Blueprint("referral", __name__)



def today() -> date:
    return latest_date_on_earth()


def screened(referral: ReferralInput, data: dict) -> ScreenedReferral:
    """The referral screened against this app's directory and gazetteer."""
    center_id = data.get("center_id") if isinstance(data, dict) else None
    if not (isinstance(center_id, int) and not isinstance(center_id, bool) and 0 < center_id < 2**31):
        center_id = None
    return screen_referral(referral, session=db(), gazetteer=geocoder().gazetteer, today=today(),
                           center_id=center_id)


def centers_json(nearby: Nearby | None) -> list[dict]:
    return [{"center": center_public(m.center, settings()), "distance_km": round(m.distance_km, 1)}
            for m in (nearby.matches if nearby else [])]


@bp.get("/referral")
def form():
    prefill = MultiDict({"drug": text_arg("drug") or "", "location": text_arg("location") or "",
                         "center": text_arg("center", max_length=10) or ""})
    return _form_page(prefill, list(range(fields.EMPTY_REACTIONS_SHOWN)))


@bp.post("/referral/result")
def result():
    data, kept = fields.referral_from_form(request.form)
    try:
        referral = parse_referral(data, today())
    except ReferralValidationError as error:
        slots = fields.reaction_indices(request.form) or [0]
        return _form_page(request.form, slots, fields.field_errors(error.errors, kept), 400)
    outcome = screened(referral, data)
    page = render_template(
        "referral/result.html", referral=referral, assessment=outcome.assessment,
        nearby=outcome.nearby, asked=outcome.asked, submitted=json.dumps(data),
        freshness={m.center.id: listing_freshness(m.center, settings())
                   for m in (outcome.nearby.matches if outcome.nearby else [])},
        verdict_label=outcome.assessment.verdict_label, today=today(), onsets=ONSETS,
        symptoms=SYMPTOMS, treatments=TREATMENTS, urgencies=URGENCIES, conditions=CONDITIONS,
        drug_classes=DRUG_CLASSES)
    return _private(make_response(page))


@bp.post("/referral/download/fhir")
def download_fhir():
    referral, assessment = _resubmitted()
    bundle = referral_bundle(referral, assessment, today())
    return _attachment(json.dumps(bundle, indent=2), "application/fhir+json", "json")


@bp.post("/referral/download/text")
def download_text():
    referral, assessment = _resubmitted()
    outcome = screened(referral, {})
    letter = referral_text(referral, assessment) + _nearby_text(outcome.nearby)
    return _attachment(letter, "text/plain; charset=utf-8", "txt")


def _form_page(values: MultiDict, slots: list[int], errors: dict | None = None,
               status: int = 200):
    errors = errors or {}
    page = render_template(
        "referral/form.html", form=values, slots=slots, errors=errors,
        summary=fields.error_summary(errors, slots), conditions=CONDITIONS,
        urgencies=URGENCIES, symptoms=SYMPTOMS, treatments=TREATMENTS, onsets=ONSETS,
        symptom_groups=fields.SYMPTOM_GROUPS, symptom_hints=fields.SYMPTOM_HINTS,
        max_reactions=MAX_REACTIONS, empty_form=MultiDict())
    return _private(make_response(page, status))


def _resubmitted() -> tuple[ReferralInput, Assessment]:
    """The referral the result page handed back, parsed and assessed again."""
    try:
        referral = parse_referral(json.loads(request.form.get("referral", "")), today())
    except (ValueError, RecursionError):  # ReferralValidationError is a ValueError
        abort(400, "The referral could not be read. Go back to the form and submit it again.")
    return referral, assess_referral(referral, today())


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


def _attachment(body: str, mimetype: str, extension: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    name = f"desensitization-referral-{today().isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)


def _private(response):
    """Patient details must not be kept by the browser's or a proxy's cache."""
    response.headers["Cache-Control"] = "no-store"
    return response
