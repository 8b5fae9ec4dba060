"""The referral's questions show what the chosen center's listing already answers, with its date."""
from datetime import UTC, date, datetime

from finder.directory.models import Center
from finder.referral.answers import answer_questions
from tests.conftest import center_data

QUESTIONS = [{"code": c, "question": c} for c in
             ("procedures_per_year", "drug_class", "children", "protocol", "emergency", "wait",
              "telehealth", "paperwork")]


def center(**overrides):
    return Center(**center_data(**overrides), updated_at=datetime(2026, 5, 1, tzinfo=UTC))


def by_code(answers):
    return {a["code"]: a for a in answers}


def test_known_facts_are_answered_with_their_dates():
    listing = center(procedures_per_year=120, drug_classes=["platinum"], emergency_onsite=True,
                     wait_weeks=8, wait_reported_on=date(2026, 9, 1), telehealth_preassessment=True,
                     verified_at=datetime(2026, 10, 2, tzinfo=UTC))
    answers = by_code(answer_questions(QUESTIONS, listing, "platinum"))
    assert answers["procedures_per_year"]["answer"] == "About 120 desensitizations a year."
    assert answers["procedures_per_year"]["answered_on"] == "2026-10-02"  # the center's confirmation
    assert answers["wait"]["answered_on"] == "2026-09-01"  # the wait's own report date
    assert "Lists this drug class" in answers["drug_class"]["answer"]
    assert answers["emergency"]["answer"] and answers["telehealth"]["answer"]


def test_unknown_facts_stay_questions():
    answers = by_code(answer_questions(QUESTIONS, center(), "platinum"))
    for code in ("procedures_per_year", "protocol", "emergency", "wait", "telehealth", "paperwork"):
        assert answers[code]["answer"] is None and answers[code]["answered_on"] is None


def test_an_unlisted_drug_class_is_flagged_not_hidden():
    answers = by_code(answer_questions(QUESTIONS, center(drug_classes=["penicillins"]), "taxanes"))
    assert "Does not list this drug class" in answers["drug_class"]["answer"]


def test_children_answer_follows_the_age_range():
    adults = by_code(answer_questions(QUESTIONS, center(age_min_years=18)))
    kids = by_code(answer_questions(QUESTIONS, center(age_min_years=0, age_max_years=16)))
    assert adults["children"]["answer"] == "Sees adults only."
    assert kids["children"]["answer"] == "Sees children (up to 16 years)."
    assert kids["children"]["answered_on"] == "2026-05-01"  # unconfirmed: the last change's date
