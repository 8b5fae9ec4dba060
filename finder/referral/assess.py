"""Screening a referral: is desensitization worth asking about, and what to take along.

`assess_referral` turns a parsed referral (see finder.referral.schema) into an Assessment: a
verdict (finder.referral.verdicts) from the reactions that bear on the drug needed
(finder.referral.judge, finder.referral.crossreactivity), PEN-FAST for penicillin histories,
side notes about other drugs, precautions, a checklist and questions for the center. It is a
screening aid for patients and GPs; the allergist decides. Pure: nothing is logged or stored.
"""
from dataclasses import dataclass
from datetime import date

from finder.drugs import DrugMatch, suggest_drugs
from finder.referral.advice import CHECKLIST, precautions, questions
from finder.referral.crossreactivity import Relation, cross_reacting_group
from finder.referral.judge import AERD, Judged, judge
from finder.referral.notes import Note, in_sentence
from finder.referral.penfast import PenFast, pen_fast_for
from finder.referral.phenotype import (
    IMMEDIATE,
    NOT_DESENSITIZABLE,
    likely_toxicity,
    looks_like_anaphylaxis,
    severe_delayed,
    timing,
)
from finder.referral.schema import (
    CONDITIONS,
    ONSETS,
    SYMPTOMS,
    TREATMENTS,
    URGENCIES,
    PatientInput,
    ReactionInput,
    ReferralInput,
    ReferralValidationError,
    parse_referral,
)
from finder.referral.verdicts import VERDICTS
from finder.vocabulary import ADULT_AGE

__all__ = [  # the referral API in one place; the input half lives in finder.referral.schema
    "CONDITIONS", "IMMEDIATE", "NOT_DESENSITIZABLE", "ONSETS", "SYMPTOMS", "TREATMENTS",
    "URGENCIES", "VERDICTS", "Assessment", "Note", "PatientInput", "PenFast", "ReactionInput",
    "ReferralInput", "ReferralValidationError", "assess_referral", "class_code",
    "looks_like_anaphylaxis", "parse_referral", "pen_fast_for",
]

_SEVERE_NEAR = frozenset({"severe_reaction_to_a_near_drug", "severe_yet_tolerated"})
CHOICES_OFFERED = 3  # closest names shown for a name we do not recognise

# Standard alternatives that do not cross-react, named when a reaction bears on the drug.
ALTERNATIVES = {
    # Cetuximab reactions are mostly IgE to its galactose-alpha-1,3-galactose, which the fully
    # human panitumumab lacks (Chung CH et al., N Engl J Med 2008;358:1109-17).
    "cetuximab": "Panitumumab, a fully human anti-EGFR antibody, is the standard alternative "
                 "after a cetuximab reaction.",
    # AAAAI/ACAAI 2022: a beta-lactam whose side chains differ from the culprit's.
    "beta-lactams": "A beta-lactam with a dissimilar side chain (cefazolin shares none) is "
                    "the usual alternative after a beta-lactam reaction (AAAAI/ACAAI 2022).",
    # Heparin-induced thrombocytopenia: ASH guideline (Cuker A et al., Blood Adv 2018).
    "heparins": "Fondaparinux or another non-heparin anticoagulant is the usual alternative "
                "to heparins.",
}

@dataclass
class Assessment:
    verdict: str  # a VERDICTS code
    reasons: list[Note]
    pen_fast: PenFast | None
    drug: str
    drug_match: DrugMatch | None
    pediatric: bool
    precautions: list[Note]
    checklist: list[str]
    questions_for_center: list[dict]

    @property
    def verdict_summary(self) -> str:
        return VERDICTS[self.verdict].summary

    @property
    def verdict_label(self) -> str:
        return VERDICTS[self.verdict].label

    @property
    def verdict_advice(self) -> str:
        return VERDICTS[self.verdict].advice

    def to_dict(self) -> dict:
        drug = {**self.drug_match.to_dict(), "typed": self.drug} if self.drug_match else None
        return {
            "verdict": self.verdict, "verdict_summary": self.verdict_summary,
            "reasons": [n.to_dict() for n in self.reasons],
            "pen_fast": self.pen_fast.to_dict() if self.pen_fast else None,
            "drug": drug, "pediatric": self.pediatric,
            "precautions": [n.to_dict() for n in self.precautions],
            "checklist": list(self.checklist),
            "questions_for_center": [dict(q) for q in self.questions_for_center],
        }


