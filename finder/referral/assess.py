"""Screening a referral: is desensitization worth asking about, and what to take along.

`assess_referral` turns a parsed referral (see finder.referral.schema) into an Assessment: a
verdict decided by the most serious relevant reaction, PEN-FAST for penicillin reactions,
precautions, a checklist and questions for the center. It is a screening aid for patients and
GPs; the allergist decides. Pure: nothing is logged or stored.
"""
from dataclasses import dataclass
from datetime import date

from finder.drugs import DrugMatch
from finder.referral.schema import (
    CONDITIONS,
    SYMPTOMS,
    TREATMENTS,
    URGENCIES,
    PatientInput,
    ReactionInput,
    ReferralInput,
    ReferralValidationError,
    parse_referral,
)
from finder.vocabulary import ADULT_AGE

__all__ = [  # the referral API in one place; the input half lives in finder.referral.schema
    "CONDITIONS", "SYMPTOMS", "TREATMENTS", "URGENCIES", "Assessment", "Note", "PatientInput",
    "PenFast", "ReactionInput", "ReferralInput", "ReferralValidationError", "assess_referral",
    "parse_referral", "pen_fast_score",
]

# Reactions after which desensitization must never be tried: severe cutaneous adverse reactions
# and drug-induced organ inflammation are T-cell mediated, not IgE-mediated, so desensitization
# neither works nor is safe. Sources: the patient article "What Drug Desensitization Really
# Means" (L. Steele, 2026) that this project works from;
# EAACI position paper on drug desensitization (Cernadas JR et al., Allergy 2010;65:1357-66);
# ENDA/EAACI drug hypersensitivity guidance; AAAAI/ACAAI Drug Allergy Practice Parameter Update
# 2022 (Khan DA et al., Ann Allergy Asthma Immunol 2022;129:P13-P38), which list SJS, TEN,
# DRESS and AGEP among the contraindications.
NOT_DESENSITIZABLE = frozenset({"sjs", "ten", "dress", "agep", "blistering", "hepatitis",
                                "nephritis"})
SEVERE_CUTANEOUS = frozenset({"sjs", "ten", "dress", "agep", "blistering"})
# Immediate (IgE-type, mast-cell) reactions: the ones desensitization is made for.
IMMEDIATE = frozenset({"urticaria", "angioedema", "pruritus", "flushing", "bronchospasm",
                       "hypotension", "anaphylaxis"})
_SKIN_OR_MUCOSA = frozenset({"urticaria", "angioedema", "pruritus", "flushing"})
# Beta-lactams are judged together: a penicillin reaction matters when a cephalosporin is needed.
_FAMILY = {"penicillins": "beta_lactams", "cephalosporins": "beta_lactams",
           "carbapenems": "beta_lactams"}

VERDICT_SUMMARIES = {
    "candidate": "Desensitization may be an option: ask for a referral to an allergy center",
    "not_suitable": "Desensitization is not an option after this kind of reaction",
    "consider_delabelling": "You may not be allergic at all: ask about allergy testing first",
    "specialist_review": "An allergist needs to look at this history before anything else",
}


@dataclass(frozen=True)
class Note:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass(frozen=True)
class PenFast:
    """PEN-FAST penicillin allergy rule (Trubiano JA et al., JAMA Intern Med 2020;180:745-52)."""
    five_years_or_less: bool
    time_unknown: bool
    anaphylaxis_or_angioedema: bool
    severe_cutaneous_reaction: bool
    treatment_required: bool

    @property
    def score(self) -> int:
        return (2 * self.five_years_or_less
                + 2 * (self.anaphylaxis_or_angioedema or self.severe_cutaneous_reaction)
                + self.treatment_required)

    @property
    def risk(self) -> str:
        return {0: "very_low", 1: "low", 2: "low", 3: "moderate"}.get(self.score, "high")

    def to_dict(self) -> dict:
        return {"score": self.score, "risk": self.risk, "components": {
            "five_years_or_less": self.five_years_or_less, "time_unknown": self.time_unknown,
            "anaphylaxis_or_angioedema": self.anaphylaxis_or_angioedema,
            "severe_cutaneous_reaction": self.severe_cutaneous_reaction,
            "treatment_required": self.treatment_required}}


