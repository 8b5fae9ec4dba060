"""Invariants of the screening over generated histories: a reaction to an unrelated drug never
blocks the drug needed, and never turns "not needed" into anything but "not needed" or
"specialist review"."""
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from finder.drugs import drug_entries
from finder.referral.assess import (
    ONSETS,
    SYMPTOMS,
    assess_referral,
    nsaid_cross_reactive,
    parse_referral,
)
from finder.referral.crossreactivity import Relation, link
from finder.referral.judge import given_in_theatre

TODAY = date(2026, 1, 15)
GENERICS = sorted({e.generic for e in drug_entries()})

reactions = st.fixed_dictionaries({
    "drug": st.sampled_from(GENERICS + ["zorbex"]),
    "symptoms": st.lists(st.sampled_from(list(SYMPTOMS)), min_size=1, max_size=4, unique=True),
    "onset": st.sampled_from(list(ONSETS)),
    "years_ago": st.none() | st.integers(0, 40),
    "treatment_required": st.none() | st.booleans(),
    "tolerated_since": st.booleans(),
    "perioperative": st.booleans(),
})
patients = st.fixed_dictionaries({
    "age_years": st.integers(0, 90), "asthma": st.booleans(), "hiv": st.booleans(),
    "cystic_fibrosis": st.booleans()})


def assess(drug, patient, reaction_list):
    data = {"drug": drug, "patient": patient, "reactions": reaction_list}
    parsed = parse_referral(data, TODAY)
    return parsed, assess_referral(parsed, TODAY)


def unrelated(parsed, reaction_dict) -> bool:
    """The added reaction's culprit is recognised and does not cross-react with the drug
    needed, in the context of the whole referral."""
    added = parse_referral({"drug": reaction_dict["drug"], "patient": {"age_years": 30}},
                           TODAY).drug_match
    # Around an anaesthetic every agent given is a suspect until tested (ISPAR 2019).
    theatre = given_in_theatre(parsed.drug_match) and (
        reaction_dict["perioperative"] or added is not None
        and added.atc.startswith(("M03A", "N01A", "V03AB35")))
    return added is not None and not theatre and link(
        added, parsed.drug_match, nsaid_cross_reactive=nsaid_cross_reactive(parsed)
    ).relation is Relation.NONE


@settings(max_examples=250, deadline=None)
@given(st.sampled_from(GENERICS), patients, st.lists(reactions, max_size=3), reactions)
def test_an_unrelated_drug_never_makes_the_drug_needed_not_suitable(drug, patient, base, extra):
    before_parsed, before = assess(drug, patient, base)
    after_parsed, after = assess(drug, patient, [*base, extra])
    if not unrelated(after_parsed, extra) or not unrelated(before_parsed, extra):
        return
    if after.verdict == "not_suitable":
        assert before.verdict == "not_suitable"
    if before.verdict == "not_needed":
        assert after.verdict in ("not_needed", "specialist_review")
    if nsaid_cross_reactive(before_parsed) == nsaid_cross_reactive(after_parsed):
        # An unrelated reaction adds a note, never a different verdict.
        assert after.verdict == before.verdict


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GENERICS), patients, st.lists(reactions, min_size=1, max_size=4))
def test_only_unrelated_reactions_never_block_and_say_whom_to_avoid(drug, patient, reaction_list):
    parsed, result = assess(drug, patient, reaction_list)
    if not all(unrelated(parsed, r) for r in reaction_list):
        return
    assert result.verdict == "not_needed"
    text = " ".join(n.message for n in result.reasons)
    for reaction in parsed.reactions:
        if set(reaction.symptoms) & {"sjs", "ten", "dress", "agep"}:
            assert f"avoid {reaction.drug}" in text


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GENERICS), patients, st.lists(reactions, max_size=4))
def test_no_text_ever_says_do_not_take_and_pen_fast_is_null_when_not_suitable(
        drug, patient, reaction_list):
    _, result = assess(drug, patient, reaction_list)
    assert "do not take" not in str(result.to_dict()).lower()
    if result.verdict == "not_suitable":
        assert result.to_dict()["pen_fast"] is None
    assert result.reasons  # every verdict says why
