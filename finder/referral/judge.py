"""One past reaction judged against the drug needed: which verdict it points to, and why.

The rules follow the AAAAI/ACAAI Drug Allergy Practice Parameter 2022 (Khan DA et al., J Allergy
Clin Immunol 2022;150:1333-93) and EAACI/ENDA practice, as cited rule by rule. A
reaction that does not bear on the drug needed points to no verdict (None).
"""
from dataclasses import dataclass
from datetime import date

from finder.drugs import DrugMatch, is_penicillin
from finder.referral import penfast
from finder.referral.crossreactivity import Link, Relation, cross_reacting_group, link
from finder.referral.notes import Note, in_sentence
from finder.referral.phenotype import (
    BENIGN_SKIN,
    benign_rash,
    is_anaphylaxis,
    likely_toxicity,
    only_faint,
    severe_delayed,
    timing,
)
from finder.referral.schema import PatientInput, ReactionInput
from finder.vocabulary import ADULT_AGE

# Signs that an immediate reaction was IgE-type (as against a cytokine-release or
# histamine-release infusion reaction).
_IGE_SIGNS = frozenset({"urticaria", "angioedema", "bronchospasm", "hypotension",
                        "anaphylaxis"})
_CYTOKINE_SIGNS = frozenset({"fever", "rigors"})
_INFUSION_DRUG_CLASSES = frozenset({"monoclonal_antibodies", "platinum", "taxanes",
                                    "other_chemotherapy"})
# Drugs given only under anaesthesia: a reaction to one is a perioperative reaction.
_ANAESTHESIA_ATC = ("M03A", "N01A", "V03AB35")
_BETA_LACTAMS = frozenset({"penicillins", "cephalosporins", "carbapenems"})
_OPIOID_ATC = ("N02A", "N01AH", "R05DA04", "N07BC")


AERD = Note("aerd", (
    "Aspirin/NSAID-exacerbated respiratory disease: the reactions are not IgE-mediated, yet "
    "aspirin desensitization is established and can reduce flare-ups; after it, other NSAIDs "
    "are tolerated while aspirin is taken daily (EAACI/ENDA; AAAAI/ACAAI 2022). A selective "
    "COX-2 inhibitor such as celecoxib is usually tolerated as an alternative (EAACI/ENDA, "
    "Kowalski 2013)."))


def is_perioperative(r: ReactionInput) -> bool:
    """Flagged as during an operation, or to a drug given only under anaesthesia."""
    return r.perioperative or (r.drug_match is not None
                               and r.drug_match.atc.startswith(_ANAESTHESIA_ATC))


def given_in_theatre(drug: DrugMatch) -> bool:
    """Drugs commonly given around an anaesthetic (ISPAR: antibiotics, anaesthetic agents,
    muscle relaxants and their reversal, opioids, chlorhexidine)."""
    return drug.drug_class.group == "antibiotics" or drug.atc.startswith(
        (*_ANAESTHESIA_ATC, "N02A", "D08AC02", "B05AA06"))


@dataclass(frozen=True)
class Judged:
    reaction: ReactionInput
    link: Link
    verdict: str | None  # None: the reaction does not bear on the drug needed
    reason: Note | None
    pen_fast: penfast.PenFast | None = None


def judge(reaction: ReactionInput, needed: DrugMatch, patient: PatientInput, today: date, *,
          nsaid_cross_reactive: bool) -> Judged:
    found = link(reaction.drug_match, needed, nsaid_cross_reactive=nsaid_cross_reactive)
    # PEN-FAST decides only about a penicillin (Trubiano 2020).
    score = (penfast.pen_fast_for(reaction, today)
             if penfast.applies(reaction) and is_penicillin(needed)
             and found.relation in _SCORED else None)
    if found.relation is Relation.NONE and is_perioperative(reaction) \
            and timing(reaction).kind != "non_immediate" and given_in_theatre(needed):
        return Judged(reaction, found, "test_first", Note("perioperative_agents_untested", (
            f"The reaction to {reaction.drug} happened around an anaesthetic. Until it is "
            "investigated, every agent given then is a suspect: if "
            f"{in_sentence(needed.name)} was given, it needs testing first (ISPAR consensus, "
            "Garvey LH et al., Br J Anaesth 2019).")), score)
    if found.relation in (Relation.NONE, Relation.UNRECOGNISED):
        return Judged(reaction, found, None, None, score)
    rule = _judge_bearing if found.bears else _judge_weak
    verdict, note = rule(reaction, found, needed, patient, score)
    return Judged(reaction, found, verdict, note, score)


