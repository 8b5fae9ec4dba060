"""The cross-reactivity tables: every rule by a pair of drugs, and every substance they name is
one the vocabulary knows (a misspelt name in a table would silently never match)."""
import pytest

from finder.drugs import drug_entries, resolve_drug
from finder.referral.crossreactivity import (
    CROSS_GROUPS,
    R1_GROUPS,
    Relation,
    cross_reacting_group,
    link,
)

KNOWN_SUBSTANCES = {c for e in drug_entries() for c in e.components}


def test_every_substance_in_the_tables_is_in_the_vocabulary():
    named = set().union(*R1_GROUPS.values(), *(group[1] for group in CROSS_GROUPS))
    assert named - KNOWN_SUBSTANCES == set()


def relation(culprit, needed, cross=False):
    return link(resolve_drug(culprit), resolve_drug(needed), nsaid_cross_reactive=cross).relation


@pytest.mark.parametrize(("culprit", "needed", "expected"), [
    ("carboplatin", "Paraplatin", Relation.SAME),
    ("Augmentin", "amoxicillin", Relation.SAME),            # a combination bears on its parts
    ("Bactrim", "trimethoprim", Relation.SAME),
    ("lidocaine with adrenaline", "bupivacaine with adrenaline", Relation.LOW),  # not adrenaline
    ("amoxicillin", "flucloxacillin", Relation.CROSS),      # penicillins with each other
    ("amoxicillin", "cefalexin", Relation.CROSS),           # aminobenzyl R1
    ("ampicillin", "cefaclor", Relation.CROSS),
    ("benzylpenicillin", "cefoxitin", Relation.CROSS),      # benzyl R1
    ("ceftriaxone", "cefepime", Relation.CROSS),            # methoxyimino R1
    ("ceftazidime", "aztreonam", Relation.CROSS),           # identical R1
    ("amoxicillin", "cefazolin", Relation.LOW),             # cefazolin shares no side chain
    ("cefalexin", "ceftriaxone", Relation.LOW),
    ("amoxicillin", "meropenem", Relation.LOW),             # carbapenems
    ("meropenem", "ertapenem", Relation.CROSS),
    ("amoxicillin", "aztreonam", Relation.NONE),            # monobactam
    ("carboplatin", "oxaliplatin", Relation.CROSS),         # platinum
    ("paclitaxel", "docetaxel", Relation.CROSS),            # taxanes
    ("infliximab", "trastuzumab", Relation.NONE),           # a monoclonal only with itself
    ("infliximab", "adalimumab", Relation.POSSIBLE),        # the same target: a first dose
    ("rituximab", "obinutuzumab", Relation.POSSIBLE),       # with precautions
    ("trastuzumab", "trastuzumab emtansine", Relation.CROSS),
    ("vancomycin", "teicoplanin", Relation.CROSS),          # glycopeptides, DRESS too
    ("co-trimoxazole", "dapsone", Relation.POSSIBLE),       # arylamines
    ("Gelofusine", "cetuximab", Relation.POSSIBLE),         # alpha-gal
    ("omeprazole", "pantoprazole", Relation.CROSS),
    ("rituximab", "MabThera", Relation.SAME),
    ("cetuximab", "panitumumab", Relation.NONE),
    ("sulfamethoxazole", "sulfadiazine", Relation.CROSS),   # sulfonamide antibiotics
    ("co-trimoxazole", "sulfasalazine", Relation.CROSS),
    ("co-trimoxazole", "furosemide", Relation.NONE),        # non-antibiotic sulfonamides
    ("co-trimoxazole", "celecoxib", Relation.NONE),
    ("co-trimoxazole", "gliclazide", Relation.NONE),
    ("ciprofloxacin", "moxifloxacin", Relation.CROSS),
    ("ciprofloxacin", "vancomycin", Relation.NONE),
    ("carbamazepine", "lamotrigine", Relation.CROSS),
    ("iohexol", "iodixanol", Relation.CROSS),
    ("iohexol", "gadobutrol", Relation.NONE),
    ("iohexol", "carboplatin", Relation.NONE),
    ("heparin", "enoxaparin", Relation.CROSS),
    ("heparin", "fondaparinux", Relation.NONE),
    ("Ferinject", "Venofer", Relation.CROSS),
    ("insulin aspart", "insulin glargine", Relation.CROSS),
    ("rocuronium", "suxamethonium", Relation.CROSS),
    ("morphine", "codeine", Relation.CROSS),
    ("morphine", "fentanyl", Relation.NONE),
    ("procaine", "benzocaine", Relation.CROSS),             # esters
    ("lidocaine", "articaine", Relation.LOW),               # amides
    ("lidocaine", "procaine", Relation.NONE),
    ("omeprazole", "oxaliplatin", Relation.NONE),
    ("morphine", "ibuprofen", Relation.NONE),
])
def test_each_cross_reactivity_rule(culprit, needed, expected):
    assert relation(culprit, needed) is expected


@pytest.mark.parametrize(("culprit", "needed", "cross", "expected"), [
    ("ibuprofen", "naproxen", True, Relation.CROSS),        # COX-1 in NERD / NIUA
    ("ibuprofen", "naproxen", False, Relation.POSSIBLE),    # one NSAID: a challenge tells
    ("aspirin", "celecoxib", True, Relation.LOW),           # COX-2 usually tolerated
    ("ibuprofen", "etoricoxib", False, Relation.LOW),
    ("ibuprofen", "paracetamol", True, Relation.LOW),
    ("ibuprofen", "paracetamol", False, Relation.NONE),
    ("paracetamol", "ibuprofen", True, Relation.NONE),
])
def test_nsaids_cross_react_by_cox1_inhibition_only_when_the_patient_does(culprit, needed,
                                                                            cross, expected):
    assert relation(culprit, needed, cross) is expected


@pytest.mark.parametrize(("culprit", "needed", "delayed"), [
    ("amoxicillin", "amoxicillin", True),
    ("carbamazepine", "phenytoin", True),
    ("co-trimoxazole", "sulfasalazine", True),
    ("heparin", "enoxaparin", True),
    ("vancomycin", "teicoplanin", True),
    ("amoxicillin", "cefalexin", False),      # side chains: immediate reactions only
    ("amoxicillin", "flucloxacillin", False),
    ("cisplatin", "carboplatin", False),
    ("paclitaxel", "docetaxel", False),
])
def test_which_links_hold_for_severe_delayed_reactions(culprit, needed, delayed):
    assert link(resolve_drug(culprit), resolve_drug(needed)).delayed is delayed


def test_an_unrecognised_culprit_is_not_recognised_never_related():
    assert link(None, resolve_drug("carboplatin")).relation is Relation.UNRECOGNISED


def test_the_group_named_in_avoid_advice():
    assert cross_reacting_group(resolve_drug("Tegretol")) == "aromatic anticonvulsants"
    assert cross_reacting_group(resolve_drug("amoxicillin")) == "beta-lactams"
    assert cross_reacting_group(resolve_drug("omeprazole")) == "proton pump inhibitors"
    assert cross_reacting_group(resolve_drug("allopurinol")) is None
    assert cross_reacting_group(None) is None
