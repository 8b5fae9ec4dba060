"""The drug vocabulary (data/drugs.csv) and the resolver that turns typed names into classes."""
import csv
from collections import Counter, defaultdict

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from finder.drugs import (
    DRUGS_CSV,
    drug_entries,
    is_penicillin,
    normalise,
    resolve_drug,
    suggest_drugs,
)
from finder.vocabulary import ALL_DRUG_CLASSES, DRUG_CLASSES


def _rows() -> list[dict]:
    with DRUGS_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- the data ---------------------------------------------------------------------------------

def test_vocabulary_has_at_least_170_names():
    assert len(_rows()) >= 170


@pytest.mark.parametrize("code", sorted(DRUG_CLASSES))
def test_every_class_has_at_least_five_names(code):
    assert Counter(row["class"] for row in _rows())[code] >= 5


def test_every_row_has_a_known_class_and_kind():
    for row in _rows():
        assert row["class"] in ALL_DRUG_CLASSES, row
        assert row["kind"] in {"generic", "brand", "combination"}, row


def test_every_atc_code_starts_with_one_of_its_class_prefixes():
    for row in _rows():
        if row["class"] != "other":
            assert row["atc"].startswith(DRUG_CLASSES[row["class"]].atc), row


def test_no_drug_of_a_desensitization_class_hides_in_other():
    prefixes = tuple(p for c in DRUG_CLASSES.values() for p in c.atc)
    for row in _rows():
        if row["class"] == "other":
            assert row["atc"] and not row["atc"].startswith(prefixes), row


def test_every_brand_or_spelling_points_at_a_generic_listed_with_the_same_class_and_atc():
    own_rows = {row["name"]: row for row in _rows() if not row["generic"]}
    for row in _rows():
        if row["generic"]:
            generic = own_rows[row["generic"]]
            assert (generic["class"], generic["atc"]) == (row["class"], row["atc"]), row


def test_brands_always_name_their_generic():
    assert all(row["generic"] for row in _rows() if row["kind"] == "brand")


def test_no_normalised_name_maps_to_two_classes_or_two_generics():
    seen = defaultdict(set)
    for entry in drug_entries():
        key = normalise(entry.name)
        for variant in (key, key.replace(" ", ""), " ".join(sorted(key.split()))):
            seen[variant].add((entry.drug_class.code, entry.generic))
    clashes = {key: targets for key, targets in seen.items() if len(targets) > 1}
    assert clashes == {}


