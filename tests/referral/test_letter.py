"""The letter as a clinician writes one, and the patient handout in plain words."""
from datetime import date

import pytest
import textstat

from finder.directory.models import Center
from finder.referral.assess import assess_referral
from finder.referral.handout import SAFETY, build_handout
from finder.referral.letter import DEFAULT_ADDRESSEE, IDENTITY_LINES, build_letter, letter_text
from finder.referral.schema import parse_referral

TODAY = date(2026, 1, 15)
CENTER = Center(id=7, name="Townsville Allergy Service", organisation="Townsville University "
                "Hospital", street="100 Angus Smith Drive", locality="Douglas", region="QLD",
                postcode="4814", country="AU", lat=-19.3, lon=146.8, phone="07 4433 1111",
                hours=[{"day": "mon", "opens": "08:30", "closes": "16:30"}])

REFERRAL = {
    "drug": "carboplatin", "indication": "ovarian cancer", "urgency": "soon",
    "needed_by": "2026-02-20", "chemo_cycle": 4, "specialist": "Dr A Jones, oncology",
    "patient": {"age_years": 54, "beta_blocker": True, "ace_inhibitor": True},
    "reactions": [
        {"drug": "carboplatin", "years_ago": 0, "symptoms": ["urticaria", "hypotension"],
         "onset": "under_1h", "route": "iv", "dose": "450 mg", "treatments": ["adrenaline"],
         "recovery": "under_24h", "co_medications": "ondansetron"},
        {"drug": "amoxicillin", "years_ago": 12, "symptoms": ["rash"], "tolerated_since": True},
    ],
    "tests": [{"kind": "tryptase", "result": "14.2 ug/L", "date": "2025-03-01"}],
    "narrative": "Flushing and hypotension 10 minutes into cycle 3.",
}
# Words a letter between clinicians never says: they speak to the patient.
PATIENT_FACING = ("at home", "your ", "never try", "see your gp")


def letter_for(data=REFERRAL, center=None):
    parsed = parse_referral(data, TODAY)
    assessment = assess_referral(parsed, TODAY)
    return build_letter(parsed, assessment, TODAY, center), assessment


def test_the_letter_opens_with_who_it_is_for_and_from_then_the_request():
    text = letter_text(letter_for(center=CENTER)[0])
    head = text[:text.index("Reaction history")]
    assert head.startswith("To: Townsville Allergy Service, Townsville University Hospital, "
                           "100 Angus Smith Drive, Douglas QLD 4814\nDate: 15 January 2026")
    for label in IDENTITY_LINES:  # lines to fill in: these are never sent to the server
        assert f"{label}: ____" in head
    for words in ("Urgency: Soon (weeks)", "Drug needed: carboplatin (Platinum compounds)",
                  "Indication: ovarian cancer", "Needed by: 20 February 2026",
                  "Next cycle: 4", "Dr A Jones", "Takes a beta-blocker; Takes an ACE inhibitor"):
        assert words in head, words


def test_without_a_chosen_center_the_letter_goes_to_the_allergy_service():
    letter, _ = letter_for()
    assert letter.addressee == [DEFAULT_ADDRESSEE]
    assert letter_text(letter).startswith(f"To: {DEFAULT_ADDRESSEE}\n")


def test_the_history_table_carries_the_eaaci_items():
    letter, _ = letter_for()
    first, second = letter.reactions
    assert first["when"] == "this year" and "0 years" not in letter_text(letter)
    assert first["exposure"] == "450 mg, Into a vein (IV)"
    assert (first["onset"], first["recovery"]) == ("Under 1 hour", "Within a day")
    assert first["treatment"] == "Adrenaline (epinephrine)"
    assert first["co_medications"] == "ondansetron"
    assert second["when"] == "about 12 years ago (2014)"
    assert second["since"] == "same drug tolerated since"
    assert letter.tests == [("Serum tryptase", "14.2 ug/L", "1 Mar 2025")]
    assert "10 minutes into cycle 3" in letter_text(letter)


def test_the_letter_speaks_to_a_clinician_not_to_the_patient():
    for data in (REFERRAL, {**REFERRAL, "reactions": [{"drug": "x", "symptoms": ["sjs"]}]},
                 {**REFERRAL, "reactions": []}):
        letter, assessment = letter_for(data, CENTER)
        text = letter_text(letter).lower()
        assert not any(words in text for words in PATIENT_FACING), text
        assert letter.verdict.lower() in text


def test_the_questions_are_for_the_chosen_center_with_its_answers():
    parsed = parse_referral(REFERRAL, TODAY)
    assessment = assess_referral(parsed, TODAY)
    assessment.questions_for_center[0] = {**assessment.questions_for_center[0],
                                          "answer": "About 75 a year.", "answered_on": "2026-01-02"}
    text = letter_text(build_letter(parsed, assessment, TODAY, CENTER))
    assert "Questions for Townsville Allergy Service:" in text
    assert "[listing: About 75 a year., as of 2026-01-02]" in text


VERDICT_CASES = [
    REFERRAL,
    {**REFERRAL, "reactions": [{"drug": "carboplatin", "symptoms": ["ten"]}]},
    {**REFERRAL, "drug": "amoxicillin",
     "reactions": [{"drug": "amoxicillin", "years_ago": 20, "symptoms": ["rash"]}]},
    {**REFERRAL, "reactions": []},
    {**REFERRAL, "drug": "xyzzy plugh"},
]


@pytest.mark.parametrize("data", VERDICT_CASES)
@pytest.mark.parametrize("center", [None, CENTER])
@pytest.mark.parametrize("travel", [None, {"name": "the Patient Travel Subsidy Scheme"}])
def test_the_handout_reads_at_grade_8_or_below(data, center, travel):
    parsed = parse_referral(data, TODAY)
    handout = build_handout(assess_referral(parsed, TODAY), center, travel)
    text = " ".join(handout.paragraphs())
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= 8, (grade, text)
    assert handout.safety == SAFETY and "Never try small doses" in SAFETY


def test_the_handout_names_the_center_its_hours_and_the_travel_help():
    parsed = parse_referral(REFERRAL, TODAY)
    handout = build_handout(assess_referral(parsed, TODAY), CENTER,
                            {"name": "the Patient Travel Subsidy Scheme"})
    assert handout.center[0].startswith("Townsville Allergy Service")
    assert "Phone: 07 4433 1111" in handout.center
    assert "Open: Monday 08:30 to 16:30" in handout.center
    assert "not been checked by the center" in handout.center[-1]  # never verified
    assert "Patient Travel Subsidy Scheme" in handout.travel
