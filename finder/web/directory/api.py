"""The JSON API under /api/ (described in finder.web.directory.openapi)."""
from flask import Blueprint, abort, jsonify

from finder.directory import service as directory
from finder.vocabulary import DRUG_CLASSES
from finder.web.core.context import db, settings
from finder.web.core.params import bool_arg, choice_arg, int_arg, text_arg
from finder.web.directory.present import center_public

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/centers")
def centers():
    country = text_arg("country", max_length=2)
    if country and not (len(country) == 2 and country.isalpha()):
        abort(400, "country must be a two-letter code such as AU")
    page = directory.list_centers(
        db(),
        drug_class=choice_arg("drug_class", DRUG_CLASSES),
        pediatric=bool_arg("pediatric"),
        country=country,
        region=text_arg("region", max_length=100),
        limit=int_arg("limit", 50, low=1, high=200),
        offset=int_arg("offset", 0, low=0, high=1_000_000),
    )
    return jsonify({
        "total": page.total, "limit": page.limit, "offset": page.offset,
        "results": [center_public(c, settings()) for c in page.items],
    })


@bp.get("/centers/<int:center_id>")
def center(center_id: int):
    found = directory.get_center(db(), center_id)
    if found is None:
        abort(404, f"No active center with id {center_id}.")
    return jsonify(center_public(found, settings()))

