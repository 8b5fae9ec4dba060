"""A referral as a FHIR R4 Bundle for a GP to send on: the reactions as AllergyIntolerance,
medicines as MedicationStatement, tests done as Observation, and the request itself as a draft
ServiceRequest. Validated with fhir.resources (R4B) and fhirclient in the tests.

The Patient is anonymous (no name, no identifier, no birth date): the GP's own system adds
those. Nothing here is stored or logged.
"""
from datetime import UTC, date, datetime

from finder.fhir import (
    ALLERGY_CLINICAL,
    ALLERGY_VERIFICATION,
    ATC,
    SNOMED,
    UCUM,
    coding,
    new_full_url,
)
from finder.referral.assess import (
    IMMEDIATE,
    NOT_DESENSITIZABLE,
    Assessment,
    looks_like_anaphylaxis,
)
from finder.referral.codes import ONSETS, RECOVERIES, ROUTES, SYMPTOMS, TESTS, TREATMENTS
from finder.referral.dates import when_text
from finder.referral.schema import ReactionInput, ReferralInput

# SNOMED CT concepts for our symptom codes, each checked against its display term in the eHDSI
# "Reaction Allergy" value set 8.1.0 (HL7 Europe, expansion of SNOMED CT International edition,
# Feb 2025); "Low blood pressure" (45007003) against the OHDSI SNOMED vocabulary and "Fever"
# (386661006) against the FHIR specification's Condition example f201. Symptoms without a
# concept we are sure of (flushing, gastrointestinal, agep, hepatitis, nephritis, cytopenia,
# serum_sickness, other) are sent as text only.
SNOMED_MANIFESTATIONS = {
    "urticaria": ("126485001", "Urticaria"),
    "angioedema": ("41291007", "Angioedema"),
    "pruritus": ("418290006", "Itching"),
    "rash": ("271807003", "Eruption"),
    "bronchospasm": ("4386001", "Bronchospasm"),
    "hypotension": ("45007003", "Low blood pressure"),
    "anaphylaxis": ("39579001", "Anaphylaxis"),
    "sjs": ("73442001", "Stevens-Johnson syndrome"),
    "ten": ("768962006", "Lyell syndrome"),
    "dress": ("702809001", "Drug reaction with eosinophilia and systemic symptoms"),
    "blistering": ("271759003", "Bullous eruption"),
    "fever": ("386661006", "Fever"),
}

# SNOMED CT route concepts, checked against the FHIR "SNOMED CT Route Codes" value set
# (expansion of SNOMED CT International edition, Feb 2025). Other routes go as text.
SNOMED_ROUTES = {
    "oral": ("26643006", "Oral route"),
    "iv": ("47625008", "Intravenous route"),
    "im": ("78421000", "Intramuscular route"),
    "sc": ("34206005", "Subcutaneous route"),
    "topical": ("6064005", "Topical route"),
}

# The two medicine groups the form asks about by name, as ATC groups (WHO ATC index).
FLAGGED_MEDICINES = {"beta_blocker": ("C07", "Beta blocking agents"),
                     "ace_inhibitor": ("C09A", "ACE inhibitors, plain")}

# Our urgency → FHIR request-priority (routine | urgent | asap | stat).
PRIORITIES = {"routine": "routine", "soon": "urgent", "urgent": "asap"}

_SEVERE_TREATMENTS = frozenset({"adrenaline", "hospital_admission", "icu"})


