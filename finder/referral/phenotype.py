"""What kind of reaction a history describes: its timing, anaphylaxis, and the severe reactions
that rule desensitization out. Pure functions of one reaction."""
from dataclasses import dataclass

from finder.referral.schema import ReactionInput

# EAACI/ENDA (Demoly P et al., International Consensus on drug allergy, Allergy 2014;69:420-37):
# immediate reactions start within 1-6 hours of the dose, non-immediate ones later.
IMMEDIATE_ONSETS = frozenset({"under_1h", "1_to_6h"})
NON_IMMEDIATE_ONSETS = frozenset({"6_to_24h", "1_to_7_days", "over_7_days"})

# Signs of an immediate (IgE-type, mast-cell) reaction: used for timing only when the onset is
# not known.
IMMEDIATE = frozenset({"urticaria", "angioedema", "pruritus", "flushing", "bronchospasm",
                       "hypotension", "anaphylaxis"})
# Organ systems of the anaphylaxis criteria (WAO Anaphylaxis Guidance 2020, Cardona V et al.,
# World Allergy Organ J 2020;13:100472; NIAID/FAAN, Sampson HA et al., J Allergy Clin Immunol
# 2006;117:391-7). A faint belongs to none: alone it is most often vasovagal. Nor does a tight
# chest without wheeze: it is not proven bronchospasm.
ORGAN_SYSTEMS = {
    "skin_mucosa": frozenset({"urticaria", "angioedema", "pruritus", "flushing"}),
    "respiratory": frozenset({"bronchospasm"}),
    "cardiovascular": frozenset({"hypotension"}),
    "gastrointestinal": frozenset({"gastrointestinal"}),
}

# Severe non-immediate reactions after which the drug (and any that cross-reacts with it) must
# not be desensitized: T-cell or immune-complex reactions that desensitization neither prevents
# nor makes safe. EAACI position paper on drug desensitization (Cernadas JR et al., Allergy
# 2010;65:1357-66); AAAAI/ACAAI Drug Allergy Practice Parameter 2022 (Khan DA et al., J Allergy
# Clin Immunol 2022;150:1333-93).
SEVERE_DELAYED = {
    "sjs": "Stevens-Johnson syndrome",
    "ten": "toxic epidermal necrolysis",
    "dress": "DRESS",
    "agep": "AGEP",
    "blistering": "a blistering skin reaction",
    "hepatitis": "drug-induced hepatitis",
    "nephritis": "drug-induced nephritis",
    "pneumonitis": "drug-induced pneumonitis",
    "serum_sickness": "serum sickness",
    "cytopenia": "an immune cytopenia",
    "haemolysis": "haemolytic anaemia",
    "vasculitis": "vasculitis",
}
NOT_DESENSITIZABLE = frozenset(SEVERE_DELAYED)
# The "severe cutaneous adverse reactions" PEN-FAST counts (not organ or blood reactions).
SEVERE_CUTANEOUS = frozenset({"sjs", "ten", "dress", "agep"})
# Benign skin signs: a rash or hives with nothing beyond the skin (peeling as a rash fades is
# ordinary desquamation, not epidermal necrolysis).
BENIGN_SKIN = frozenset({"rash", "urticaria", "pruritus", "flushing", "peeling"})
# Organ and marrow effects that cytotoxic drugs cause by their toxicity, not by allergy
# (myelosuppression, cisplatin nephrotoxicity, methotrexate hepatotoxicity, bleomycin lung,
# hand-foot syndrome): they do not by themselves forbid a drug the oncologist still wants.
TOXICITY_LOOKALIKES = frozenset({"cytopenia", "nephritis", "hepatitis", "pneumonitis",
                                 "blistering"})
