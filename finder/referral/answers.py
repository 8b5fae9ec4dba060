"""What a center's listing already answers of the referral's questions, with the date of the
answer, so a patient asks only what is not known (and knows how old each answer is)."""
from datetime import date

from finder.directory.models import Center


def _as_of(center: Center) -> date | None:
    """A listed fact is as fresh as the center's own confirmation, else its last change."""
    stamp = center.verified_at or center.updated_at
    return stamp.date() if stamp else None


def known_answer(code: str, center: Center, drug_class: str | None = None) -> tuple[str, date | None] | None:
    """(answer, as-of date) for a question code, or None when the listing does not say."""
    as_of = _as_of(center)
    if code == "procedures_per_year" and center.procedures_per_year is not None:
        return f"About {center.procedures_per_year} desensitizations a year.", as_of
    if code == "drug_class" and drug_class:
        if drug_class in center.drug_classes:
            return "Lists this drug class among those it desensitizes.", as_of
        return "Does not list this drug class: ask before you are referred.", as_of
    if code == "children":
        if center.pediatric:
            ages = "" if center.age_max_years is None else f" (up to {center.age_max_years} years)"
            return f"Sees children{ages}.", as_of
        return "Sees adults only.", as_of
    if code == "emergency" and center.emergency_onsite:
        return "Has an emergency department on site.", as_of
    if code == "wait" and center.wait_weeks is not None:
        reported = center.wait_reported_on or as_of
        return f"About {center.wait_weeks} weeks.", reported
    if code == "telehealth" and center.telehealth_preassessment:
        return "Offers pre-assessment by telehealth.", as_of
    return None


def answer_questions(questions: list[dict], center: Center, drug_class: str | None = None) -> list[dict]:
    """Each question with `answer` and `answered_on` (ISO date) added where the listing says."""
    answered = []
    for question in questions:
        known = known_answer(question["code"], center, drug_class)
        answer, on = known if known else (None, None)
        answered.append({**question, "answer": answer,
                         "answered_on": on.isoformat() if on else None})
    return answered
