"""What to take along and ask: precautions by the patient's conditions, the protocol facts a
candidate should know, the checklist and the questions for the center. Pure data and lookups."""
from finder.referral.notes import Note
from finder.referral.schema import ReferralInput

PROTOCOL_FACTS = (
    Note("iv_protocol", "For a drug given into a vein, the usual plan is about 12 steps, starting "
         "near 1/10,000 of the full dose and doubling every 20-30 minutes, over 5-6 hours."),
    Note("oral_protocol", "For tablets such as aspirin, doses are given about hourly, sometimes "
         "over several days."),
    Note("temporary_tolerance", "Desensitization does not cure the allergy: it lasts only while "
         "the drug is taken without a break of more than 24-48 hours. After a longer break it "
         "must be done again."),
)
HOSPITAL_ONLY = Note("hospital_only", "Desensitization is always done in a hospital or "
                     "specialised clinic with emergency treatment ready. Never try taking small "
                     "doses at home.")

_CONDITION_PRECAUTIONS = {
    "asthma": "Asthma: breathing tests (spirometry) are needed before and during the steps.",
    "beta_blocker": "Takes a beta-blocker: tell the allergist, as beta-blockers can make "
                    "anaphylaxis harder to treat.",
    "pregnancy": "Pregnancy: tell the allergist; the plan will take it into account.",
    "cardiovascular_disease": "Heart or blood-vessel disease: tell the allergist; it makes a "
                              "severe reaction more dangerous.",
    "mastocytosis": "Mastocytosis: tell the allergist; it raises the risk of severe reactions.",
}


def precautions(referral: ReferralInput, verdict: str, pediatric: bool) -> list[Note]:
    patient = referral.patient
    notes = [Note(code, text) for code, text in _CONDITION_PRECAUTIONS.items()
             if getattr(patient, code)]
    if pediatric:
        notes.append(Note("pediatric", "Under 18: look for a center that treats children "
                          "(pediatric allergy support)."))
    if verdict in ("candidate", "test_first", "specialist_review"):
        notes.extend(PROTOCOL_FACTS)
    notes.append(HOSPITAL_ONLY)
    return notes


CHECKLIST = (
    "Your reaction history: when each reaction happened, what the symptoms were, and what "
    "treatment you needed",
    "The name of the drug you need and why you need it (a letter from the treating doctor)",
    "A list of all the medicines you take now, including any beta-blocker",
    "Any earlier allergy test results or hospital discharge letters",
)


def questions(referral: ReferralInput, pediatric: bool) -> list[dict]:
    """Questions to ask a center, coded so a center's known answer can be attached later."""
    match = referral.drug_match
    drug_class = (match.drug_class.name.lower() if match and match.listed_class
                  else match.name.lower() if match else "this drug")
    questions = [
        ("procedures_per_year", "How many desensitizations do you do a year?"),
        ("drug_class", f"Have you desensitized patients to {drug_class} before?"),
        ("children", "Do you desensitize children?") if pediatric else None,
        ("protocol", "Which protocol would you use, and how long will it take?"),
        ("emergency", "Is emergency support, including intensive care, on site?"),
        ("reaction_plan", "What happens if I react during the steps?"),
        ("wait", "How long is the wait for an appointment?"),
        ("telehealth", "Can the pre-assessment be done by telehealth if I live far away?"),
        ("paperwork", "Is insurance, pre-authorisation or other paperwork needed?"),
    ]
    return [{"code": code, "question": text} for code, text in filter(None, questions)]