_SCORED = frozenset({Relation.SAME, Relation.CROSS})


def _judge_weak(r: ReactionInput, found: Link, needed: DrugMatch, patient: PatientInput,
                score) -> tuple[str, Note]:
    """A culprit that rarely or only possibly cross-reacts with the drug needed."""
    culprit, drug = r.drug, in_sentence(needed.name)
    severe = severe_delayed(r)
    if severe:
        return "specialist_review", Note("severe_reaction_to_a_near_drug", (
            f"{_cap(severe)} after {culprit}: {found.why}, but after a severe delayed reaction "
            f"an allergist should decide whether {drug} is safe. Avoid {culprit}."))
    if r.tolerated_since:
        return "not_needed", Note("culprit_tolerated_since", (
            f"{_cap(culprit)} was taken again since without a reaction, so it does not count "
            f"against {drug}."))
    if found.relation is Relation.POSSIBLE:
        return "test_first", Note("cross_reactivity_to_test", (
            f"Reaction to {culprit}: {found.why}. A supervised challenge with {drug} "
            "usually comes first."))
    if nerd_reaction(r, patient):
        return "test_first", Note("nerd_low_cross_reactivity", (
            f"Respiratory reaction to {culprit} (NSAID-exacerbated respiratory disease): "
            f"{found.why}. A supervised challenge with {drug} usually comes first."))
    if is_anaphylaxis(r):
        return "test_first", Note("low_cross_reactivity_after_anaphylaxis", (
            f"Anaphylaxis to {culprit}: {found.why}. After anaphylaxis, {drug} is usually "
            "given first as a supervised graded challenge."))
    return "not_needed", Note("low_cross_reactivity", (
        f"Reaction to {culprit}: {found.why}, so {drug} can usually be given without "
        "desensitization."))


def _judge_bearing(r: ReactionInput, found: Link, needed: DrugMatch, patient: PatientInput,
                   score) -> tuple[str, Note]:
    """A reaction to the drug needed or one that cross-reacts with it."""
    culprit, drug = r.drug, in_sentence(needed.name)
    related = "" if found.relation is Relation.SAME else f" ({drug} cross-reacts: {found.why})"
    if likely_toxicity(r):
        return "specialist_review", Note("possible_side_effect", (
            f"What happened after {culprit} may be a known side effect of it rather than "
            "an allergy: discuss with the treating oncologist, who decides whether and how "
            f"{drug} is given."))
    severe = severe_delayed(r)
    if severe and not found.delayed:
        return "specialist_review", Note("severe_reaction_to_a_near_drug", (
            f"{_cap(severe)} after {culprit}: {drug} is related to it ({found.why}), a link "
            "shown for immediate reactions; whether it holds after a severe delayed reaction "
            f"is for an allergist to decide. Avoid {culprit}."))
    if severe:
        if r.tolerated_since:
            return "specialist_review", Note("severe_yet_tolerated", (
                f"{_cap(severe)} after {culprit}, yet it was taken again since without a "
                "reaction: an allergist must clarify this history."))
        return "not_suitable", Note("severe_delayed_reaction", (
            f"{_cap(severe)} after {culprit}{related}: this is not an IgE reaction, and "
            f"desensitization to {drug} must not be tried. Avoid {culprit}{_and_group(r)}; an "
            "allergist should advise on a safe alternative (EAACI position paper on drug "
            "desensitization, Cernadas 2010; AAAAI/ACAAI 2022)."))
    if r.tolerated_since:
        return "not_needed", Note("tolerated_since", (
            f"{_cap(culprit)} was taken again since without a reaction, so that reaction no "
            "longer counts; any other reaction listed still does, and an allergist can "
            "confirm the label is removed."))
    return _non_severe(r, found, needed, patient, score, related)


