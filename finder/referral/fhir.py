"""A referral as a FHIR R4 Bundle, and as a plain-text letter, for a GP to send on.

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
    SYMPTOMS,
    TREATMENTS,
    URGENCIES,
    Assessment,
    ReactionInput,
    ReferralInput,
    looks_like_anaphylaxis,
)

# SNOMED CT concepts for our symptom codes, checked against the SNOMED CT International
# edition (Feb 2025) expansion of the eHDSI "Reaction Allergy" value set. Symptoms without a
# concept we are sure of (flushing, gastrointestinal, agep, hepatitis, nephritis, cytopenia,
# serum_sickness, other) are sent as text only.
SNOMED_MANIFESTATIONS = {
    "urticaria": ("126485001", "Urticaria"),
    "angioedema": ("41291007", "Angioedema"),
    "pruritus": ("418290006", "Itching"),
    "rash": ("271807003", "Eruption of skin"),
    "bronchospasm": ("4386001", "Bronchospasm"),
    "hypotension": ("45007003", "Low blood pressure"),
    "anaphylaxis": ("39579001", "Anaphylaxis"),
    "sjs": ("73442001", "Stevens-Johnson syndrome"),
    "ten": ("768962006", "Lyell syndrome"),
    "dress": ("702809001", "Drug reaction with eosinophilia and systemic symptoms"),
    "blistering": ("271759003", "Bullous eruption"),
    "fever": ("386661006", "Fever"),
}

# Our urgency → FHIR request-priority (routine | urgent | asap | stat).
PRIORITIES = {"routine": "routine", "soon": "urgent", "urgent": "asap"}

_SEVERE_TREATMENTS = frozenset({"adrenaline", "hospital_admission", "icu"})


def referral_bundle(referral: ReferralInput, assessment: Assessment, today: date,
                    now: datetime | None = None) -> dict:
    """A FHIR R4 collection Bundle: Patient, one AllergyIntolerance per reaction, a draft
    ServiceRequest for a desensitization assessment. Entries refer to each other by urn:uuid."""
    now = now or datetime.now(UTC)
    patient_url = new_full_url()
    entries = [(patient_url, {"resourceType": "Patient"})]
    allergy_urls = []
    for reaction in referral.reactions:
        url = new_full_url()
        allergy_urls.append(url)
        entries.append((url, allergy_intolerance(reaction, referral, patient_url, today)))
    entries.append((new_full_url(), service_request(referral, assessment, patient_url,
                                                    allergy_urls, today)))
    return {
        "resourceType": "Bundle", "type": "collection", "timestamp": now.isoformat(),
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }


def allergy_intolerance(reaction: ReactionInput, referral: ReferralInput, patient_url: str,
                        today: date) -> dict:
    symptoms = set(reaction.symptoms)
    resource = {
        "resourceType": "AllergyIntolerance",
        "clinicalStatus": {"coding": [coding(
            ALLERGY_CLINICAL, "resolved" if reaction.tolerated_since else "active")]},
        # Reported by the patient or GP, not yet confirmed by an allergist.
        "verificationStatus": {"coding": [coding(ALLERGY_VERIFICATION, "unconfirmed")]},
        "category": ["medication"],
        "code": _drug_concept(reaction),
        "patient": {"reference": patient_url},
        "recordedDate": today.isoformat(),
        "reaction": [{
            "manifestation": [_manifestation(code) for code in reaction.symptoms],
            "severity": _severity(reaction),
        }],
    }
    kind = _allergy_type(reaction, referral)
    if kind:
        resource["type"] = kind
    if symptoms & (NOT_DESENSITIZABLE | {"anaphylaxis", "hypotension"}):
        resource["criticality"] = "high"
    else:
        resource["criticality"] = "unable-to-assess"
    if reaction.date is not None:
        resource["onsetDateTime"] = reaction.date.isoformat()
    elif reaction.years_ago is not None:
        onset_age = referral.patient.age_years - reaction.years_ago
        if onset_age >= 0:
            resource["onsetAge"] = {"value": onset_age, "unit": "years", "system": UCUM,
                                    "code": "a"}
    notes = [_when_text(reaction)]
    if reaction.treatments:
        notes.append("Treated with: " + ", ".join(TREATMENTS[t] for t in reaction.treatments))
    elif reaction.treatment_required:
        notes.append("Treatment was required.")
    if reaction.tolerated_since:
        notes.append("The drug has been taken since without a reaction.")
    resource["note"] = [{"text": " ".join(notes)}]
    return resource


def service_request(referral: ReferralInput, assessment: Assessment, patient_url: str,
                    allergy_urls: list[str], today: date) -> dict:
    reason = referral.indication or f"Needs {referral.drug}"
    lines = [f"Screening: {assessment.verdict_summary} ({assessment.verdict})."]
    lines += [n.message for n in assessment.reasons]
    if assessment.pen_fast:
        lines.append(f"PEN-FAST {assessment.pen_fast.score} ({assessment.pen_fast.risk}).")
    lines.append(f"Patient age {referral.patient.age_years} years.")
    lines += [n.message for n in assessment.precautions if n.code in _PATIENT_PRECAUTIONS]
    resource = {
        "resourceType": "ServiceRequest",
        "status": "draft",
        "intent": "proposal",
        "priority": PRIORITIES[referral.urgency],
        "code": {"text": "Drug desensitization assessment"},
        "subject": {"reference": patient_url},
        "authoredOn": today.isoformat(),
        "reasonCode": [{"text": f"{reason} (drug needed: {referral.drug})"}],
        "note": [{"text": line} for line in lines],
    }
    if allergy_urls:
        resource["supportingInfo"] = [{"reference": url} for url in allergy_urls]
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


def _when_text(reaction: ReactionInput) -> str:
    if reaction.date is not None:
        return f"Reaction on {reaction.date.isoformat()}."
    if reaction.years_ago is not None:
        return f"Reaction about {reaction.years_ago} years ago."
    return "Date of reaction unknown."


def referral_text(referral: ReferralInput, assessment: Assessment) -> str:
    """A plain-text referral letter summarising the history and the screening result."""
    match = referral.drug_match
    drug = f"{referral.drug} ({match.drug_class.name})" if match else referral.drug
    patient = referral.patient
    conditions = [n.message for n in assessment.precautions if n.code in _PATIENT_PRECAUTIONS]
    lines = [
        "Referral: drug desensitization assessment", "",
        f"Drug needed: {drug}",
        f"Indication: {referral.indication or 'not given'}",
        f"Urgency: {URGENCIES[referral.urgency]}",
        f"Patient: {patient.age_years} years old",
        *(f"  - {c}" for c in conditions), "",
        "Past reactions:" if referral.reactions else "Past reactions: none described",
    ]
    for number, reaction in enumerate(referral.reactions, start=1):
        lines.append(f"  {number}. {reaction.drug}: "
                     + ", ".join(SYMPTOMS[s] for s in reaction.symptoms)
                     + f". {_when_text(reaction)}")
        if reaction.treatments:
            lines.append("     Treated with: "
                         + ", ".join(TREATMENTS[t] for t in reaction.treatments))
        elif reaction.treatment_required:
            lines.append("     Treatment was required.")
        if reaction.tolerated_since:
            lines.append("     Taken again since without a reaction.")
    lines += ["", f"Screening result: {assessment.verdict_summary}"]
    lines += [f"  - {n.message}" for n in assessment.reasons]
    if assessment.pen_fast:
        pf = assessment.pen_fast
        lines.append(f"PEN-FAST: {pf.score} of 5 ({pf.risk.replace('_', ' ')} risk)")
    lines += ["", "This screening is a guide only; the allergist decides."]
    return "\n".join(lines) + "\n"
