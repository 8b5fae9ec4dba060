"""The editor's pages: the edit form (with a map to confirm a moved address and
a conflict page for stale edits), "we confirm this listing is current", and the history."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.exceptions import ServiceUnavailable

from finder.directory import service as directory
from finder.directory.conflicts import UNCHANGED, explain_conflict
from finder.directory.history import actor_words, local_time, readable
from finder.directory.languages import choices as language_choices
from finder.directory.locate import address_text, locate_listing
from finder.directory.models import editable_values
from finder.directory.regions import AU_ZONE_NAMES
from finder.search.maps import url_origin
from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    COSTS,
    DRUG_CLASSES,
    DRUG_GROUPS,
    REFERRAL_FROM,
    ROUTES,
)
from finder.web.core.context import db, geocoder, settings
from finder.web.core.security import allow
from finder.web.directory.present import listing_freshness
from finder.web.manage import bp
from finder.web.manage.access import actor, editable_center, posted_version
from finder.web.manage.friendly_fields import week_of
from finder.web.manage.listing_form import (
    LABELS,
    address_changed,
    form_values,
    listing_from_form,
    position_changed,
)

CHOICES = {"drug_classes": DRUG_CLASSES, "drug_groups": DRUG_GROUPS, "routes": ROUTES,
           "drug_class_options": [(code, c.name if c.name == DRUG_GROUPS[c.group]
                                   else f"{c.name} ({DRUG_GROUPS[c.group]})")
                                  for code, c in DRUG_CLASSES.items()],
           "referral_from": REFERRAL_FROM, "accepting_referrals": ACCEPTING_REFERRALS,
           "costs": COSTS, "labels": LABELS, "readable": readable,
           "language_choices": language_choices, "au_zones": AU_ZONE_NAMES, "week_of": week_of}


def address_geocoder():
    """The app's geocoder, or None while the gazetteer is not built (the editor can then type
    the position). Tests replace this function with a fake geocoder."""
    try:
        return geocoder()
    except ServiceUnavailable:
        return None


def geocode_address(data: dict):
    """The Place for a listing's address, or None when it cannot be found."""
    service = address_geocoder()
    return locate_listing(data, service) if service is not None else None


@bp.record_once
def _allow_tiles(state) -> None:
    """The confirm map loads tiles from the configured server: let the policy allow it."""
    allow(state.app, "img-src", url_origin(state.app.config["FINDER"].tile_url))


def stored(center) -> dict:
    return editable_values(center)


def _edit_page(center, values, errors=None, status=200, version=None, conflict=None):
    return render_template("manage/edit.html", center=center, values=values, errors=errors or {},
                           fresh=listing_freshness(center, settings()),
                           version=center.version if version is None else version,
                           conflict=conflict, unchanged=UNCHANGED, **CHOICES), status


@bp.get("/centers/<int:center_id>/edit")
@login_required
def edit(center_id: int):
    center = editable_center(center_id)
    return _edit_page(center, form_values(stored(center)))


@bp.post("/centers/<int:center_id>/edit")
@login_required
def save(center_id: int):
    center = editable_center(center_id)
    version = posted_version(request.form)
    data, errors = listing_from_form(request.form)
    if errors:
        return _edit_page(center, form_values(data), errors, 400, version)
    if request.form.get("confirmed") != "1" and (
            address_changed(stored(center), data) or position_changed(stored(center), data)):
        return _confirm_position(center, data, version)
    confirm_current = "on" in request.form.getlist("confirm_current")
    try:
        center = directory.update_center(db(), center_id, data, expected_version=version,
                                         actor=actor(), verify=confirm_current)
    except directory.ListingValidationError as invalid:
        return _edit_page(center, form_values(data), invalid.errors, 400, version)
    except directory.VersionConflict as stale:
        conflict = explain_conflict(db(), stale.current, _normalised(stale.current, data), version)
        values = form_values(stored(stale.current) | conflict.mine)
        return _edit_page(stale.current, values, status=409, conflict=conflict)
    flash(saved_message(listing_freshness(center, settings())), "success")
    return redirect(url_for("manage.edit", center_id=center_id))


def saved_message(fresh) -> str:
    """What the save did to the listing's verification, as the public page will show it."""
    if fresh.status == "verified":
        return (f"Saved and confirmed: the public page now says the listing was confirmed by "
                f"the center on {fresh.verified_on:%-d %B %Y}.")
    return (f"Saved. The public page shows your changes, and still says: \"{fresh.message}\" "
            "Tick \"We confirm this listing is current\" when you save to change that.")


def _normalised(center, data: dict) -> dict:
    """The posted listing as the validator stores it (sorted lists, trimmed text)."""
    merged = stored(center) | data
    try:
        return directory.validate_listing(merged).model_dump()
    except directory.ListingValidationError:
        return merged


def _confirm_position(center, data, version):
    """Step two of a moved address: the new position on a map, to confirm before saving."""
    if not position_changed(stored(center), data):
        place = geocode_address(data)
        if place is None:
            message = ("We could not find this address. Check it, or type the latitude and "
                       "longitude yourself.")
            return _edit_page(center, form_values(data), {"locality": message}, 400, version)
        data = data | {"lat": place.lat, "lon": place.lon}
    try:
        position = directory.validate_listing(data)  # numbers from here on, never typed text
    except directory.ListingValidationError as invalid:
        return _edit_page(center, form_values(data), invalid.errors, 400, version)
    return render_template("manage/confirm.html", center=center, values=form_values(data),
                           version=version, lat=position.lat, lon=position.lon,
                           confirm_current="on" in request.form.getlist("confirm_current"),
                           address=address_text(data), tile_url=settings().tile_url,
                           tile_attribution=settings().tile_attribution, **CHOICES)


@bp.post("/centers/<int:center_id>/verify")
@login_required
def verify(center_id: int):
    editable_center(center_id)
    try:
        directory.mark_verified(db(), center_id, actor=actor(),
                                expected_version=posted_version(request.form))
    except directory.VersionConflict:
        flash("The listing changed since you loaded it: check it, then confirm again.", "warning")
    else:
        flash("Thank you: the listing now shows it was confirmed today.", "success")
    if request.form.get("back") == "dashboard":
        return redirect(url_for("manage.dashboard"))
    return redirect(url_for("manage.edit", center_id=center_id))


@bp.get("/centers/<int:center_id>/history")
@login_required
def history(center_id: int):
    center = editable_center(center_id)
    entries = directory.audit_history(db(), center_id)
    fields = sorted({f for e in entries for f in e.changes}, key=lambda f: LABELS.get(f, f))
    chosen = request.args.get("field", "")
    if chosen in fields:
        entries = [e for e in entries if chosen in e.changes]
    else:
        chosen = ""
    return render_template("manage/history.html", center=center, entries=entries, fields=fields,
                           chosen=chosen, actor_words=actor_words,
                           local_time=local_time, **CHOICES)
