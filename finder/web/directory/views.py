"""Public pages: home, the directory and a center's page."""
from flask import Blueprint, abort, render_template

from finder.directory import service as directory
from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    COSTS,
    DRUG_CLASSES,
    DRUG_GROUPS,
    REFERRAL_FROM,
    WEEKDAY_NAMES,
)
from finder.web.core.context import db, settings
from finder.web.core.params import bool_arg, choice_arg
from finder.web.directory.present import listing_freshness, listing_state

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/directory")
def directory_page():
    drug_class = choice_arg("drug_class", DRUG_CLASSES)
    pediatric = bool_arg("pediatric")
    page = directory.list_centers(db(), drug_class=drug_class, pediatric=pediatric or None,
                                  limit=10_000)
    grouped: dict[str, dict[str, list]] = {}
    for center in page.items:
        grouped.setdefault(center.country, {}).setdefault(center.region or "", []).append(center)
    freshness = {c.id: listing_freshness(c, settings()) for c in page.items}
    return render_template("public/directory.html", grouped=grouped, total=page.total,
                           freshness=freshness,
                           drug_class=drug_class, pediatric=pediatric,
                           drug_classes=DRUG_CLASSES, drug_groups=DRUG_GROUPS)


@bp.get("/centers/<int:center_id>")
def center_page(center_id: int):
    center = directory.get_center(db(), center_id)
    if center is None:
        abort(404, "No listed center has that number. It may have been archived.")
    return render_template("public/center.html", center=center,
                           facts=listing_state(center, settings()), drug_groups=DRUG_GROUPS,
                           drug_classes=DRUG_CLASSES)


@bp.app_context_processor
def _vocabulary():
    """Labels every template may need for listing facts."""
    return {"accepting": ACCEPTING_REFERRALS, "referral_from": REFERRAL_FROM, "costs": COSTS,
            "weekday_names": WEEKDAY_NAMES}

