"""The referral letter, as a clinician writes one: addressed, dated, the history in a table, the
screening verdict in clinical words, then the questions for the center with what its listing
already answers. One `Letter` feeds both the printed page and the plain-text download.

The patient's name and birth date and the referring doctor's details are not here: they are
typed in the browser and never reach the server, so the text gives lines to fill in.
"""
from dataclasses import dataclass, field
from datetime import date

from finder.directory.models import Center
from finder.referral.assess import Assessment
from finder.referral.codes import (
    CONDITIONS,
    ONSETS,
    RECOVERIES,
    ROUTES,
    SYMPTOMS,
    TESTS,
    TREATMENTS,
    URGENCIES,
)
from finder.referral.dates import when_text
from finder.referral.schema import ReactionInput, ReferralInput

DEFAULT_ADDRESSEE = "The allergy service"

CLINICAL_VERDICTS = {
    "not_needed": "Desensitization not indicated on this history",
    "consider_delabelling": "Low-risk history: allergy assessment for delabelling suggested",
    "test_first": "Allergy testing suggested before any desensitization",
    "candidate": "Possible candidate for drug desensitization",
    "specialist_review": "History needs allergist review",
    "not_suitable": "Desensitization contraindicated (non-IgE severe reaction)",
}

# The assessment's questions, in the words one clinician writes to another.
CLINICAL_QUESTIONS = {
    "procedures_per_year": "Number of desensitizations you perform a year",
    "drug_class": "Experience desensitizing to this drug class",
    "children": "Whether you desensitize children",
    "protocol": "Protocol you would propose and its duration",
    "emergency": "Emergency and intensive care support on site",
    "reaction_plan": "Management of breakthrough reactions during the protocol",
    "wait": "Current waiting time for assessment",
    "telehealth": "Whether pre-assessment can be done by telehealth",
    "paperwork": "Funding, pre-authorisation or other paperwork needed",
}

# The precautions that describe the patient (the rest are addressed to the patient).
IDENTITY_LINES = ("Patient name", "Date of birth", "Referring doctor", "Practice",
                  "Provider number", "Phone")


@dataclass(frozen=True)
class Question:
    text: str
    answer: str | None = None
    answered_on: str | None = None


@dataclass(frozen=True)
class Letter:
    addressee: list[str]
    today: date
    urgency: str
    drug_needed: str
    request: list[tuple[str, str]]  # label, value: what is needed, when, why
    patient: list[tuple[str, str]]
    reactions: list[dict[str, str]]
    tests: list[tuple[str, str, str]]  # test, result, date
    narrative: str | None
    verdict: str
    reasons: list[str]
    pen_fast: str | None
    questions: list[Question] = field(default_factory=list)
    center_name: str | None = None


def addressee(center: Center | None) -> list[str]:
    """The chosen center's name and address lines, or the generic service."""
    if center is None:
        return [DEFAULT_ADDRESSEE]
    place = " ".join(filter(None, [center.locality, center.region, center.postcode]))
    return [line for line in (center.name, center.organisation, center.street, place) if line]


def reaction_row(number: int, reaction: ReactionInput, today: date) -> dict[str, str]:
    treated = ", ".join(TREATMENTS[t] for t in reaction.treatments) or (
        {True: "Needed (not specified)", False: "None"}.get(reaction.treatment_required,
                                                            "Not known"))
    exposure = ", ".join(filter(None, [reaction.dose,
                                       ROUTES.get(reaction.route) if reaction.route else None]))
    since = []
    if reaction.tolerated_since:
        since.append("same drug tolerated since")
    if reaction.related_tolerated:
        since.append(f"tolerated since: {reaction.related_tolerated}")
    return {
        "number": str(number), "drug": reaction.drug,
        "when": when_text(reaction.date, reaction.years_ago, today),
        "exposure": exposure or "Not given",
        "onset": ONSETS[reaction.onset] if reaction.onset else "Not given",
        "symptoms": ", ".join(SYMPTOMS[s] for s in reaction.symptoms),
        "treatment": treated,
        "recovery": RECOVERIES[reaction.recovery] if reaction.recovery else "Not given",
        "co_medications": reaction.co_medications or "None given",
        "since": "; ".join(since) or "Not given",
    }


def _drug_needed(referral: ReferralInput) -> str:
    match = referral.drug_match
    return f"{referral.drug} ({match.drug_class.name})" if match else \
        f"{referral.drug} (not recognised by the screening tool)"


