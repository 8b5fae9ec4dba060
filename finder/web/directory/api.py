"""The JSON API under /api/ (described in finder.web.directory.openapi)."""
from flask import Blueprint, abort, jsonify
from pydantic import BaseModel, Field

from finder.directory import service as directory
from finder.vocabulary import DRUG_CLASSES
from finder.web.core.context import db, settings
from finder.web.core.query import choice, flag, matching, read_query, text, whole
from finder.web.directory.present import center_public

bp = Blueprint("api", __name__, url_prefix="/api")


class CentersParams(BaseModel):
    """GET /api/centers: validates the query and gives its OpenAPI parameters."""
    drug_class: choice(DRUG_CLASSES) = Field(None, description=(
        "Only centers that handle this drug class"))
    pediatric: flag() = Field(None, description="true: only centers that see children")
    country: matching("[A-Za-z]{2}", "must be a two-letter code such as AU", 2) = Field(
        None, description="ISO country code, e.g. AU")
    region: text(100) = Field(None, description="State or region code, e.g. QLD")
    limit: whole(1, 200) = Field(None, description="Page size (1-200, default 50)")
    offset: whole(0, 1_000_000) = Field(None, description="Rows to skip")


@bp.get("/centers")
def centers():
    params: CentersParams = read_query(CentersParams)
    page = directory.list_centers(
        db(), drug_class=params.drug_class, pediatric=params.pediatric,
        country=params.country, region=params.region,
        limit=params.limit or 50, offset=params.offset or 0)
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