# --- resolving --------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "name", "atc", "class_code"), [
    ("Amoxicillin", "Amoxicillin", "J01CA04", "penicillins"),
    ("Cefalexin", "Cefalexin", "J01DB01", "cephalosporins"),
    ("Meropenem", "Meropenem", "J01DH02", "carbapenems"),
    ("Carboplatin", "Carboplatin", "L01XA02", "platinum"),
    ("Paclitaxel", "Paclitaxel", "L01CD01", "taxanes"),
    ("Rituximab", "Rituximab", "L01FA01", "monoclonal_antibodies"),
    ("Infliximab", "Infliximab", "L04AB02", "monoclonal_antibodies"),
    ("Tocilizumab", "Tocilizumab", "L04AC07", "monoclonal_antibodies"),
    ("Aspirin", "Aspirin", "N02BA01", "aspirin_nsaids"),
    ("Ibuprofen", "Ibuprofen", "M01AE01", "aspirin_nsaids"),
    ("Lidocaine", "Lidocaine", "N01BB02", "local_anaesthetics"),
    ("Doxorubicin", "Doxorubicin", "L01DB01", "other_chemotherapy"),
    ("Oxaliplatin", "Oxaliplatin", "L01XA03", "platinum"),
    ("Vancomycin", "Vancomycin", "J01XA01", "other_antibiotics"),
    ("Rifampicin", "Rifampicin", "J04AB02", "other_antibiotics"),
    ("penicillin", "Penicillin", "J01CE", "penicillins"),
    ("Penicillin V", "Phenoxymethylpenicillin", "J01CE02", "penicillins"),
    ("benzylpenicillin", "Benzylpenicillin", "J01CE01", "penicillins"),
    # Severe cutaneous reaction drugs, perioperative drugs, insulin, iron, contrast, heparins,
    # opioids and paracetamol resolve too, outside the desensitization classes.
    ("allopurinol", "Allopurinol", "M04AA01", "other"),
    ("carbamazepine", "Carbamazepine", "N03AF01", "other"),
    ("lamotrigine", "Lamotrigine", "N03AX09", "other"),
    ("phenytoin", "Phenytoin", "N03AB02", "other"),
    ("abacavir", "Abacavir", "J05AF06", "other"),
    ("nevirapine", "Nevirapine", "J05AG01", "other"),
    ("sulfasalazine", "Sulfasalazine", "A07EC01", "other"),
    ("rocuronium", "Rocuronium", "M03AC09", "other"),
    ("suxamethonium", "Suxamethonium", "M03AB01", "other"),
    ("propofol", "Propofol", "N01AX10", "other"),
    ("chlorhexidine", "Chlorhexidine", "D08AC02", "other"),
    ("insulin glargine", "Insulin glargine", "A10AE04", "other"),
    ("ferric carboxymaltose", "Ferric carboxymaltose", "B03AC", "other"),
    ("iohexol", "Iohexol", "V08AB02", "other"),
    ("enoxaparin", "Enoxaparin", "B01AB05", "other"),
    ("heparin", "Heparin", "B01AB01", "other"),
    ("morphine", "Morphine", "N02AA01", "other"),
    ("oxycodone", "Oxycodone", "N02AA05", "other"),
    ("paracetamol", "Paracetamol", "N02BE01", "other"),
    ("omalizumab", "Omalizumab", "R03DX05", "monoclonal_antibodies"),
    ("dapsone", "Dapsone", "J04BA02", "other_antibiotics"),
])
def test_generic_names_resolve_exactly_to_their_class_and_atc(text, name, atc, class_code):
    match = resolve_drug(text)
    assert match is not None
    assert (match.name, match.atc, match.drug_class.code) == (name, atc, class_code)
    assert match.exact and match.score == 100


@pytest.mark.parametrize(("text", "generic"), [
    ("Amoxycillin", "Amoxicillin"),
    ("Cephalexin", "Cefalexin"),
    ("Cephazolin", "Cefazolin"),
    ("Lignocaine", "Lidocaine"),
    ("Floxacillin", "Flucloxacillin"),
    ("Sulphamethoxazole", "Sulfamethoxazole"),
    ("Rifampin", "Rifampicin"),
    ("Indomethacin", "Indometacin"),
    ("Amethocaine", "Tetracaine"),
    ("Methicillin", "Meticillin"),
    ("Acetylsalicylic acid", "Aspirin"),
])
def test_australian_us_and_uk_spellings_resolve_to_one_generic(text, generic):
    match = resolve_drug(text)
    assert match is not None and match.exact
    assert (match.name, match.matched) == (generic, text)


@pytest.mark.parametrize(("brand", "generic"), [
    ("Augmentin", "Amoxicillin with clavulanic acid"),
    ("Amoxil", "Amoxicillin"),
    ("Keflex", "Cefalexin"),
    ("Ibilex", "Cefalexin"),
    ("Rocephin", "Ceftriaxone"),
    ("Merrem", "Meropenem"),
    ("Tazocin", "Piperacillin with tazobactam"),
    ("Zosyn", "Piperacillin with tazobactam"),
    ("Bactrim", "Trimethoprim with sulfamethoxazole"),
    ("Septrin", "Trimethoprim with sulfamethoxazole"),
    ("Bicillin L-A", "Benzathine benzylpenicillin"),
    ("Paraplatin", "Carboplatin"),
    ("Taxol", "Paclitaxel"),
    ("Taxotere", "Docetaxel"),
    ("Abraxane", "Nab-paclitaxel"),
    ("Rituxan", "Rituximab"),
    ("MabThera", "Rituximab"),
    ("Remicade", "Infliximab"),
    ("Actemra", "Tocilizumab"),
    ("Herceptin", "Trastuzumab"),
    ("Erbitux", "Cetuximab"),
    ("Keytruda", "Pembrolizumab"),
    ("Caelyx", "Pegylated liposomal doxorubicin"),
    ("Nurofen", "Ibuprofen"),
    ("Advil", "Ibuprofen"),
    ("Voltaren", "Diclofenac"),
    ("Cardiprin", "Aspirin"),
    ("Disprin", "Aspirin"),
    ("Xylocaine", "Lidocaine"),
    ("Marcaine", "Bupivacaine"),
    ("Naropin", "Ropivacaine"),
])
def test_brands_resolve_to_their_generic_and_report_the_brand_matched(brand, generic):
    match = resolve_drug(brand)
    assert match is not None and match.exact
    assert (match.name, match.matched) == (generic, brand)


