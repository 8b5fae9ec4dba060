"""Referral screening: parsing, verdicts, PEN-FAST, precautions and the questions to ask."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.referral.assess import (
    ReferralValidationError,
    assess_referral,
    parse_referral,
    pen_fast_score,
)

TODAY = date(2026, 1, 15)


def reaction(drug="carboplatin", symptoms=("urticaria",), **fields):
    return {"drug": drug, "symptoms": list(symptoms), **fields}


def referral(drug="carboplatin", reactions=None, age=54, **fields):
    patient = {"age_years": age}
    for flag in ("asthma", "pregnancy", "beta_blocker", "cardiovascular_disease", "mastocytosis"):
        if flag in fields:
            patient[flag] = fields.pop(flag)
    data = {"drug": drug, "urgency": "routine", "patient": patient,
            "reactions": [reaction(drug)] if reactions is None else reactions}
    return {**data, **fields}


def assess(data):
    return assess_referral(parse_referral(data, TODAY), TODAY)


# --- verdicts -------------------------------------------------------------------------------

@pytest.mark.parametrize("symptom", ["sjs", "ten", "dress", "agep", "blistering", "hepatitis",
                                     "nephritis"])
def test_severe_delayed_reaction_is_not_suitable(symptom):
    result = assess(referral(reactions=[reaction(symptoms=["rash", symptom])]))
    assert result.verdict == "not_suitable"
    assert result.reasons[0].code == "severe_delayed_reaction"
    assert "must not" in result.reasons[0].message
    assert result.verdict_summary == "Desensitization is not an option after this kind of reaction"


@pytest.mark.parametrize("symptoms", [
    ["urticaria"], ["angioedema"], ["bronchospasm"], ["hypotension"], ["anaphylaxis"],
    ["flushing"], ["pruritus"], ["urticaria", "gastrointestinal"],
])
def test_immediate_reaction_is_candidate(symptoms):
    result = assess(referral(reactions=[reaction(symptoms=symptoms, years_ago=1)]))
    assert (result.verdict, result.reasons[0].code) == ("candidate", "immediate_reaction")


@pytest.mark.parametrize("symptoms", [["rash"], ["fever"], ["other"], ["cytopenia"],
                                      ["serum_sickness"], ["gastrointestinal"]])
def test_unclear_history_needs_specialist_review(symptoms):
    result = assess(referral(reactions=[reaction(symptoms=symptoms)]))
    assert (result.verdict, result.reasons[0].code) == ("specialist_review", "unclear_history")


def test_no_reactions_needs_specialist_review():
    result = assess(referral(reactions=[]))
    assert (result.verdict, result.reasons[0].code) == ("specialist_review", "no_reactions")


def test_unknown_drug_needs_specialist_review():
    data = referral(drug="qwxzvtrublamab", reactions=[reaction("qwxzvtrublamab", ["anaphylaxis"])])
    result = assess(data)
    assert (result.verdict, result.reasons[0].code) == ("specialist_review", "unknown_drug")
    assert result.to_dict()["drug"] is None


def test_unknown_drug_with_sjs_is_still_not_suitable():
    data = referral(drug="qwxzvtrublamab", reactions=[reaction("qwxzvtrublamab", ["sjs"])])
    assert assess(data).verdict == "not_suitable"


def test_reactions_only_to_an_unrelated_class_need_specialist_review():
    result = assess(referral(reactions=[reaction("ibuprofen", ["anaphylaxis"])]))
    assert (result.verdict, result.reasons[0].code) == ("specialist_review", "no_related_reaction")


def test_sjs_to_any_drug_is_not_suitable_and_names_that_drug():
    result = assess(referral(reactions=[reaction("carboplatin", ["anaphylaxis"]),
                                        reaction("ibuprofen", ["sjs"])]))
    assert result.verdict == "not_suitable"
    assert "ibuprofen" in result.reasons[0].message


def test_every_reaction_tolerated_since_needs_specialist_review():
    result = assess(referral(reactions=[reaction(symptoms=["anaphylaxis"], tolerated_since=True)]))
    assert (result.verdict, result.reasons[0].code) == ("specialist_review", "tolerated_since")


def test_one_reaction_tolerated_since_leaves_the_other_to_decide():
    result = assess(referral(reactions=[
        reaction(symptoms=["urticaria"], tolerated_since=True),
        reaction("carboplatin", ["anaphylaxis"]),
    ]))
    assert result.verdict == "candidate"
    assert "some_tolerated_since" in [n.code for n in result.reasons]


@pytest.mark.parametrize("symptom_sets, verdict", [
    ([["rash"], ["urticaria"]], "candidate"),
    ([["urticaria"], ["sjs"]], "not_suitable"),
    ([["anaphylaxis"], ["dress"], ["fever"]], "not_suitable"),
    ([["fever"], ["other"], ["hypotension"]], "candidate"),
])
def test_the_most_serious_reaction_decides(symptom_sets, verdict):
    reactions = [reaction(symptoms=s) for s in symptom_sets]
    assert assess(referral(reactions=reactions)).verdict == verdict


def test_cephalosporin_needed_after_penicillin_anaphylaxis_counts_the_penicillin_reaction():
    data = referral(drug="cefazolin", reactions=[reaction("amoxicillin", ["anaphylaxis"],
                                                          years_ago=1)])
    assert assess(data).verdict == "candidate"


# --- AERD -----------------------------------------------------------------------------------

def test_aerd_is_inferred_from_nsaid_bronchospasm_in_asthma():
    data = referral(drug="aspirin", asthma=True,
                    reactions=[reaction("ibuprofen", ["bronchospasm"])])
    result = assess(data)
    assert (result.verdict, result.reasons[0].code) == ("candidate", "aerd")


def test_aerd_flag_makes_aspirin_a_candidate_without_listed_reactions():
    result = assess(referral(drug="aspirin", aerd=True, reactions=[]))
    assert (result.verdict, result.reasons[0].code) == ("candidate", "aerd")


def test_aerd_is_not_inferred_without_asthma():
    data = referral(drug="aspirin", reactions=[reaction("ibuprofen", ["bronchospasm"])])
    assert assess(data).reasons[0].code == "immediate_reaction"


# --- PEN-FAST -------------------------------------------------------------------------------

PEN_FAST_CASES = [
    # (reaction fields, score, risk)
    ({"symptoms": ["rash"], "years_ago": 10}, 0, "very_low"),
    ({"symptoms": ["rash"], "years_ago": 10, "treatment_required": True}, 1, "low"),
    ({"symptoms": ["rash"], "years_ago": 5}, 2, "low"),
    ({"symptoms": ["rash"], "date": "2024-06-01", "treatments": ["antihistamine"]}, 3, "moderate"),
    ({"symptoms": ["angioedema"], "years_ago": 2}, 4, "high"),
    ({"symptoms": ["anaphylaxis"], "years_ago": 2, "treatments": ["adrenaline"]}, 5, "high"),
]


@pytest.mark.parametrize("fields, score, risk", PEN_FAST_CASES)
def test_pen_fast_scores_each_level(fields, score, risk):
    result = assess(referral(drug="amoxicillin", reactions=[{"drug": "amoxicillin", **fields}]))
    assert result.to_dict()["pen_fast"]["score"] == score
    assert result.pen_fast.risk == risk


@pytest.mark.parametrize("fields, score, _risk", PEN_FAST_CASES)
def test_low_pen_fast_penicillin_history_suggests_delabelling(fields, score, _risk):
    result = assess(referral(drug="amoxicillin", reactions=[{"drug": "amoxicillin", **fields}]))
    if score < 3:
        assert result.verdict == "consider_delabelling"
    else:
        assert result.verdict != "consider_delabelling"


def test_urticaria_long_ago_without_treatment_is_delabelling_not_desensitization():
    result = assess(referral(drug="amoxicillin",
                             reactions=[reaction("amoxicillin", ["urticaria"], years_ago=20)]))
    assert result.verdict == "consider_delabelling"
    assert result.reasons[0].code == "low_risk_penicillin_history"


def test_pen_fast_counts_unknown_time_as_recent_and_says_so():
    result = assess(referral(drug="amoxicillin",
                             reactions=[reaction("amoxicillin", ["urticaria"])]))
    components = result.to_dict()["pen_fast"]["components"]
    assert components["five_years_or_less"] and components["time_unknown"]
    assert "pen_fast_time_unknown" in [n.code for n in result.reasons]


@pytest.mark.parametrize("when, recent", [
    ("2021-01-15", True), ("2021-01-14", False), ("2025-12-31", True), ("2001-01-01", False),
])
def test_pen_fast_five_year_boundary(when, recent):
    parsed = parse_referral(referral(drug="amoxicillin",
                                     reactions=[reaction("amoxicillin", ["rash"], date=when)]),
                            TODAY)
    assert pen_fast_score(parsed.reactions, TODAY).five_years_or_less is recent


def test_pen_fast_takes_the_highest_scoring_penicillin_reaction():
    result = assess(referral(drug="amoxicillin", reactions=[
        reaction("amoxicillin", ["rash"], years_ago=30),
        reaction("penicillin", ["anaphylaxis"], years_ago=1, treatments=["adrenaline"]),
        reaction("carboplatin", ["anaphylaxis"], years_ago=1),
    ]))
    assert result.pen_fast.score == 5


def test_pen_fast_sees_anaphylaxis_from_its_signs():
    result = assess(referral(drug="amoxicillin", reactions=[
        reaction("amoxicillin", ["urticaria", "bronchospasm"], years_ago=30)]))
    assert result.pen_fast.anaphylaxis_or_angioedema


def test_pen_fast_with_scar_is_computed_but_verdict_is_not_suitable():
    result = assess(referral(drug="amoxicillin",
                             reactions=[reaction("amoxicillin", ["sjs"], years_ago=30)]))
    assert result.pen_fast.severe_cutaneous_reaction and result.pen_fast.score == 2
    assert result.verdict == "not_suitable"


def test_no_pen_fast_without_a_penicillin_reaction():
    assert assess(referral()).to_dict()["pen_fast"] is None


# --- precautions, checklist, questions -----------------------------------------------------

@pytest.mark.parametrize("flag, code, words", [
    ("asthma", "asthma", "spirometry"),
    ("beta_blocker", "beta_blocker", "beta-blocker"),
    ("pregnancy", "pregnancy", "Pregnancy"),
    ("cardiovascular_disease", "cardiovascular_disease", "Heart"),
    ("mastocytosis", "mastocytosis", "Mastocytosis"),
])
def test_conditions_bring_their_precaution(flag, code, words):
    precautions = {n.code: n.message for n in assess(referral(**{flag: True})).precautions}
    assert words in precautions[code]
    assert code not in {n.code for n in assess(referral()).precautions}


@pytest.mark.parametrize("age, pediatric", [(0, True), (17, True), (18, False), (80, False)])
def test_children_get_the_pediatric_precaution_and_question(age, pediatric):
    result = assess(referral(age=age))
    assert result.pediatric is pediatric
    assert ("pediatric" in {n.code for n in result.precautions}) is pediatric
    assert ("children" in {q["code"] for q in result.questions_for_center}) is pediatric


def test_candidate_learns_the_protocol_facts_and_never_to_try_at_home():
    codes = [n.code for n in assess(referral()).precautions]
    for code in ("iv_protocol", "oral_protocol", "temporary_tolerance", "hospital_only"):
        assert code in codes
    message = {n.code: n.message for n in assess(referral()).precautions}
    assert "24-48 hours" in message["temporary_tolerance"]
    assert "1/10,000" in message["iv_protocol"]


def test_not_suitable_still_says_hospital_only_but_skips_protocol_facts():
    codes = [n.code for n in assess(referral(reactions=[reaction(symptoms=["ten"])])).precautions]
    assert "hospital_only" in codes and "iv_protocol" not in codes


def test_questions_are_coded_and_name_the_drug_class():
    questions = assess(referral()).questions_for_center
    assert [q["code"] for q in questions] == [
        "procedures_per_year", "drug_class", "protocol", "emergency", "reaction_plan", "wait",
        "telehealth", "paperwork"]
    assert "platinum" in questions[1]["question"].lower()


def test_checklist_covers_history_drug_and_medicines():
    text = " ".join(assess(referral()).checklist).lower()
    for words in ("when", "symptoms", "treatment", "drug you need", "medicines"):
        assert words in text


def test_to_dict_has_exactly_the_contract_keys():
    data = assess(referral(drug="amoxicillin",
                           reactions=[reaction("amoxicillin", years_ago=1)])).to_dict()
    assert set(data) == {"verdict", "verdict_summary", "reasons", "pen_fast", "drug",
                         "pediatric", "precautions", "checklist", "questions_for_center"}
    assert set(data["pen_fast"]) == {"score", "risk", "components"}
    assert data["drug"]["typed"] == "amoxicillin"
    assert all(set(r) == {"code", "message"} for r in data["reasons"] + data["precautions"])


def test_nothing_tells_a_patient_to_self_desensitize():
    for data in (referral(), referral(reactions=[]), referral(drug="amoxicillin")):
        text = str(assess(data).to_dict()).lower()
        assert "at home" not in text.replace("never try taking small doses at home", "")


# --- parsing and validation -----------------------------------------------------------------

def test_parse_reads_the_documented_example():
    parsed = parse_referral({
        "drug": "carboplatin", "indication": "ovarian cancer", "urgency": "routine",
        "patient": {"age_years": 54, "asthma": False, "pregnancy": False, "beta_blocker": False,
                    "cardiovascular_disease": False, "mastocytosis": False},
        "reactions": [{"drug": "carboplatin", "date": "2025-03-01", "years_ago": None,
                       "symptoms": ["urticaria", "hypotension"], "treatment_required": True,
                       "treatments": ["adrenaline"], "tolerated_since": False}],
        "location": "Broken Hill NSW"}, TODAY)
    assert parsed.drug_match.drug_class.code == "platinum"
    assert parsed.reactions[0].date == date(2025, 3, 1)
    assert parsed.location == "Broken Hill NSW"
    assert parsed.reactions[0].symptoms == ("urticaria", "hypotension")


def test_listing_a_treatment_means_treatment_was_required():
    parsed = parse_referral(referral(reactions=[reaction(treatments=["antihistamine"])]), TODAY)
    assert parsed.reactions[0].treatment_required


def with_reaction(**fields):
    return referral(reactions=[reaction(), reaction(), reaction(**fields)])


def errors_of(data):
    with pytest.raises(ReferralValidationError) as caught:
        parse_referral(data, TODAY)
    return caught.value.errors


@pytest.mark.parametrize("data, path, words", [
    (with_reaction(date="2026-01-16"), "reactions[2].date", "future"),
    (with_reaction(date="15/01/2020"), "reactions[2].date", "YYYY-MM-DD"),
    (with_reaction(date="20200115"), "reactions[2].date", "YYYY-MM-DD"),
    (with_reaction(date="2023-02-30"), "reactions[2].date", "real date"),
    (with_reaction(date=20200115), "reactions[2].date", "YYYY-MM-DD"),
    (with_reaction(date="2020-01-01", years_ago=6), "reactions[2].years_ago", "not both"),
    (with_reaction(years_ago=-1), "reactions[2].years_ago", "between"),
    (with_reaction(years_ago=121), "reactions[2].years_ago", "between"),
    (with_reaction(years_ago=True), "reactions[2].years_ago", "whole number"),
    (with_reaction(years_ago=2.5), "reactions[2].years_ago", "whole number"),
    (with_reaction(symptoms=["hives"]), "reactions[2].symptoms", "Unknown"),
    (with_reaction(symptoms=[]), "reactions[2].symptoms", "at least one"),
    (referral(reactions=[{"drug": "x", "symptoms": "urticaria"}]), "reactions[0].symptoms", "list"),
    (with_reaction(treatments=["epipen"]), "reactions[2].treatments", "Unknown"),
    (with_reaction(treatment_required="yes"), "reactions[2].treatment_required", "true or false"),
    (with_reaction(tolerated_since=1), "reactions[2].tolerated_since", "true or false"),
    (with_reaction(drug=None), "reactions[2].drug", "required"),
    (with_reaction(drug="x" * 201), "reactions[2].drug", "200"),
    (referral(reactions=[reaction()] * 21), "reactions", "at most 20 reactions"),
    (referral(reactions={"drug": "x"}), "reactions", "list"),
    (referral(reactions=["carboplatin"]), "reactions[0]", "object"),
    (referral(age=-1), "patient.age_years", "between"),
    (referral(age=121), "patient.age_years", "between"),
    (referral(age=True), "patient.age_years", "whole number"),
    (referral(age="54"), "patient.age_years", "whole number"),
    (referral(age=None), "patient.age_years", "required"),
    (referral(asthma="no"), "patient.asthma", "true or false"),
    ({"drug": "carboplatin", "reactions": []}, "patient", "required"),
    (referral(patient=[54]), "patient", "object"),
    (referral(drug=None), "drug", "required"),
    (referral(drug="   "), "drug", "required"),
    (referral(drug=42), "drug", "text"),
    (referral(drug="x" * 201), "drug", "200"),
    (referral(indication="x" * 201), "indication", "200"),
    (referral(location=["Dubbo"]), "location", "text"),
    (referral(urgency="tomorrow"), "urgency", "routine"),
    (referral(urgency=["urgent"]), "urgency", "routine"),
    (referral(aerd="yes"), "aerd", "true or false"),
    ([], "", "object"),
])
def test_bad_input_is_reported_at_its_field(data, path, words):
    errors = errors_of(data)
    assert path in errors, errors
    assert words.lower() in errors[path].lower()


def test_exactly_twenty_reactions_are_allowed():
    assert len(parse_referral(referral(reactions=[reaction()] * 20), TODAY).reactions) == 20


def test_every_error_is_reported_at_once():
    errors = errors_of(referral(drug=None, age=200, reactions=[reaction(symptoms=["x"])]))
    assert {"drug", "patient.age_years", "reactions[0].symptoms"} <= set(errors)


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=20), children, max_size=5),
    max_leaves=30,
)
keys = st.sampled_from(["drug", "indication", "urgency", "patient", "reactions", "location",
                        "aerd", "age_years", "asthma", "symptoms", "treatments", "date",
                        "years_ago", "treatment_required", "tolerated_since"])
known_shaped = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.sampled_from(
        ["carboplatin", "amoxicillin", "urticaria", "sjs", "adrenaline", "2020-01-01",
         "2099-01-01", "routine", ""]),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(keys, children, max_size=8),
    max_leaves=40,
)


@settings(deadline=None, max_examples=300)
@given(st.one_of(json_like, known_shaped))
def test_parse_never_raises_anything_but_validation_error(data):
    try:
        parsed = parse_referral(data, TODAY)
    except ReferralValidationError as error:
        assert error.errors and all(isinstance(m, str) for m in error.errors.values())
    else:
        assess_referral(parsed, TODAY).to_dict()
