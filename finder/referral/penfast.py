"""PEN-FAST, the penicillin allergy decision rule (Trubiano JA et al., JAMA Intern Med
2020;180:745-52): derived and validated in patients aged 16 and over, for penicillin histories
only. Scores below 3 are low risk, where a direct oral challenge is considered."""
from dataclasses import dataclass
from datetime import date

from finder.drugs import is_penicillin
from finder.referral.notes import Note
from finder.referral.phenotype import SEVERE_CUTANEOUS, is_anaphylaxis
from finder.referral.schema import ReactionInput

LOW_RISK_BELOW = 3


@dataclass(frozen=True)
class PenFast:
    five_years_or_less: bool
    time_unknown: bool
    anaphylaxis_or_angioedema: bool
    severe_cutaneous_reaction: bool
    treatment_required: bool
    treatment_unknown: bool

    @property
    def score(self) -> int:
        return (2 * self.five_years_or_less
                + 2 * (self.anaphylaxis_or_angioedema or self.severe_cutaneous_reaction)
                + self.treatment_required)

    @property
    def risk(self) -> str:
        return {0: "very_low", 1: "low", 2: "low", 3: "moderate"}.get(self.score, "high")

    @property
    def low_risk(self) -> bool:
        return self.score < LOW_RISK_BELOW

    def to_dict(self) -> dict:
        return {"score": self.score, "risk": self.risk, "components": {
            "five_years_or_less": self.five_years_or_less, "time_unknown": self.time_unknown,
            "anaphylaxis_or_angioedema": self.anaphylaxis_or_angioedema,
            "severe_cutaneous_reaction": self.severe_cutaneous_reaction,
            "treatment_required": self.treatment_required,
            "treatment_unknown": self.treatment_unknown}}


def applies(reaction: ReactionInput) -> bool:
    return is_penicillin(reaction.drug_match)


def pen_fast_for(reaction: ReactionInput, today: date) -> PenFast:
    """PEN-FAST for one penicillin reaction. By the rule, treatment not known counts as
    treatment required; a time not known counts as within five years, to be safe."""
    if reaction.date is not None:
        recent, unknown = reaction.date >= _years_before(today, 5), False
    elif reaction.years_ago is not None:
        recent, unknown = reaction.years_ago <= 5, False
    else:
        recent, unknown = True, True
    return PenFast(
        five_years_or_less=recent, time_unknown=unknown,
        anaphylaxis_or_angioedema=is_anaphylaxis(reaction) or "angioedema" in reaction.symptoms,
        severe_cutaneous_reaction=bool(SEVERE_CUTANEOUS & set(reaction.symptoms)),
        treatment_required=reaction.treatment_required is not False,
        treatment_unknown=reaction.treatment_required is None,
    )


def _years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February in a year that has none
        return today.replace(year=today.year - years, day=28)


def verdict_for(score: PenFast, culprit: str, drug: str, anaphylaxis: bool
                ) -> tuple[str, Note]:
    """The verdict an adult's penicillin history gets from its score: below 3 a direct oral
    challenge, 3 skin testing first, 4-5 a likely true allergy."""
    risk = score.risk.replace("_", " ")
    if anaphylaxis and score.score <= LOW_RISK_BELOW:
        # After anaphylaxis, skin testing comes before any challenge (AAAAI/ACAAI 2022),
        # whatever the score.
        return "test_first", Note("penicillin_anaphylaxis_low_score", (
            f"PEN-FAST {score.score} for the reaction to {culprit}, but it met the criteria "
            "for anaphylaxis: skin testing comes before any challenge (AAAAI/ACAAI 2022)."))
    if score.low_risk:
        return "consider_delabelling", Note("low_risk_penicillin_history", (
            f"PEN-FAST {score.score} ({risk} risk) for the reaction to {culprit}: fewer than 3 "
            "points means a very low chance of a true penicillin allergy. The usual next step "
            "is a supervised direct oral challenge (Trubiano JA et al., JAMA Intern Med 2020; "
            "AAAAI/ACAAI 2022)."))
    if score.score == LOW_RISK_BELOW:
        return "test_first", Note("moderate_risk_penicillin_history", (
            f"PEN-FAST 3 (moderate risk) for the reaction to {culprit}: about one in five such "
            "histories is a true allergy, so skin testing comes first (Trubiano 2020)."))
    return "candidate", Note("high_risk_penicillin_history", (
        f"PEN-FAST {score.score} ({risk} risk) for the reaction to {culprit}: a true "
        f"penicillin allergy is likely. With {drug} needed, desensitization may be the option; "
        "the allergist usually skin tests first (Trubiano 2020)."))