@dataclass
class Assessment:
    verdict: str  # candidate | not_suitable | consider_delabelling | specialist_review
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
        return VERDICT_SUMMARIES[self.verdict]

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
    return match.drug_class.code if match else None


def is_penicillin_reaction(reaction: ReactionInput) -> bool:
    return class_code(reaction.drug_match) == "penicillins"


def looks_like_anaphylaxis(symptoms) -> bool:
    """Anaphylaxis by name or by the NIAID/FAAN criteria (Sampson HA et al., J Allergy Clin
    Immunol 2006;117:391-7): low blood pressure after exposure, or skin/mucosal signs together
    with breathing trouble. GPs often tick the signs without the word."""
    s = set(symptoms)
    return ("anaphylaxis" in s or "hypotension" in s
            or (bool(s & _SKIN_OR_MUCOSA) and "bronchospasm" in s))


def pen_fast_for(reaction: ReactionInput, today: date) -> PenFast:
    """PEN-FAST for one penicillin reaction. An unknown time counts as recent (2 points)."""
    if reaction.date is not None:
        recent, unknown = reaction.date >= _years_before(today, 5), False
    elif reaction.years_ago is not None:
        recent, unknown = reaction.years_ago <= 5, False
    else:
        recent, unknown = True, True
    return PenFast(
        five_years_or_less=recent, time_unknown=unknown,
        anaphylaxis_or_angioedema=looks_like_anaphylaxis(reaction.symptoms)
        or "angioedema" in reaction.symptoms,
        severe_cutaneous_reaction=bool(SEVERE_CUTANEOUS & set(reaction.symptoms)),
        treatment_required=bool(reaction.treatment_required),  # None: not known
    )


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def pen_fast_score(reactions, today: date) -> PenFast | None:
    """The highest PEN-FAST over the penicillin reactions, or None if there are none."""
    scores = [pen_fast_for(r, today) for r in reactions if is_penicillin_reaction(r)]
    return max(scores, key=lambda p: p.score, default=None)


def is_related(reaction: ReactionInput, needed: DrugMatch | None) -> bool:
    """Whether a reaction bears on the drug needed: same class (beta-lactams together); an
    unrecognised name on either side cannot be ruled out, so it counts."""
    mine, theirs = class_code(reaction.drug_match), class_code(needed)
    if mine is None or theirs is None:
        return True
    return _FAMILY.get(mine, mine) == _FAMILY.get(theirs, theirs)


def has_aerd(referral: ReferralInput) -> bool:
    """The aerd flag when given; otherwise inferred from a wheezy NSAID reaction in asthma."""
    if referral.aerd is not None:
        return referral.aerd
    return referral.patient.asthma and any(
        class_code(r.drug_match) == "aspirin_nsaids" and "bronchospasm" in r.symptoms
        for r in referral.reactions)


def assess_referral(referral: ReferralInput, today: date) -> Assessment:
    """The screening result for one referral; the most serious related reaction decides."""
    pen_fast = pen_fast_score(referral.reactions, today)
    verdict, reasons = _verdict(referral, pen_fast)
    reasons += _notes(referral, pen_fast)
    pediatric = referral.patient.age_years < ADULT_AGE
    return Assessment(
        verdict=verdict, reasons=reasons, pen_fast=pen_fast, drug=referral.drug,
        drug_match=referral.drug_match, pediatric=pediatric,
        precautions=_precautions(referral, verdict, pediatric),
        checklist=list(CHECKLIST), questions_for_center=_questions(referral, pediatric),
    )