def class_code(match: DrugMatch | None) -> str | None:
    """The class centers list for this drug; None when no center lists its class."""
    return match.listed_class if match else None


def has_nerd(referral: ReferralInput) -> bool:
    """NSAID-exacerbated respiratory disease: the aerd flag, or (when it is not given) a wheezy
    NSAID reaction in asthma."""
    if referral.aerd is not None:
        return referral.aerd
    return referral.patient.asthma and any(
        "bronchospasm" in r.symptoms for r in referral.reactions
        if r.drug_match is not None and r.drug_match.drug_class.code == "aspirin_nsaids")


def nsaid_cross_reactive(referral: ReferralInput) -> bool:
    """NSAID-exacerbated respiratory disease (the aerd flag, or a wheezy NSAID reaction in
    asthma when the flag is not given), or reactions to two different NSAIDs: cross-reactive
    NSAID hypersensitivity by the EAACI/ENDA classification (Kowalski 2013)."""
    nsaids = {r.drug_match.name for r in referral.reactions
              if r.drug_match is not None and r.drug_match.drug_class.code == "aspirin_nsaids"}
    return has_nerd(referral) or len(nsaids) >= 2


def assess_referral(referral: ReferralInput, today: date) -> Assessment:
    """The screening result for one referral; the gravest reaction bearing on the drug decides."""
    needed, pediatric = referral.drug_match, referral.patient.age_years < ADULT_AGE
    cross = nsaid_cross_reactive(referral)
    judged = [judge(r, needed, referral.patient, today, nsaid_cross_reactive=cross)
              for r in referral.reactions] if needed else []
    verdict, reasons = _verdict(referral, judged, cross)
    # PEN-FAST means nothing after a severe cutaneous reaction or once the penicillin was
    # taken again without a reaction.
    scores = [j.pen_fast for j in judged if j.pen_fast is not None
              and not j.pen_fast.severe_cutaneous_reaction and not j.reaction.tolerated_since]
    pen_fast = None if verdict == "not_suitable" else max(
        scores, key=lambda p: p.score, default=None)
    reasons += _notes(referral, judged, verdict, pen_fast, pediatric)
    return Assessment(
        verdict=verdict, reasons=reasons, pen_fast=pen_fast, drug=referral.drug,
        drug_match=needed, pediatric=pediatric,
        precautions=precautions(referral, verdict, pediatric),
        checklist=list(CHECKLIST), questions_for_center=questions(referral, pediatric),
    )


def _cox1_needed(needed: DrugMatch) -> bool:
    return needed.drug_class.code == "aspirin_nsaids" and not needed.atc.startswith("M01AH")


def _verdict(referral: ReferralInput, judged: list[Judged], cross: bool
             ) -> tuple[str, list[Note]]:
    needed = referral.drug_match
    if needed is None:
        return "specialist_review", [Note("unknown_drug", (
            f"We did not recognise \"{referral.drug}\" as a drug, so we cannot say whether it "
            f"can be desensitized.{_closest(referral.drug)} Check the spelling, or an allergist "
            "can advise."))]
    pointing = [(VERDICTS[j.verdict].rank, j.verdict, j.reason) for j in judged if j.verdict]
    if _cox1_needed(needed) and has_nerd(referral):
        pointing.append((VERDICTS["candidate"].rank, "candidate", AERD))
    if not referral.reactions and not pointing:
        return "not_needed", [Note("no_reactions", (
            "No past reaction was described: desensitization is only for someone who has "
            f"reacted to {in_sentence(needed.name)} or a drug that cross-reacts with it. If "
            "there was a reaction, describe it and screen again."))]
    unrecognised = [j for j in judged if j.link.relation is Relation.UNRECOGNISED]
    verdict = max(pointing, key=lambda p: p[0])[1] if pointing else "not_needed"
    # A severe delayed reaction to a related drug outranks any test or desensitization plan.
    near_severe = [j for j in judged if j.reason is not None and j.reason.code in _SEVERE_NEAR]
    if near_severe and verdict != "not_suitable":
        verdict = "specialist_review"
        pointing = [(VERDICTS[verdict].rank, verdict, j.reason) for j in near_severe] + pointing
    if verdict == "not_needed" and unrecognised:
        names = ", ".join(f"\"{j.reaction.drug}\"" for j in unrecognised)
        closest = "".join(_closest(j.reaction.drug) for j in unrecognised)
        return "specialist_review", [Note("unrecognised_culprit", (
            f"We did not recognise {names}, so we cannot tell whether it bears on "
            f"{in_sentence(needed.name)}: an allergist needs to know exactly what it was."
            + closest))]
    if not pointing:
        return "not_needed", [Note("no_related_reaction", (
            f"None of the reactions described was to {in_sentence(needed.name)} or a drug known to "
            "cross-react with it, so desensitization does not look needed."))]
    # The deciding reason first; then one reason of each other kind (three reactions of the
    # same kind need saying once, and the letter must stay short).
    ordered = [note for _rank, v, note in pointing if v == verdict]
    ordered += [note for _rank, v, note in pointing if v != verdict]
    firsts: dict[str, Note] = {}
    for note in ordered:
        firsts.setdefault(note.code, note)
    return verdict, list(firsts.values())


