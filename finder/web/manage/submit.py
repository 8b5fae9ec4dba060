"""The public "list your center" form: a new listing waits as `pending`, shown nowhere public,
until an admin approves it."""
from flask import render_template, request

from finder.directory import service as directory
from finder.directory import submissions
from finder.directory.submissions import SUBMITTER_FIELDS, check_submitter
from finder.web.core.context import db
from finder.web.core.extensions import limiter
from finder.web.manage import listings, submit_bp
from finder.web.manage.listing_form import form_values, listing_from_form
from finder.web.manage.listings import CHOICES

NOT_FOUND = "We could not find this address. Check it, or type the latitude and longitude."


def _form(values, errors=None, status=200, submitter=None):
    labels = CHOICES["labels"] | SUBMITTER_FIELDS
    return render_template("manage/submit.html", **(CHOICES | {"labels": labels}), values=values,
                           errors=errors or {}, submitter=submitter or {}), status


@submit_bp.get("/list-your-center")
def list_your_center():
    return _form(form_values({"country": "AU"}))


@submit_bp.post("/list-your-center")
@limiter.limit("10 per hour", methods=["POST"])
def submit_listing():
    data, errors = listing_from_form(request.form)
    submitter, submitter_errors = check_submitter(request.form)
    if not errors and not (data.get("lat") and data.get("lon")):
        place = listings.geocode_address(data)
        if place is None:
            errors = {"locality": NOT_FOUND}
        else:
            data |= {"lat": place.lat, "lon": place.lon}
    if not errors:
        try:
            directory.validate_listing(data)
        except directory.ListingValidationError as invalid:
            errors = invalid.errors
    errors = submitter_errors | errors  # every problem at once, the submitter's first
    if errors:
        return _form(form_values(data), errors, 400, submitter)
    try:
        center = submissions.submit(db(), data, submitter)
    except directory.ListingValidationError as invalid:
        db().rollback()
        return _form(form_values(data), invalid.errors, 400, submitter)
    return render_template("manage/submitted.html", center=center), 201
