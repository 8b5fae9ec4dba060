"""A referral screened in context: the assessment, the nearest suitable centers and what the
chosen center's listing already answers. Takes the session, gazetteer and date as arguments;
reads and writes nothing about the patient.

The location is looked up in the offline gazetteer only, so a patient's town never reaches an
online geocoder or the geocoding cache.
"""
from dataclasses import dataclass, field, replace
from datetime import date

from sqlmodel import Session

from finder.directory.models import Center
from finder.directory.service import get_center
from finder.geocoding.gazetteer import Gazetteer
from finder.geocoding.parse import GeocodeInputError
from finder.geocoding.place import Place
from finder.referral.answers import answer_questions
from finder.referral.assess import Assessment, ReferralInput, assess_referral, class_code
from finder.search.nearest import Match, find_centers
from finder.search.travel import travel_assistance, worth_showing

NEAREST_CENTERS = 5


@dataclass(frozen=True)
class Nearby:
    """The suitable centers nearest the referral's location, or why there are none."""
    query: str
    place: Place | None = None
    matches: list[Match] = field(default_factory=list)
    travel: dict | None = None
    problem: str | None = None


@dataclass(frozen=True)
class ScreenedReferral:
    assessment: Assessment  # its questions carry what the asked center's listing answers
    nearby: Nearby | None  # None when no location was given
    asked: Center | None  # the center the questions are for: the chosen one, else the nearest
    chosen: Center | None = None  # the center the letter is addressed to, when one was chosen


def screen_referral(referral: ReferralInput, *, session: Session, gazetteer: Gazetteer,
                    today: date, center_id: int | None = None) -> ScreenedReferral:
    """The assessment with the nearest centers and the asked center's known answers."""
    assessment = assess_referral(referral, today)
    nearby = nearby_centers(referral, assessment, session=session, gazetteer=gazetteer)
    chosen = asked = get_center(session, center_id) if center_id else None
    if asked is None and nearby is not None and nearby.matches:
        asked = nearby.matches[0].center
    if asked is not None:
        answered = answer_questions(assessment.questions_for_center, asked,
                                    class_code(assessment.drug_match))
        assessment = replace(assessment, questions_for_center=[
            {**q, "center_id": asked.id} for q in answered])
    return ScreenedReferral(assessment, nearby, asked, chosen)


def nearby_centers(referral: ReferralInput, assessment: Assessment, *, session: Session,
                   gazetteer: Gazetteer) -> Nearby | None:
    """None without a location; else the nearest centers for the drug's class (and for a
    child when the patient is under 18), with travel help when it matters."""
    if not referral.location:
        return None
    try:
        found = gazetteer.search(referral.location)
    except GeocodeInputError as error:
        return Nearby(referral.location, problem=error.message)
    if found.match is None:
        return Nearby(referral.location, problem=found.message or "We could not find that place.")
    matches = find_centers(found.match, session=session,
                           drug_class=class_code(assessment.drug_match),
                           child=assessment.pediatric, age=referral.patient.age_years,
                           limit=NEAREST_CENTERS).matches
    assistance = travel_assistance(found.match, matches)
    return Nearby(referral.location, found.match, matches,
                  assistance if worth_showing(found.match, assistance) else None)