def _notes(referral: ReferralInput, judged: list[Judged], verdict: str,
           pen_fast: PenFast | None, pediatric: bool) -> list[Note]:
    """Side remarks the allergist should hear; they do not change the verdict."""
    notes = []
    for j in judged:
        r = j.reaction
        if j.link.relation is Relation.NONE:
            notes.append(_other_drug_note(r, referral.drug_match))
        elif j.link.relation is Relation.UNRECOGNISED and (
                verdict != "specialist_review" or severe_delayed(r)):
            avoid = f"; after {severe_delayed(r)}, avoid it." if severe_delayed(r) else "."
            notes.append(Note("unrecognised_culprit_listed", (
                f"We did not recognise \"{r.drug}\": it was not counted as related to "
                f"{in_sentence(referral.drug_match.name)}. Tell the allergist exactly what it "
                f"was{avoid}{_closest(r.drug)}")))
        if j.verdict and timing(r).from_symptoms and timing(r).kind != "unclear":
            notes.append(Note("onset_not_given", (
                f"When the reaction to {r.drug} started was not given, so it was judged "
                f"{timing(r).kind.replace('_', '-')} from the symptoms.")))
    needed = referral.drug_match
    if needed is not None and verdict != "not_needed" and any(j.link.bears for j in judged):
        for key in (*sorted(needed.components), cross_reacting_group(needed)):
            if key in ALTERNATIVES:
                notes.append(Note("alternative", ALTERNATIVES[key]))
    if pen_fast is not None and pediatric:
        notes.append(Note("pen_fast_adults_only", (
            "PEN-FAST was validated from age 16; under 18 this screening follows paediatric "
            "practice instead, and the score is shown for information only.")))
    elif pen_fast is not None:
        if pen_fast.time_unknown:
            notes.append(Note("pen_fast_time_unknown", (
                "When a penicillin reaction happened is unknown, so PEN-FAST counts it as "
                "within five years (2 points), to be safe.")))
        if pen_fast.treatment_unknown:
            notes.append(Note("pen_fast_treatment_unknown", (
                "Whether the penicillin reaction needed treatment is not known: by the "
                "PEN-FAST rule that counts as treatment required (1 point).")))
    return list(dict.fromkeys(notes))


def _closest(text: str) -> str:
    """The nearest names we know, offered as choices, never as the answer."""
    names = [m.name for m in suggest_drugs(text, CHOICES_OFFERED)]
    return f" Closest names we know: {', '.join(names)}." if names else ""


def _other_drug_note(r: ReactionInput, needed: DrugMatch) -> Note:
    if likely_toxicity(r):
        return Note("other_drug_side_effect", (
            f"What happened after {r.drug} may be a known side effect rather than an allergy: "
            "tell the allergist and the treating oncologist."))
    severe = severe_delayed(r)
    if severe:
        group = cross_reacting_group(r.drug_match)
        also = f" and other {group}" if group else ""
        return Note("other_drug_severe_reaction", (
            f"Also tell the allergist: severe reaction ({severe}) to {r.drug}; avoid "
            f"{r.drug}{also}. It is not a known cross-reaction with "
            f"{in_sentence(needed.name)} (the allergist should confirm), so it does not change "
            "this screening."))
    return Note("other_drug_reaction", (
        f"Reaction to {r.drug}, listed for the center's information: it is not a known "
        f"cross-reaction with {in_sentence(needed.name)} (the allergist should confirm)."))