def _non_severe(r: ReactionInput, found: Link, needed: DrugMatch, patient: PatientInput,
                score, related: str) -> tuple[str, Note]:
    culprit, drug, match = r.drug, in_sentence(needed.name), r.drug_match
    symptoms, when = set(r.symptoms), timing(r)
    child = patient.age_years < ADULT_AGE
    antibiotic = match.drug_class.group == "antibiotics"
    if only_faint(r):
        if match.drug_class.code == "local_anaesthetics":
            return "consider_delabelling", Note("faint_after_local_anaesthetic", (
                f"A faint alone after {culprit} is not anaphylaxis (WAO 2020): it is most "
                "often vasovagal, and true local anaesthetic allergy is rare. The usual next "
                "step is a supervised challenge with the anaesthetic (AAAAI/ACAAI 2022)."))
        return "specialist_review", Note("faint_only", (
            f"A faint alone after {culprit} is not anaphylaxis by the published criteria "
            "(WAO 2020): an allergist should review what happened."))
    acute = when.kind != "non_immediate"
    vancomycin = acute and "vancomycin" in match.components and not symptoms & {
        "urticaria", "angioedema", "bronchospasm", "anaphylaxis"}
    if vancomycin and "hypotension" in symptoms:
        return "specialist_review", Note("vancomycin_infusion_hypotension", (
            f"Low blood pressure during a {culprit} infusion, without hives, swelling or "
            "wheeze, can be a severe vancomycin infusion reaction rather than anaphylaxis: an "
            "allergist should tell which before deciding (AAAAI/ACAAI 2022)."))
    if vancomycin and symptoms <= BENIGN_SKIN | {"other"}:
        return "not_needed", Note("vancomycin_infusion_reaction", (
            f"Flushing, itching or a red rash during a {culprit} infusion is usually a "
            "vancomycin infusion reaction: histamine released by the drug itself, not "
            "allergy. The usual answer is a slower infusion (over 2 hours or more) and an "
            "antihistamine beforehand, not desensitization (AAAAI/ACAAI 2022)."))
    if acute and match.drug_class.code in _INFUSION_DRUG_CLASSES and symptoms & _CYTOKINE_SIGNS:
        if symptoms & _IGE_SIGNS:
            return "specialist_review", Note("mixed_infusion_reaction", (
                f"The reaction to {culprit} mixes fever or chills (cytokine release) with "
                "allergic signs: an allergist should sort out which, before deciding."))
        return "not_needed", Note("cytokine_release_reaction", (
            f"Fever or chills during a {culprit} infusion, without hives, swelling, wheeze or "
            "low blood pressure, fits a cytokine-release reaction, commonest with the first "
            "doses. It is not allergic: the usual answer is premedication and a slower "
            "infusion (Castells' phenotypes of infusion reactions; AAAAI/ACAAI 2022)."))
    if "serum_sickness_like" in symptoms:
        return "specialist_review", Note("serum_sickness_like", (
            f"A serum-sickness-like reaction to {culprit} is not true serum sickness and is "
            "often specific to that drug: an allergist may confirm tolerance with a graded or "
            "prolonged challenge (AAAAI/ACAAI 2022)."))
    if (match.drug_class.code == needed.drug_class.code == "aspirin_nsaids"
            and found.relation is Relation.CROSS and nerd_reaction(r, patient)):
        return "candidate", AERD
    if acute and (phenotype := _non_allergic_phenotype(r, needed)) is not None:
        return phenotype
    if is_perioperative(r) and acute:
        return "test_first", Note("perioperative_reaction", (
            f"The reaction to {culprit} happened around an anaesthetic: every agent given "
            "(anaesthetics, muscle relaxant, antibiotic, chlorhexidine, latex, dyes) needs "
            "skin testing to find the culprit before a decision (ISPAR consensus, Garvey LH "
            "et al., Br J Anaesth 2019)."))
    if when.kind == "non_immediate" and symptoms & _IGE_SIGNS:
        return "specialist_review", Note("late_allergic_signs", (
            f"The reaction to {culprit} had signs usually seen within hours (swelling, wheeze, "
            "low blood pressure) but began later: an allergist should review the history."))
    if child and antibiotic and benign_rash(r) and "angioedema" not in symptoms:
        return "consider_delabelling", Note("child_benign_rash", (
            f"A rash or hives alone after {culprit} in a child is usually not a lasting "
            "allergy: paediatric practice is a supervised direct oral challenge, without skin "
            "testing (Mill C et al., JAMA Pediatr 2016; AAAAI/ACAAI 2022)."))
    if (when.kind != "immediate" and patient.cystic_fibrosis
            and match.drug_class.code in _BETA_LACTAMS and needed.drug_class.code in _BETA_LACTAMS):
        return "candidate", Note("cystic_fibrosis_beta_lactam", (
            f"A non-severe delayed reaction to {culprit} in cystic fibrosis: desensitization "
            f"to {drug} is established practice when it is needed (EAACI position paper on "
            "drug desensitization, Cernadas 2010)."))
    sulfonamide = match.drug_class.code == "sulfonamides"
    if sulfonamide and when.kind != "immediate" and patient.hiv \
            and needed.drug_class.code == "sulfonamides":
        return "candidate", Note("hiv_cotrimoxazole", (
            f"A non-severe delayed reaction to {culprit} in HIV infection: graded introduction "
            f"or desensitization to {drug} is established practice (AAAAI/ACAAI 2022)."))
    if sulfonamide and benign_rash(r) and when.kind != "immediate":
        return "consider_delabelling", Note("benign_sulfonamide_rash", (
            f"A benign rash to {culprit}, a sulfonamide antibiotic: the usual next step is a "
            "supervised one- or two-step challenge (AAAAI/ACAAI 2022)."))
    if score is not None and not child:
        return penfast.verdict_for(score, culprit, drug, is_anaphylaxis(r))
    if when.kind == "immediate":
        return _immediate(r, culprit, drug, related, when.from_symptoms)
    if antibiotic and benign_rash(r):
        return "test_first", Note("benign_delayed_antibiotic_rash", (
            f"A benign delayed rash to {culprit}{related}: a supervised challenge usually "
            "comes first (AAAAI/ACAAI 2022)."))
    if when.kind == "unclear":
        return "specialist_review", Note("timing_unknown", (
            f"When the reaction to {culprit} started is not known and the symptoms do not "
            "tell: an allergist needs the history."))
    return "specialist_review", Note("unclear_delayed_reaction", (
        f"The delayed reaction to {culprit}{related} does not clearly fit a pattern with an "
        "established next step: an allergist should review it."))


