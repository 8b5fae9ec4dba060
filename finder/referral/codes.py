"""The coded choices of a referral and their labels, shared by the model, form, letter and FHIR."""

URGENCIES = {"routine": "Routine", "soon": "Soon (weeks)", "urgent": "Urgent (days)"}

CONDITIONS = {
    "asthma": "Asthma",
    "pregnancy": "Pregnancy",
    "beta_blocker": "Takes a beta-blocker",
    "ace_inhibitor": "Takes an ACE inhibitor",
    "cardiovascular_disease": "Heart or blood-vessel disease",
    "mastocytosis": "Mastocytosis",
    # Where desensitization after a non-immediate reaction is established practice.
    "hiv": "HIV infection",
    "cystic_fibrosis": "Cystic fibrosis",
}

SYMPTOMS = {
    "urticaria": "Hives (urticaria)",
    "angioedema": "Swelling of lips, face or throat (angioedema)",
    "pruritus": "Itching",
    "flushing": "Flushing",
    "rash": "Rash",
    "bronchospasm": "Wheeze (bronchospasm)",
    "chest_tightness": "Tight chest without wheeze",
    "hypotension": "Low blood pressure (measured) or collapse",
    "fainting": "Fainted or nearly fainted",
    "anaphylaxis": "Anaphylaxis",
    "gastrointestinal": "Vomiting, diarrhoea or stomach cramps",
    "rigors": "Chills or shaking (rigors)",
    "sjs": "Stevens-Johnson syndrome",
    "ten": "Toxic epidermal necrolysis",
    "dress": "DRESS (drug reaction with eosinophilia and systemic symptoms)",
    "agep": "AGEP (acute generalised exanthematous pustulosis)",
    "blistering": "Blisters, raw skin, or sores in the mouth or eyes",
    "peeling": "Peeling skin as a rash faded, without blisters",
    "hepatitis": "Liver inflammation (hepatitis)",
    "nephritis": "Kidney inflammation (nephritis)",
    "pneumonitis": "Lung inflammation (pneumonitis)",
    "cytopenia": "Low blood counts (platelets or white cells destroyed)",
    "haemolysis": "Red blood cells destroyed (haemolytic anaemia)",
    "vasculitis": "Inflamed blood vessels (vasculitis)",
    "fever": "Fever",
    "serum_sickness": "Serum sickness (diagnosed by a doctor)",
    "serum_sickness_like": "Serum-sickness-like reaction (rash with joint pain or swelling)",
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