@pytest.mark.parametrize(("text", "generic"), [
    ("amoxicillin/clavulanate", "Amoxicillin with clavulanic acid"),
    ("amoxicillin-clavulanic acid", "Amoxicillin with clavulanic acid"),
    ("Amoxicillin + clavulanic acid", "Amoxicillin with clavulanic acid"),
    ("amoxycillin and clavulanic acid", "Amoxicillin with clavulanic acid"),
    ("clavulanic acid/amoxicillin", "Amoxicillin with clavulanic acid"),
    ("co-amoxiclav", "Amoxicillin with clavulanic acid"),
    ("piperacillin+tazobactam", "Piperacillin with tazobactam"),
    ("piperacillin/tazobactam", "Piperacillin with tazobactam"),
    ("Piperacillin & Tazobactam", "Piperacillin with tazobactam"),
    ("trimethoprim-sulfamethoxazole", "Trimethoprim with sulfamethoxazole"),
    ("sulfamethoxazole/trimethoprim", "Trimethoprim with sulfamethoxazole"),
    ("TMP-SMX", "Trimethoprim with sulfamethoxazole"),
    ("TMP/SMX", "Trimethoprim with sulfamethoxazole"),
    ("SMX-TMP", "Trimethoprim with sulfamethoxazole"),
    ("co-trimoxazole", "Trimethoprim with sulfamethoxazole"),
    ("cotrimoxazole", "Trimethoprim with sulfamethoxazole"),
    ("lidocaine + adrenaline", "Lidocaine with adrenaline"),
    ("lignocaine/epinephrine", "Lidocaine with adrenaline"),
    ("imipenem-cilastatin", "Imipenem with cilastatin"),
])
def test_combinations_resolve_in_any_notation_and_order(text, generic):
    match = resolve_drug(text)
    assert match is not None and match.exact
    assert match.name == generic


def test_combination_atc_codes_differ_from_their_parts():
    assert resolve_drug("amoxicillin with clavulanic acid").atc == "J01CR02"
    assert resolve_drug("Bactrim").atc == "J01EE01"
    assert resolve_drug("piperacillin-tazobactam").atc == "J01CR05"


@pytest.mark.parametrize(("text", "generic"), [
    ("AMOXICILLIN", "Amoxicillin"),
    ("  amoxicillin  ", "Amoxicillin"),
    ("Amoxicillin.", "Amoxicillin"),
    ("Céfalexin", "Cefalexin"),
    ("nab paclitaxel", "Nab-paclitaxel"),
    ("Co trimoxazole", "Trimethoprim with sulfamethoxazole"),
    ("augmentin   duo", "Amoxicillin with clavulanic acid"),
    ("5FU", "Fluorouracil"),
    ("Cefalexin 500 mg", "Cefalexin"),
    ("lidocaine 1%", "Lidocaine"),
    ("naproxen sodium", "Naproxen"),
])
def test_case_space_accent_hyphen_and_dose_variants_resolve_exactly(text, generic):
    match = resolve_drug(text)
    assert match is not None and match.exact
    assert match.name == generic