def _verdict(referral: ReferralInput, pen_fast: PenFast | None) -> tuple[str, list[Note]]:
    needed = referral.drug_match
    related = [r for r in referral.reactions if is_related(r, needed)]
    # The rule, read literally and on purpose: ANY reaction with SJS/TEN/DRESS/AGEP,
    # blistering or drug-induced organ inflammation makes the verdict not_suitable, even when it
    # was to another drug: these T-cell reactions are absolute contraindications to drug
    # challenge and desensitization (article; EAACI/ENDA position paper on drug desensitization;
    # AAAAI/ACAAI Drug Allergy Practice Parameter 2022), and deciding that an unrelated drug is
    # safe to step up is an allergist's call, never this app's.
    severe = [r for r in referral.reactions if NOT_DESENSITIZABLE & set(r.symptoms)]
    if severe:
        other_drug = not any(r in related for r in severe)
        return "not_suitable", [Note("severe_delayed_reaction", (
            "A past reaction involved severe skin blistering or peeling (such as Stevens-Johnson "
            "syndrome, TEN, DRESS or AGEP) or inflammation of the liver or kidneys. These "
            "reactions are not IgE-mediated and desensitization must not be tried. An allergist "
            "should advise on safe alternative treatments."
            + (f" The severe reaction was to {severe[0].drug}, a different drug from the one "
               "needed: only an allergist can judge whether any desensitization is safe."
               if other_drug else "")))]
    if needed is None:
        return "specialist_review", [Note("unknown_drug", (
            "We did not recognise the drug needed, so we cannot say whether it can be "
            "desensitized. An allergist can advise."))]
    if has_aerd(referral) and needed.drug_class.code == "aspirin_nsaids":
        return "candidate", [Note("aerd", (
            "Aspirin/NSAID-exacerbated respiratory disease: the reactions are not IgE-mediated, "
            "yet aspirin desensitization works and can reduce flare-ups in the long term."))]
    if not referral.reactions:
        return "specialist_review", [Note("no_reactions", (
            "No past reaction was described. An allergist needs the reaction history before "
            "deciding whether desensitization is needed."))]
    if not related:
        return "specialist_review", [Note("no_related_reaction", (
            f"None of the reactions described was to {needed.drug_class.name.lower()} or a "
            "related drug. An allergist should review whether desensitization is needed."))]
    active = [r for r in related if not r.tolerated_since]
    if not active:
        return "specialist_review", [Note("tolerated_since", (
            "The drug was taken again without a reaction after each past reaction. It may not "
            "need desensitization at all; an allergist should confirm."))]
    only_penicillin = all(is_penicillin_reaction(r) for r in active)
    if pen_fast is not None and pen_fast.score < 3 and only_penicillin:
        return "consider_delabelling", [Note("low_risk_penicillin_history", (
            f"PEN-FAST score {pen_fast.score} ({pen_fast.risk.replace('_', ' ')} risk): many "
            "people with this history are not truly allergic to penicillin. Ask for an allergy "
            "assessment and possibly a supervised oral challenge, rather than desensitization."))]
    if any(IMMEDIATE & set(r.symptoms) for r in active):
        return "candidate", [Note("immediate_reaction", (
            "The past reaction looks immediate (IgE-type: hives, swelling, wheeze, low blood "
            "pressure or anaphylaxis). This is the kind of reaction desensitization is made for, "
            "when the drug is needed and there is no good alternative."))]
    return "specialist_review", [Note("unclear_history", (
        "The reaction does not clearly fit an immediate allergy or a reaction that rules "
        "desensitization out. An allergist needs to review the history."))]


def _notes(referral: ReferralInput, pen_fast: PenFast | None) -> list[Note]:
    """Side remarks that do not change the verdict but the allergist should hear."""
    notes = []
    if any(r.tolerated_since for r in referral.reactions) and not all(
            r.tolerated_since for r in referral.reactions):
        notes.append(Note("some_tolerated_since", (
            "One of the drugs was taken again since without a reaction: tell the allergist.")))
    if pen_fast is not None and pen_fast.time_unknown:
        notes.append(Note("pen_fast_time_unknown", (
            "When a penicillin reaction happened is unknown, so PEN-FAST counts it as within "
            "five years (2 points), to be safe.")))
    return notes


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


def _precautions(referral: ReferralInput, verdict: str, pediatric: bool) -> list[Note]:
    patient = referral.patient
    notes = [Note(code, text) for code, text in _CONDITION_PRECAUTIONS.items()
             if getattr(patient, code)]
    if pediatric:
        notes.append(Note("pediatric", "Under 18: look for a center that treats children "
                          "(pediatric allergy support)."))
    if verdict in ("candidate", "specialist_review"):
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


def _questions(referral: ReferralInput, pediatric: bool) -> list[dict]:
    """Questions to ask a center, coded so a center's known answer can be attached later."""
    match = referral.drug_match
    drug_class = match.drug_class.name.lower() if match else "this drug"
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