def _immediate(r: ReactionInput, culprit: str, drug: str, related: str,
               from_symptoms: bool) -> tuple[str, Note]:
    match, anaphylaxis = r.drug_match, is_anaphylaxis(r)
    if match.drug_class.code == "local_anaesthetics":
        if anaphylaxis:
            return "test_first", Note("local_anaesthetic_anaphylaxis", (
                f"Anaphylaxis after {culprit}: true local anaesthetic allergy is rare, so skin "
                "testing and a challenge come first (AAAAI/ACAAI 2022)."))
        return "consider_delabelling", Note("local_anaesthetic_reaction", (
            f"True allergy to local anaesthetics such as {culprit} is rare: the usual next "
            "step is a supervised challenge (AAAAI/ACAAI 2022)."))
    if match.atc.startswith("V08"):
        return "test_first", Note("contrast_reaction", (
            f"Immediate reaction to {culprit}: skin testing helps choose a different contrast "
            "agent, given with the precautions the radiology service sets (ENDA/EAACI, Torres "
            "MJ et al., Allergy 2021). Desensitization is not the usual answer."))
    if from_symptoms and not anaphylaxis:
        return "test_first", Note("unclear_timing_immediate_signs", (
            f"The reaction to {culprit}{related} had immediate-type signs, but when it started "
            "is not known: skin testing or a challenge usually comes first."))
    if anaphylaxis or r.symptoms and {"urticaria", "angioedema"} & set(r.symptoms):
        kind = "Anaphylaxis" if anaphylaxis else "An immediate allergic reaction"
        return "candidate", Note("immediate_reaction", (
            f"{kind} to {culprit}{related}. With {drug} needed and no good alternative, "
            "desensitization may be the option; the allergist usually confirms with skin "
            "testing or a challenge first (EAACI/ENDA; AAAAI/ACAAI 2022)."))
    return "test_first", Note("uncertain_immediate_reaction", (
        f"An immediate reaction to {culprit}{related} without hives, swelling or other organ "
        "signs: skin testing or a supervised challenge usually comes first."))