@pytest.mark.parametrize(("typo", "generic"), [
    ("amoxicilin", "Amoxicillin"),
    ("carboplatn", "Carboplatin"),
    ("ceftriaxon", "Ceftriaxone"),
    ("lignocain", "Lidocaine"),
    ("penicilin", "Penicillin"),
    ("rituxmab", "Rituximab"),
    ("ibuprophen", "Ibuprofen"),
    ("vancomyicn", "Vancomycin"),
])
def test_small_typos_resolve_as_inexact_matches(typo, generic):
    match = resolve_drug(typo)
    assert match is not None
    assert match.name == generic
    assert not match.exact and 0 < match.score < 100


def test_the_start_of_a_name_resolves_when_it_names_one_class():
    match = resolve_drug("merop")
    assert match is not None and match.name == "Meropenem" and not match.exact


def test_the_start_of_names_in_several_classes_does_not_resolve():
    # "tetra" starts tetracycline (an antibiotic) and tetracaine (a local anaesthetic).
    assert resolve_drug("tetra") is None


def test_the_start_of_names_of_different_substances_in_one_class_does_not_resolve():
    # "insu" starts insulin glargine, insulin aspart… and "cefa" cefalexin, cefazolin…: each a
    # different substance, so none is the answer.
    assert resolve_drug("insu") is None
    assert resolve_drug("cefa") is None


def test_the_start_of_a_name_and_of_its_combinations_resolves_to_the_shared_substance():
    assert resolve_drug("amoxic").name == "Amoxicillin"


@pytest.mark.parametrize(("text", "substance"), [
    ("Zyloric", "Allopurinol"), ("Tegretol", "Carbamazepine"), ("Lamictal", "Lamotrigine"),
    ("Dilantin", "Phenytoin"), ("Epanutin", "Phenytoin"), ("Kivexa", "Abacavir with lamivudine"),
    ("Salazopyrin", "Sulfasalazine"), ("Esmeron", "Rocuronium"), ("Scoline", "Suxamethonium"),
    ("Diprivan", "Propofol"), ("NovoRapid", "Insulin aspart"), ("Humalog", "Insulin lispro"),
    ("Ferinject", "Ferric carboxymaltose"), ("Injectafer", "Ferric carboxymaltose"),
    ("Monofer", "Ferric derisomaltose"), ("Omnipaque", "Iohexol"), ("Visipaque", "Iodixanol"),
    ("Clexane", "Enoxaparin"), ("Lovenox", "Enoxaparin"), ("Endone", "Oxycodone"),
    ("OxyContin", "Oxycodone"), ("Tramal", "Tramadol"), ("Zydol", "Tramadol"),
    ("Panadol", "Paracetamol"), ("Tylenol", "Paracetamol"), ("Calpol", "Paracetamol"),
    ("acetaminophen", "Paracetamol"), ("Panadeine Forte", "Paracetamol with codeine"),
    ("Xolair", "Omalizumab"), ("frusemide", "Furosemide"), ("Hibiclens", "Chlorhexidine"),
])
def test_au_uk_and_us_brands_of_the_new_drugs_resolve(text, substance):
    match = resolve_drug(text)
    assert match is not None and match.exact and match.name == substance


@pytest.mark.parametrize(("text", "never"), [
    ("morphine", "Ibuprofen"), ("omalizumab", "Tocilizumab"), ("sulfasalazine", "Sulfadiazine"),
])
def test_a_name_never_resolves_or_is_offered_as_a_different_substance(text, never):
    assert resolve_drug(text).name == text.capitalize()
    assert never not in [m.name for m in suggest_drugs(text)]


@pytest.mark.parametrize("text", ["cefaletin", "mabthera rituxan", "ocrelizumabtocilizumab"])
def test_text_close_to_several_substances_is_not_recognised_but_offers_choices(text):
    assert resolve_drug(text) is None


def test_close_spellings_are_offered_as_choices_when_nothing_matches():
    # "cefaletin" is one slip from cefalotin and two from cefalexin.
    names = [m.name for m in suggest_drugs("cefaletin")]
    assert {"Cefalotin", "Cefalexin"} <= set(names)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([e for e in drug_entries() if len(normalise(e.name)) >= 5]),
       st.data())