def referral_bundle(referral: ReferralInput, assessment: Assessment, today: date,
                    now: datetime | None = None) -> dict:
    """A FHIR R4 collection Bundle: Patient, one AllergyIntolerance per reaction, a
    MedicationStatement per medicine named, an Observation per test done, and a draft
    ServiceRequest for a desensitization assessment. Entries refer to each other by urn:uuid."""
    now = now or datetime.now(UTC)
    patient_url = new_full_url()
    subject = {"reference": patient_url}
    entries = [(patient_url, {"resourceType": "Patient"})]
    allergies = [(new_full_url(), allergy_intolerance(r, referral, subject, today))
                 for r in referral.reactions]
    findings = [(new_full_url(), r) for r in observations(referral, subject)]
    medicines = [(new_full_url(), r) for r in medication_statements(referral, subject)]
    request = service_request(referral, assessment, subject, today,
                              [url for url, _ in allergies + findings + medicines])
    entries += allergies + findings + medicines + [(new_full_url(), request)]
    return {
        "resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat(),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def allergy_intolerance(reaction: ReactionInput, referral: ReferralInput, subject: dict,
                        today: date) -> dict:
    symptoms = set(reaction.symptoms)
    event = {
        "substance": _drug_concept(reaction),
        "manifestation": [_manifestation(code) for code in reaction.symptoms],
        "severity": _severity(reaction),
    }
    if reaction.date is not None:
        event["onset"] = reaction.date.isoformat()
    timing = _timing_text(reaction)
    if timing:
        event["description"] = timing
    if reaction.route:
        event["exposureRoute"] = _route(reaction.route)
    resource = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {"coding": [coding(
            ALLERGY_CLINICAL, "resolved" if reaction.tolerated_since else "active")]},
        # Reported by the patient or GP, not yet confirmed by an allergist.
        "verificationStatus": {"coding": [coding(ALLERGY_VERIFICATION, "unconfirmed")]},
        "category": ["medication"],
        "code": _drug_concept(reaction),
        "patient": subject,
        "recordedDate": today.isoformat(),
        "reaction": [event],
        "criticality": "high" if symptoms & (NOT_DESENSITIZABLE | {"anaphylaxis", "hypotension"})
        else "unable-to-assess",
    }
    kind = _allergy_type(reaction, referral)
    if kind:
        resource["type"] = kind
    if reaction.date is not None:
        resource["onsetDateTime"] = reaction.date.isoformat()
    elif reaction.years_ago is not None:
        onset_age = referral.patient.age_years - reaction.years_ago
        if onset_age >= 0:
            resource["onsetAge"] = {"value": onset_age, "unit": "years", "system": UCUM,
                                    "code": "a"}
    resource["note"] = [{"text": " ".join(_notes(reaction, today))}]
    return resource


def _timing_text(reaction: ReactionInput) -> str | None:
    """Onset after the dose and time to recovery: durations, which AllergyIntolerance's
    reaction.onset (a dateTime) cannot hold, so they go in reaction.description."""
    parts = []
    if reaction.onset:
        parts.append(f"Onset after the dose: {ONSETS[reaction.onset].lower()}.")
    if reaction.recovery:
        parts.append(f"Recovery: {RECOVERIES[reaction.recovery].lower()}.")
    if reaction.dose:
        parts.append(f"Dose: {reaction.dose}.")
    return " ".join(parts) or None


def _notes(reaction: ReactionInput, today: date) -> list[str]:
    notes = [f"Reaction {when_text(reaction.date, reaction.years_ago, today)}."]
    if reaction.treatments:
        notes.append("Treated with: " + ", ".join(TREATMENTS[t] for t in reaction.treatments) + ".")
    elif reaction.treatment_required:
        notes.append("Treatment was required.")
    if reaction.co_medications:
        notes.append(f"Other medicines at the time: {reaction.co_medications}.")
    if reaction.tolerated_since:
        notes.append("The drug has been taken since without a reaction.")
    if reaction.related_tolerated:
        notes.append(f"Related drugs taken since without a reaction: {reaction.related_tolerated}.")
    return notes


def _route(code: str) -> dict:
    concept = {"text": ROUTES[code]}
    if code in SNOMED_ROUTES:
        concept["coding"] = [coding(SNOMED, *SNOMED_ROUTES[code])]
    return concept


def medication_statements(referral: ReferralInput, subject: dict) -> list[dict]:
    """Current medicines (flags and free text) as active; co-medications at each reaction as
    completed, dated when the reaction is."""
    def statement(status: str, medicine: dict, when: date | None = None, note: str | None = None):
        resource = {"resourceType": "MedicationStatement", "status": status,
                    "medicationCodeableConcept": medicine, "subject": subject}
        if when:
            resource["effectiveDateTime"] = when.isoformat()
        if note:
            resource["note"] = [{"text": note}]
        return resource

    patient = referral.patient
    found = [statement("active", {"coding": [coding(ATC, *FLAGGED_MEDICINES[flag])],
                                  "text": display})
             for flag, (_, display) in FLAGGED_MEDICINES.items() if getattr(patient, flag)]
    if patient.current_medicines:
        found.append(statement("active", {"text": patient.current_medicines},
                               note="Current medicines as listed by the referrer."))
    for number, reaction in enumerate(referral.reactions, 1):
        if reaction.co_medications:
            found.append(statement("completed", {"text": reaction.co_medications}, reaction.date,
                                   f"Taken at the time of reaction {number} ({reaction.drug})."))
    return found


