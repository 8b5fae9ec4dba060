"""The coded choices of a referral and their labels, shared by the model, form, letter and FHIR."""

URGENCIES = {"routine": "Routine", "soon": "Soon (weeks)", "urgent": "Urgent (days)"}

CONDITIONS = {
    "asthma": "Asthma",
    "pregnancy": "Pregnancy",
    "beta_blocker": "Takes a beta-blocker",
    "ace_inhibitor": "Takes an ACE inhibitor",
    "cardiovascular_disease": "Heart or blood-vessel disease",
    "mastocytosis": "Mastocytosis",
}

SYMPTOMS = {
    "urticaria": "Hives (urticaria)",
    "angioedema": "Swelling of lips, face or throat (angioedema)",
    "pruritus": "Itching",
    "flushing": "Flushing",
    "rash": "Rash",
    "bronchospasm": "Wheeze or tight chest (bronchospasm)",
    "hypotension": "Low blood pressure or fainting",
    "anaphylaxis": "Anaphylaxis",
    "gastrointestinal": "Vomiting, diarrhoea or stomach cramps",
    "sjs": "Stevens-Johnson syndrome",
    "ten": "Toxic epidermal necrolysis",
    "dress": "DRESS (drug reaction with eosinophilia and systemic symptoms)",
    "agep": "AGEP (acute generalised exanthematous pustulosis)",
    "blistering": "Blistering or peeling skin",
    "hepatitis": "Liver inflammation (hepatitis)",
    "nephritis": "Kidney inflammation (nephritis)",
    "cytopenia": "Low blood counts",
    "fever": "Fever",
    "serum_sickness": "Serum sickness",
    "other": "Other or not sure",
}

TREATMENTS = {
    "adrenaline": "Adrenaline (epinephrine)",
    "antihistamine": "Antihistamine",
    "corticosteroid": "Steroid",
    "hospital_admission": "Hospital admission",
    "icu": "Intensive care",
}

# Time from the dose to the first symptoms (shared with the assessment, which reads it).
ONSETS = {
    "under_1h": "Under 1 hour",
    "1_to_6h": "1 to 6 hours",
    "6_to_24h": "6 to 24 hours",
    "1_to_7_days": "1 to 7 days",
    "over_7_days": "More than 7 days",
    "unknown": "Not known",
}

RECOVERIES = {
    "under_24h": "Within a day",
    "1_to_7_days": "1 to 7 days",
    "over_7_days": "More than a week",
    "unknown": "Not known",
}

ROUTES = {
    "oral": "By mouth",
    "iv": "Into a vein (IV)",
    "im": "Into a muscle",
    "sc": "Under the skin",
    "topical": "On the skin or eye",
    "inhaled": "Inhaled",
    "other": "Other",
}

TESTS = {
    "tryptase": "Serum tryptase",
    "skin_prick": "Skin prick test",
    "intradermal": "Intradermal test",
    "specific_ige": "Specific IgE (blood test)",
    "patch": "Patch test",
    "challenge": "Drug challenge",
}