def test_a_one_letter_slip_never_resolves_to_another_substance(entry, data):
    """Whatever single letter is changed, dropped or added, the answer is that substance or
    nothing: never a different one."""
    key = normalise(entry.name)
    at = data.draw(st.integers(0, len(key) - 1))
    letter = data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
    slip = data.draw(st.sampled_from([key[:at] + letter + key[at + 1:], key[:at] + key[at + 1:],
                                      key[:at] + letter + key[at:]]))
    # A slip that is itself the start of another name is completed, not corrected ("tril" is
    # how Trileptal starts): that is not a typo guess.
    assume(not any(normalise(e.name).startswith(slip) for e in drug_entries()))
    match = resolve_drug(slip)
    if match is not None and not match.exact:
        assert match.components <= entry.components or entry.components <= match.components


@pytest.mark.parametrize("text", [
    "paracetamolx zz", "", "   ", "x" * 300, "amoxicillin" * 30, "-/+&", "with", "abc",
    "hello world",
])
def test_unknown_empty_or_overlong_text_resolves_to_none(text):
    assert resolve_drug(text) is None


def test_non_text_resolves_to_none():
    assert resolve_drug(None) is None
    assert suggest_drugs(None) == []


# --- suggestions ------------------------------------------------------------------------------

def test_suggestions_for_amox_start_with_amoxicillin():
    names = [m.name for m in suggest_drugs("amox")]
    assert names[0] == "Amoxicillin"
    assert "Amoxicillin with clavulanic acid" in names


def test_suggestions_include_names_with_a_later_word_starting_with_the_text():
    names = [m.name for m in suggest_drugs("tazo")]
    assert {"Piperacillin with tazobactam", "Ceftolozane with tazobactam"} <= set(names)


def test_suggestions_put_an_exact_brand_first():
    first = suggest_drugs("Zosyn")[0]
    assert (first.name, first.matched) == ("Piperacillin with tazobactam", "Zosyn")
    assert first.exact


def test_suggestions_list_each_generic_once_and_respect_the_limit():
    matches = suggest_drugs("ce", limit=5)
    assert len(matches) == 5
    assert len({m.name for m in matches}) == 5
    assert all(m.drug_class.code == "cephalosporins" for m in matches)


def test_suggestions_fall_back_to_close_spellings():
    assert [m.name for m in suggest_drugs("carboplatn")][:1] == ["Carboplatin"]


@pytest.mark.parametrize("text", ["", "   ", "zzqx", "x" * 300])
def test_suggestions_are_empty_for_empty_or_unknown_text(text):
    assert suggest_drugs(text) == []


def test_suggestions_are_empty_for_a_limit_below_one():
    assert suggest_drugs("amox", limit=0) == []


# --- the rest of the API ----------------------------------------------------------------------

def test_to_dict_gives_the_public_shape():
    assert resolve_drug("Augmentin").to_dict() == {
        "name": "Amoxicillin with clavulanic acid",
        "matched": "Augmentin",
        "atc": "J01CR02",
        "class": {"code": "penicillins", "name": "Penicillins", "group": "antibiotics"},
    }


def test_listed_class_is_the_class_centers_list_or_none():
    assert resolve_drug("carboplatin").listed_class == "platinum"
    assert resolve_drug("insulin").listed_class is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Augmentin", True), ("Bicillin", True), ("flucloxacillin", True),
    ("Keflex", False), ("Bactrim", False), ("Taxol", False),
])
def test_is_penicillin(text, expected):
    assert is_penicillin(resolve_drug(text)) is expected


def test_nothing_is_not_a_penicillin():
    assert is_penicillin(None) is False


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_resolve_and_suggest_never_raise_on_arbitrary_text(text):
    match = resolve_drug(text)
    assert match is None or match.drug_class.code in ALL_DRUG_CLASSES
    suggestions = suggest_drugs(text)
    assert len(suggestions) <= 8