def _request(referral: ReferralInput) -> list[tuple[str, str]]:
    rows = [("Indication", referral.indication or "Not given")]
    if referral.needed_by:
        rows.append(("Needed by", f"{referral.needed_by.day} {referral.needed_by:%B %Y}"))
    if referral.chemo_cycle:
        rows.append(("Chemotherapy cycle", f"Next cycle: {referral.chemo_cycle}"))
    if referral.premedication:
        rows.append(("Premedication", referral.premedication))
    if referral.specialist:
        rows.append(("Treating specialist", referral.specialist))
    return rows


def _patient(referral: ReferralInput) -> list[tuple[str, str]]:
    patient = referral.patient
    rows = [("Age", f"{patient.age_years} years")]
    if patient.weight_kg is not None:
        rows.append(("Weight", f"{patient.weight_kg:g} kg"))
    flags = [label for code, label in CONDITIONS.items() if getattr(patient, code)]
    rows.append(("Relevant conditions and medicines", "; ".join(flags) or "None reported"))
    rows.append(("Current medicines", patient.current_medicines or "Not given"))
    return rows


def _pen_fast(assessment: Assessment) -> str | None:
    pf = assessment.pen_fast
    if pf is None:
        return None
    unknown = "; time of reaction unknown, counted as within 5 years" if pf.time_unknown else ""
    return f"PEN-FAST {pf.score}/5 ({pf.risk.replace('_', ' ')} risk{unknown})."


def build_letter(referral: ReferralInput, assessment: Assessment, today: date,
                 center: Center | None = None) -> Letter:
    """The letter to `center` (or to the allergy service when none is chosen)."""
    questions = [Question(CLINICAL_QUESTIONS.get(q["code"], q["question"]), q.get("answer"),
                          q.get("answered_on")) for q in assessment.questions_for_center]
    return Letter(
        addressee=addressee(center), today=today, urgency=URGENCIES[referral.urgency],
        drug_needed=_drug_needed(referral), request=_request(referral),
        patient=_patient(referral),
        reactions=[reaction_row(n, r, today) for n, r in enumerate(referral.reactions, 1)],
        tests=[(TESTS[t.kind], t.result or "Not given",
                f"{t.date.day} {t.date:%b %Y}" if t.date else "Date not given")
               for t in referral.tests],
        narrative=referral.narrative,
        verdict=CLINICAL_VERDICTS.get(assessment.verdict, assessment.verdict_summary),
        reasons=[n.message for n in assessment.reasons],
        pen_fast=_pen_fast(assessment), questions=questions,
        center_name=center.name if center else None,
    )


REACTION_COLUMNS = (("when", "When"), ("exposure", "Dose and route"), ("onset", "Onset"),
                    ("symptoms", "Manifestations"), ("treatment", "Treatment"),
                    ("recovery", "Recovery"), ("co_medications", "Co-medications"),
                    ("since", "Taken since"))


def letter_text(letter: Letter) -> str:
    """The letter as plain text, with lines for the details typed only in the browser."""
    lines = ["To: " + ", ".join(letter.addressee),
             f"Date: {letter.today.day} {letter.today:%B %Y}", ""]
    lines += [f"{label}: ____________________" for label in IDENTITY_LINES]
    lines += ["", "Re: referral for drug desensitization assessment",
              f"Urgency: {letter.urgency}", f"Drug needed: {letter.drug_needed}"]
    lines += [f"{label}: {value}" for label, value in letter.request + letter.patient]
    lines += ["", "Reaction history:" if letter.reactions else "Reaction history: none described"]
    for row in letter.reactions:
        lines.append(f"  {row['number']}. {row['drug']}")
        lines += [f"     {title}: {row[key]}" for key, title in REACTION_COLUMNS]
    if letter.tests:
        lines += ["", "Tests already done:"]
        lines += [f"  - {test}: {result} ({when})" for test, result, when in letter.tests]
    if letter.narrative:
        lines += ["", "History:", letter.narrative]
    lines += ["", f"Screening: {letter.verdict}."]
    lines += [f"  - {reason}" for reason in letter.reasons]
    if letter.pen_fast:
        lines.append(letter.pen_fast)
    if letter.questions:
        lines += ["", "Questions" + (f" for {letter.center_name}" if letter.center_name else "")
                  + ":"]
        for q in letter.questions:
            known = f" [listing: {q.answer}" + (f", as of {q.answered_on}]" if q.answered_on
                                                else "]") if q.answer else ""
            lines.append(f"  - {q.text}{known}")
    lines += ["", "Screening aid only: the allergist decides.", "",
              "Signature: ____________________"]
    return "\n".join(lines) + "\n"
