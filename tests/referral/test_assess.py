"""Referral screening: PEN-FAST, timing, notes, precautions, questions, parsing and validation.
The clinical verdicts are in test_assess_cases.py; invariants in test_assess_properties.py."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finder.referral.assess import (
    VERDICTS,
    ReferralValidationError,
    assess_referral,
    parse_referral,
)
from finder.referral.penfast import pen_fast_for
from finder.referral.phenotype import is_anaphylaxis, timing

TODAY = date(2026, 1, 15)


def reaction(drug="carboplatin", symptoms=("urticaria",), onset="under_1h", **fields):
    return {"drug": drug, "symptoms": list(symptoms), "onset": onset, **fields}


def referral(drug="carboplatin", reactions=None, age=54, **fields):
    patient = {"age_years": age}
    for flag in ("asthma", "pregnancy", "beta_blocker", "cardiovascular_disease", "mastocytosis",
                 "hiv", "cystic_fibrosis"):
        if flag in fields:
            patient[flag] = fields.pop(flag)
    data = {"drug": drug, "urgency": "routine", "patient": patient,
            "reactions": [reaction(drug)] if reactions is None else reactions}
    return {**data, **fields}


def assess(data):
    return assess_referral(parse_referral(data, TODAY), TODAY)


def parsed_reaction(**fields):
    return parse_referral(referral(reactions=[reaction(**fields)]), TODAY).reactions[0]


# --- timing and anaphylaxis -----------------------------------------------------------------

@pytest.mark.parametrize(("onset", "kind"), [
    ("under_1h", "immediate"), ("1_to_6h", "immediate"), ("6_to_24h", "non_immediate"),
    ("1_to_7_days", "non_immediate"), ("over_7_days", "non_immediate"),
])
def test_timing_follows_the_onset_whatever_the_symptoms(onset, kind):
    # Itching and a rash look "immediate" to a symptom guess; the onset decides.
    found = timing(parsed_reaction(symptoms=["pruritus", "urticaria"], onset=onset))
    assert (found.kind, found.from_symptoms) == (kind, False)


@pytest.mark.parametrize(("symptoms", "kind"), [
    (["urticaria"], "immediate"), (["anaphylaxis"], "immediate"), (["sjs"], "non_immediate"),
    (["rash"], "unclear"), (["pruritus"], "unclear"), (["other"], "unclear"),
])
def test_with_onset_unknown_the_symptoms_decide_and_say_so(symptoms, kind):
    found = timing(parsed_reaction(symptoms=symptoms, onset="unknown"))
    assert (found.kind, found.from_symptoms) == (kind, True)


def test_a_reaction_judged_from_symptoms_says_so():
    result = assess(referral(reactions=[reaction(symptoms=["anaphylaxis"], onset="unknown")]))
    assert "onset_not_given" in [n.code for n in result.reasons]
    assert "onset_not_given" not in [n.code for n in assess(referral()).reasons]


@pytest.mark.parametrize(("symptoms", "expected"), [
    (["anaphylaxis"], True),
    (["bronchospasm", "gastrointestinal"], True),    # respiratory + persistent GI
    (["urticaria", "gastrointestinal"], True),       # skin + GI (NIAID/FAAN)
    (["urticaria", "bronchospasm"], True),
    (["hypotension"], False),    # alone: anaphylaxis only after a known allergen
    (["bronchospasm"], False),
    (["chest_tightness", "urticaria"], False),       # a tight chest is not proven wheeze
    (["fainting"], False),                           # a faint is not anaphylaxis
    (["fainting", "pruritus"], False),
    (["urticaria", "angioedema", "pruritus", "flushing"], False),  # one organ system
    (["gastrointestinal"], False),
])
def test_anaphylaxis_by_the_wao_and_niaid_criteria(symptoms, expected):
    assert is_anaphylaxis(parsed_reaction(symptoms=symptoms)) is expected


def test_anaphylaxis_needs_a_sudden_onset():
    assert not is_anaphylaxis(parsed_reaction(symptoms=["urticaria", "hypotension"],
                                              onset="1_to_7_days"))


# --- PEN-FAST -------------------------------------------------------------------------------

PEN_FAST_CASES = [
    # (reaction fields, score, risk)
    ({"symptoms": ["rash"], "years_ago": 10, "treatment_required": False}, 0, "very_low"),
    ({"symptoms": ["rash"], "years_ago": 10, "treatment_required": True}, 1, "low"),
    ({"symptoms": ["rash"], "years_ago": 10}, 1, "low"),  # treatment not known counts
    ({"symptoms": ["rash"], "years_ago": 5, "treatment_required": False}, 2, "low"),
    ({"symptoms": ["rash"], "date": "2024-06-01", "treatments": ["antihistamine"]}, 3, "moderate"),
    ({"symptoms": ["angioedema"], "years_ago": 2, "treatment_required": False}, 4, "high"),
    ({"symptoms": ["anaphylaxis"], "years_ago": 2, "treatments": ["adrenaline"]}, 5, "high"),
    # Bronchospasm with vomiting is anaphylaxis by the criteria, so it scores.
    ({"symptoms": ["bronchospasm", "gastrointestinal"], "years_ago": 10,
      "treatment_required": False}, 2, "low"),
]


@pytest.mark.parametrize("fields, score, risk", PEN_FAST_CASES)
def test_pen_fast_scores_each_level(fields, score, risk):
    result = assess(referral(drug="amoxicillin", reactions=[reaction("amoxicillin", **fields)]))
    assert result.to_dict()["pen_fast"]["score"] == score
    assert result.pen_fast.risk == risk


@pytest.mark.parametrize("fields, score, _risk", PEN_FAST_CASES)
def test_adult_penicillin_histories_follow_the_pen_fast_cut_off(fields, score, _risk):
    result = assess(referral(drug="amoxicillin", reactions=[reaction("amoxicillin", **fields)]))
    anaphylaxis = "bronchospasm" in fields["symptoms"]  # never below test_first
    expected = ("consider_delabelling" if score < 3 and not anaphylaxis
                else "test_first" if score <= 3 else "candidate")
    assert result.verdict == expected


def test_treatment_not_known_counts_as_required_and_says_so():
    result = assess(referral(drug="amoxicillin",
                             reactions=[reaction("amoxicillin", ["rash"], years_ago=10)]))
    assert result.pen_fast.treatment_required and result.pen_fast.treatment_unknown
    assert "pen_fast_treatment_unknown" in [n.code for n in result.reasons]


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
    assert pen_fast_for(parsed.reactions[0], TODAY).five_years_or_less is recent


def test_pen_fast_takes_the_highest_scoring_penicillin_reaction():
    result = assess(referral(drug="amoxicillin", reactions=[
        reaction("amoxicillin", ["rash"], years_ago=30),
        reaction("penicillin", ["anaphylaxis"], years_ago=1, treatments=["adrenaline"]),
        reaction("carboplatin", ["anaphylaxis"], years_ago=1),
    ]))
    assert result.pen_fast.score == 5


def test_pen_fast_is_null_when_the_verdict_is_not_suitable():
    result = assess(referral(drug="amoxicillin",
                             reactions=[reaction("amoxicillin", ["sjs"], "1_to_7_days")]))
    assert result.verdict == "not_suitable"
    assert result.pen_fast is None and result.to_dict()["pen_fast"] is None
    assert "low chance" not in str(result.to_dict()).lower()


def test_pen_fast_only_for_penicillin_histories():
    assert assess(referral()).pen_fast is None
    assert assess(referral(drug="cefalexin", reactions=[reaction("cefalexin")])).pen_fast is None
    # A penicillin reaction that does not bear on the drug needed is not scored either.
    assert assess(referral(reactions=[reaction(), reaction("amoxicillin")])).pen_fast is None


def test_for_a_child_pen_fast_says_it_was_validated_in_adults():
    child = assess(referral(drug="amoxicillin", age=9,
                            reactions=[reaction("amoxicillin", ["angioedema"])]))
    assert child.pen_fast is not None
    codes = [n.code for n in child.reasons]
    assert "pen_fast_adults_only" in codes
    assert "pen_fast_treatment_unknown" not in codes and "pen_fast_time_unknown" not in codes
    adult = assess(referral(drug="amoxicillin",
                            reactions=[reaction("amoxicillin", ["angioedema"], years_ago=1)]))
    assert "pen_fast_adults_only" not in [n.code for n in adult.reasons]


def test_perioperative_anaphylaxis_makes_every_agent_given_test_first_whoever_was_blamed():
    result = assess(referral(drug="cefazolin", reactions=[reaction("rocuronium", ["anaphylaxis"])]))
    assert (result.verdict, result.reasons[0].code) == ("test_first",
                                                        "perioperative_agents_untested")
    flagged = assess(referral(drug="chlorhexidine", reactions=[
        reaction("amoxicillin", ["anaphylaxis"], perioperative=True)]))
    assert flagged.verdict == "test_first"
    # A drug not given in theatre is not a suspect.
    later = assess(referral(drug="carboplatin",
                            reactions=[reaction("rocuronium", ["anaphylaxis"])]))
    assert later.verdict == "not_needed"


def test_pen_fast_only_when_a_penicillin_is_needed_and_not_after_scar_or_tolerance():
    cephalosporin = assess(referral(drug="cefalexin", reactions=[
        reaction("amoxicillin", ["anaphylaxis"], years_ago=1)]))
    assert cephalosporin.pen_fast is None
    assert "side chain" in cephalosporin.reasons[0].message
    tolerated = assess(referral(drug="amoxicillin", reactions=[
        reaction("amoxicillin", ["urticaria"], tolerated_since=True)]))
    assert tolerated.pen_fast is None
    scar_near = assess(referral(drug="benzylpenicillin", reactions=[
        reaction("amoxicillin", ["sjs"], "1_to_7_days")]))
    assert scar_near.verdict == "specialist_review" and scar_near.pen_fast is None


def test_a_severe_delayed_reaction_to_a_near_drug_outranks_testing_and_candidacy():
    result = assess(referral(drug="ceftriaxone", reactions=[
        reaction("amoxicillin", ["sjs"], "1_to_7_days"),
        reaction("ceftriaxone", ["urticaria", "angioedema"])]))
    assert result.verdict == "specialist_review"
    assert result.reasons[0].code == "severe_reaction_to_a_near_drug"


def test_an_unrecognised_name_gets_the_closest_names_as_choices_not_as_the_answer():
    needed = assess(referral(drug="cefaletin", reactions=[]))
    assert needed.verdict == "specialist_review" and needed.drug_match is None
    assert "Closest names we know: " in needed.reasons[0].message
    assert "Cefalotin" in needed.reasons[0].message and "Cefalexin" in needed.reasons[0].message
    culprit = assess(referral(reactions=[reaction("cefaletin")]))
    assert culprit.verdict == "specialist_review"
    assert "Cefalotin" in culprit.reasons[0].message


# --- words ----------------------------------------------------------------------------------

def test_every_verdict_has_its_words_and_a_distinct_rank():
    assert set(VERDICTS) == {"not_needed", "consider_delabelling", "test_first", "candidate",
                             "specialist_review", "not_suitable"}
    assert len({v.rank for v in VERDICTS.values()}) == len(VERDICTS)
    for v in VERDICTS.values():
        assert v.label and v.summary and v.advice
        assert "do not take" not in (v.summary + v.advice).lower()


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
    codes = [n.code for n in assess(referral(
        reactions=[reaction(symptoms=["ten"], onset="1_to_7_days")])).precautions]
    assert "hospital_only" in codes and "iv_protocol" not in codes


def test_questions_are_coded_and_name_the_drug_class():
    questions = assess(referral()).questions_for_center
    assert [q["code"] for q in questions] == [
        "procedures_per_year", "drug_class", "protocol", "emergency", "reaction_plan", "wait",
        "telehealth", "paperwork"]
    assert "platinum" in questions[1]["question"].lower()
    # A drug outside the listed classes is named itself, not as "other drugs".
    insulin = assess(referral(drug="insulin aspart", reactions=[]))
    assert "insulin aspart" in insulin.questions_for_center[1]["question"].lower()


def test_checklist_covers_history_drug_and_medicines():
    text = " ".join(assess(referral()).checklist).lower()
    for words in ("when", "symptoms", "treatment", "drug you need", "medicines"):
        assert words in text


def test_to_dict_has_exactly_the_contract_keys():
    data = assess(referral(drug="amoxicillin",
                           reactions=[reaction("amoxicillin", years_ago=1)])).to_dict()
    assert set(data["pen_fast"]["components"]) == {
        "five_years_or_less", "time_unknown", "anaphylaxis_or_angioedema",
        "severe_cutaneous_reaction", "treatment_required", "treatment_unknown"}
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
    parsed = parse_referral(referral(reactions=[reaction(treatments=["antihistamine"],
                                                         treatment_required=False)]), TODAY)
    assert parsed.reactions[0].treatment_required is True


@pytest.mark.parametrize(("given", "read"), [(True, True), (False, False), (None, None)])
def test_treatment_required_tells_no_from_not_known(given, read):
    assert parsed_reaction(treatment_required=given).treatment_required is read
    data = referral()
    del data["reactions"][0]["onset"]
    assert parse_referral(data, TODAY).reactions[0].treatment_required is None


def test_onset_and_perioperative_are_read_and_default_to_unknown_and_false():
    assert parsed_reaction(onset="6_to_24h", perioperative=True).perioperative
    data = referral()
    del data["reactions"][0]["onset"]
    reaction_ = parse_referral(data, TODAY).reactions[0]
    assert (reaction_.onset, reaction_.perioperative) == ("unknown", False)


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
    (with_reaction(onset="soon"), "reactions[2].onset", "must be one of"),
    (with_reaction(onset=3), "reactions[2].onset", "must be one of"),
    (with_reaction(perioperative="yes"), "reactions[2].perioperative", "true or false"),
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
                        "years_ago", "treatment_required", "tolerated_since", "onset",
                        "perioperative"])
known_shaped = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.sampled_from(
        ["carboplatin", "amoxicillin", "urticaria", "sjs", "adrenaline", "2020-01-01",
         "2099-01-01", "routine", "", "under_1h", "unknown", "zorbex"]),
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