def observations(referral: ReferralInput, subject: dict) -> list[dict]:
    """One final Observation per allergy test already done, its result as text."""
    found = []
    for test in referral.tests:
        resource = {"resourceType": "Observation", "status": "final",
                    "code": {"text": TESTS[test.kind]}, "subject": subject,
                    "valueString": test.result or "Result not given"}
        if test.date:
            resource["effectiveDateTime"] = test.date.isoformat()
        found.append(resource)
    return found


def service_request(referral: ReferralInput, assessment: Assessment, subject: dict,
                    today: date, supporting: list[str]) -> dict:
    reason = referral.indication or f"Needs {referral.drug}"
    lines = [f"Screening: {assessment.verdict_summary} ({assessment.verdict})."]
    lines += [n.message for n in assessment.reasons]
    if assessment.pen_fast:
        lines.append(f"PEN-FAST {assessment.pen_fast.score} ({assessment.pen_fast.risk}).")
    lines.append(f"Patient age {referral.patient.age_years} years.")
    if referral.patient.weight_kg is not None:
        lines.append(f"Weight {referral.patient.weight_kg:g} kg.")
    lines += [n.message for n in assessment.precautions if n.code in _PATIENT_PRECAUTIONS]
    if referral.chemo_cycle:
        lines.append(f"Chemotherapy: next cycle {referral.chemo_cycle}.")
    if referral.premedication:
        lines.append(f"Premedication: {referral.premedication}.")
    if referral.specialist:
        lines.append(f"Treating specialist: {referral.specialist}.")
    if referral.narrative:
        lines.append(referral.narrative)
    resource = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "priority": PRIORITIES[referral.urgency],
        "code": {"text": "Drug desensitization assessment"},
        "subject": subject,
        "authoredOn": today.isoformat(),
        "reasonCode": [{"text": f"{reason} (drug needed: {referral.drug})"}],
        "note": [{"text": line} for line in lines],
    }
    if referral.needed_by:
        resource["occurrenceDateTime"] = referral.needed_by.isoformat()
    if supporting:
        resource["supportingInfo"] = [{"reference": url} for url in supporting]
    return resource


_PATIENT_PRECAUTIONS = frozenset({"asthma", "beta_blocker", "pregnancy",
                                  "cardiovascular_disease", "mastocytosis", "pediatric"})


def _drug_concept(reaction: ReactionInput) -> dict:
    concept = {"text": reaction.drug}
    match = reaction.drug_match
    if match is not None and match.atc:
        concept["coding"] = [coding(ATC, match.atc, match.name)]
    return concept


def _manifestation(symptom: str) -> dict:
    concept = {"text": SYMPTOMS[symptom]}
    if symptom in SNOMED_MANIFESTATIONS:
        code, display = SNOMED_MANIFESTATIONS[symptom]
        concept["coding"] = [coding(SNOMED, code, display)]
    return concept


def _severity(reaction: ReactionInput) -> str:
    symptoms = set(reaction.symptoms)
    if (looks_like_anaphylaxis(symptoms) or symptoms & NOT_DESENSITIZABLE
            or _SEVERE_TREATMENTS & set(reaction.treatments)):
        return "severe"
    if symptoms & {"angioedema", "bronchospasm"} or reaction.treatment_required:
        return "moderate"
    return "mild"


def _allergy_type(reaction: ReactionInput, referral: ReferralInput) -> str | None:
    """allergy = immune-mediated; intolerance = not. Left out when the history cannot say."""
    symptoms = set(reaction.symptoms)
    nsaid = reaction.drug_match is not None and reaction.drug_match.drug_class.code == \
        "aspirin_nsaids"
    if nsaid and "bronchospasm" in symptoms and (referral.aerd or referral.patient.asthma):
        return "intolerance"  # AERD: COX-1 inhibition, not an immune reaction
    if symptoms & (IMMEDIATE | NOT_DESENSITIZABLE):
        return "allergy"
    if symptoms == {"gastrointestinal"}:
        return "intolerance"
    return None
