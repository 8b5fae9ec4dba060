"""The one referral model: its messages are written for people, and all come in one round."""
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from finder.referral.messages import FALLBACK
from finder.referral.schema import (
    MAX_NARRATIVE,
    ReferralInput,
    ReferralValidationError,
    parse_referral,
)

TODAY = date(2026, 1, 15)
PYDANTIC_WORDS = ("Input should", "input_value", "pydantic", "Value error", "validation error",
                  "type=", "Field required")


def errors_of(data) -> dict[str, str]:
    try:
        parse_referral(data, TODAY)
    except ReferralValidationError as error:
        return error.errors
    return {}


def full(**fields) -> dict:
    return {"drug": "carboplatin", "patient": {"age_years": 54},
            "reactions": [{"drug": "carboplatin", "symptoms": ["urticaria"]}], **fields}


def test_the_eaacI_history_is_read():
    parsed = parse_referral(full(
        needed_by="2026-02-01", chemo_cycle=3, premedication=" dexamethasone ",
        specialist="Dr Jones", narrative="x" * MAX_NARRATIVE,
        patient={"age_years": 8, "weight_kg": 24.5, "ace_inhibitor": True,
                 "current_medicines": "enalapril"},
        reactions=[{"drug": "carboplatin", "symptoms": ["urticaria"], "onset": "under_1h",
                    "recovery": "1_to_7_days", "dose": "450 mg", "route": "iv",
                    "co_medications": "ondansetron", "related_tolerated": "cisplatin"}],
        tests=[{"kind": "tryptase", "result": "14", "date": "2025-03-01"}]), TODAY)
    assert parsed.premedication == "dexamethasone"
    assert parsed.patient.weight_kg == 24.5 and parsed.patient.ace_inhibitor
    reaction = parsed.reactions[0]
    assert (reaction.onset, reaction.recovery, reaction.route) == ("under_1h", "1_to_7_days", "iv")
    assert reaction.treatment_required is None  # not known, unlike false
    assert parsed.tests[0].date == date(2025, 3, 1)


def test_every_rule_has_a_human_message_and_all_come_at_once():
    errors = errors_of(full(
        drug=None, needed_by="2020-01-01", chemo_cycle=0, narrative="x" * (MAX_NARRATIVE + 1),
        patient={"age_years": 54, "weight_kg": "heavy"},
        reactions=[{"drug": "x", "symptoms": ["urticaria"], "onset": "soon", "route": 3}],
        tests=[{"kind": "tryptase"}, {"kind": "x-ray", "result": "ok"}]))
    assert errors == {
        "drug": "This field is required.",
        "needed_by": "Must be a date still to come (or this month).",
        "chemo_cycle": "Must be between 1 and 99.",
        "narrative": f"At most {MAX_NARRATIVE} characters.",
        "patient.weight_kg": "Must be a number.",
        "reactions[0].onset": "Must be one of: under_1h, 1_to_6h, 6_to_24h, 1_to_7_days, "
                              "over_7_days or unknown.",
        "reactions[0].route": "Must be one of: oral, iv, im, sc, topical, inhaled or other.",
        "tests[0]": "Give the result or the date of this test.",
        "tests[1].kind": "Must be one of: tryptase, skin_prick, intradermal, specific_ige, "
                         "patch or challenge.",
    }


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
    | st.sampled_from(["under_1h", "iv", "tryptase", "2020-01-01", "2099-01-01", "urticaria"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(list(ReferralInput.model_fields) + ["age_years", "weight_kg", "kind",
                                                            "result", "onset", "symptoms",
                                                            "drug", "date"]),
        children, max_size=6),
    max_leaves=30)


@settings(deadline=None, max_examples=300)
@given(st.fixed_dictionaries({"drug": json_like, "patient": json_like, "reactions": json_like,
                              "tests": json_like, "needed_by": json_like}))
def test_no_message_is_ever_the_validators_own(data):
    for path, message in errors_of(data).items():
        assert isinstance(message, str) and message != FALLBACK, (path, message)
        assert not any(word in message for word in PYDANTIC_WORDS), (path, message)


def test_onset_must_be_answered_on_the_form_but_not_through_the_api():
    data = full(reactions=[{"drug": "carboplatin", "symptoms": ["urticaria"]},
                           {"drug": "cisplatin", "symptoms": ["rash"], "onset": "unknown"}])
    assert parse_referral(data, TODAY).reactions[0].onset == "unknown"  # the API: not given
    try:
        parse_referral(data, TODAY, from_form=True)
    except ReferralValidationError as error:
        assert error.errors == {
            "reactions[0].onset": 'Choose how soon it started ("Not known" if nobody remembers).'}
    else:
        raise AssertionError("a form without the onset was accepted")