def nerd_reaction(r: ReactionInput, patient: PatientInput) -> bool:
    """A wheeze on an NSAID in asthma: NSAID-exacerbated respiratory disease, not anaphylaxis."""
    return (patient.asthma and "bronchospasm" in r.symptoms and r.drug_match is not None
            and r.drug_match.drug_class.code == "aspirin_nsaids")


def _non_allergic_phenotype(r: ReactionInput, needed: DrugMatch) -> tuple[str, Note] | None:
    """Immediate reactions whose usual answer is not desensitization."""
    match, symptoms, culprit = r.drug_match, set(r.symptoms), r.drug
    if match.atc.startswith(_OPIOID_ATC) and symptoms <= BENIGN_SKIN:
        if symptoms == {"pruritus"}:
            return "not_needed", Note("opioid_itch", (
                f"Itching on {culprit} is a common effect of opioids (direct histamine release), "
                "not an allergy (AAAAI/ACAAI 2022)."))
        return "test_first", Note("opioid_histamine_release", (
            f"Itching, flushing or hives on {culprit} are usually direct mast-cell release by "
            "the opioid rather than IgE allergy; a less histamine-releasing opioid such as "
            "fentanyl is the usual switch, or a supervised challenge (AAAAI/ACAAI 2022)."))
    if match.atc.startswith("B03AC"):
        return "specialist_review", Note("iron_infusion_reaction", (
            f"Most reactions to intravenous iron such as {culprit} are infusion (Fishbane) "
            "reactions rather than IgE allergy, and iron skin tests are not validated. After a "
            "true hypersensitivity reaction the other intravenous irons are contraindicated "
            "(EMA 2013): an allergist or haematologist decides between a slower rechallenge, "
            "oral iron or transfusion (Rampton D et al., Haematologica 2014)."))
    if "chlorhexidine" in match.components:
        return "specialist_review", Note("chlorhexidine", (
            "Chlorhexidine allergy is managed by avoiding it, including hidden sources such "
            "as catheters and gels, and using povidone-iodine instead; it is not desensitized "
            "(ISPAR consensus, Garvey 2019)."))
    if (match.drug_class.code == "aspirin_nsaids" and _cox1_not_aspirin(needed)
            and symptoms <= BENIGN_SKIN | {"angioedema"}):
        return "specialist_review", Note("nsaid_urticaria", (
            f"Hives or swelling on {culprit}: the usual answer is to avoid COX-1 inhibiting "
            "NSAIDs and use a selective COX-2 inhibitor or paracetamol after a supervised "
            "challenge, not desensitization (EAACI/ENDA, Kowalski 2013)."))
    return None


def _cox1_not_aspirin(drug: DrugMatch) -> bool:
    return (drug.drug_class.code == "aspirin_nsaids" and not drug.atc.startswith("M01AH")
            and "aspirin" not in drug.components)


def _and_group(r: ReactionInput) -> str:
    group = cross_reacting_group(r.drug_match)
    return f" and other {group}" if group and group != "beta-lactams" else ""


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]