_CYTOTOXIC_CLASSES = frozenset({"platinum", "taxanes", "other_chemotherapy"})
# Immune checkpoint inhibitors (PD-1/PD-L1 ATC L01FF, CTLA-4 ipilimumab L01FX04 and
# tremelimumab L01FX20): organ inflammation, cytopenias and vasculitis on them are
# immune-related adverse events, managed and rechallenged by the oncologist, not drug allergy
# (ASCO guideline on immune-related adverse events, Schneider BJ et al., J Clin Oncol 2021).
CHECKPOINT_INHIBITORS = ("L01FF", "L01FX04", "L01FX20")
IMMUNE_RELATED_EVENTS = TOXICITY_LOOKALIKES | {"vasculitis", "haemolysis"}


@dataclass(frozen=True)
class Timing:
    kind: str  # immediate | non_immediate | unclear
    from_symptoms: bool  # the onset was not known, so the symptoms decided


def timing(reaction: ReactionInput) -> Timing:
    """Immediate or not by the onset; by the symptoms only when the onset is not known."""
    if reaction.onset in IMMEDIATE_ONSETS:
        return Timing("immediate", False)
    if reaction.onset in NON_IMMEDIATE_ONSETS:
        return Timing("non_immediate", False)
    symptoms = set(reaction.symptoms)
    if looks_like_anaphylaxis(symptoms) or symptoms & (IMMEDIATE - BENIGN_SKIN) \
            or "urticaria" in symptoms:
        return Timing("immediate", True)
    if symptoms & NOT_DESENSITIZABLE:
        return Timing("non_immediate", True)
    return Timing("unclear", True)


def looks_like_anaphylaxis(symptoms) -> bool:
    """Anaphylaxis named, or two or more organ systems (WAO 2020 / NIAID-FAAN). Low blood
    pressure or bronchospasm alone count only after a known allergen, which a history of a
    first reaction does not establish; fainting alone never counts."""
    s = set(symptoms)
    systems = sum(bool(s & signs) for signs in ORGAN_SYSTEMS.values())
    return "anaphylaxis" in s or systems >= 2


def is_anaphylaxis(reaction: ReactionInput) -> bool:
    """Anaphylaxis needs a sudden onset: symptoms that began a day or more later are not."""
    return reaction.onset not in NON_IMMEDIATE_ONSETS and looks_like_anaphylaxis(
        reaction.symptoms)


def severe_delayed(reaction: ReactionInput) -> str | None:
    """The severe non-immediate reaction described, in words, or None. Any reaction to abacavir
    counts as abacavir hypersensitivity, which forbids rechallenge (HLA-B*57:01; AAAAI/ACAAI
    2022)."""
    found = [SEVERE_DELAYED[s] for s in reaction.symptoms if s in SEVERE_DELAYED]
    if found:
        return found[0]
    match = reaction.drug_match
    if match is not None and "abacavir" in match.components:
        return "abacavir hypersensitivity"
    return None


def likely_toxicity(reaction: ReactionInput) -> bool:
    """An organ or marrow effect of a cytotoxic drug, or an immune-related adverse event of a
    checkpoint inhibitor, without the signs of a severe cutaneous reaction. The exception is
    oxaliplatin's immune thrombocytopenia, which comes within hours of an infusion (Curtis BR
    et al., Blood 2006); low counts days later are its marrow toxicity."""
    match, symptoms = reaction.drug_match, set(reaction.symptoms)
    if match is None:
        return False
    severe = symptoms & NOT_DESENSITIZABLE
    if match.atc.startswith(CHECKPOINT_INHIBITORS):
        return bool(severe) and severe <= IMMUNE_RELATED_EVENTS
    if match.drug_class.code not in _CYTOTOXIC_CLASSES:
        return False
    if ("oxaliplatin" in match.components and "cytopenia" in symptoms
            and reaction.onset in IMMEDIATE_ONSETS):
        return False
    return bool(severe) and severe <= TOXICITY_LOOKALIKES


def only_faint(reaction: ReactionInput) -> bool:
    return set(reaction.symptoms) <= {"fainting", "other"} and "fainting" in reaction.symptoms


def benign_rash(reaction: ReactionInput) -> bool:
    """A rash or hives alone: no swelling, no other organ, no fever, nothing severe."""
    return set(reaction.symptoms) <= BENIGN_SKIN and not is_anaphylaxis(reaction)
