"""Public pages: home and the directory (a center's page is finder.web.directory.center_page)."""
from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from finder.directory import service as directory
from finder.vocabulary import (
    ACCEPTING_REFERRALS,
    COSTS,
    DRUG_CLASSES,
    DRUG_GROUPS,
    LANGUAGE_NAMES,
    REFERRAL_FROM,
    WEEKDAY_NAMES,
    language_name,
)
from finder.web.core.context import db, settings
from finder.web.core.params import bool_arg, choice_arg, text_arg
from finder.web.directory.present import listing_freshness

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
                           drug_classes=DRUG_CLASSES,
                           drug_groups=DRUG_GROUPS), 400 if errors else 200


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


@bp.app_template_filter("language_name")
def _language_name(tag: str) -> str:
    return language_name(tag)


@bp.app_context_processor
def _vocabulary():
    """Labels every template may need for listing facts."""
    return {"accepting": ACCEPTING_REFERRALS, "referral_from": REFERRAL_FROM, "costs": COSTS,
            "language_names": LANGUAGE_NAMES,
            "weekday_names": WEEKDAY_NAMES}

