"""Whether a reaction to one drug bears on another: the published cross-reactivity tables.

`link(culprit, needed)` says how a reaction to `culprit` bears on `needed`: the same substance,
a cross-reacting one, one whose cross-reactivity a challenge decides, a low one, none, or a
culprit we do not recognise (never assumed related). Drugs are compared by substance, so a
combination (co-amoxiclav) bears on each of its parts.
"""
from dataclasses import dataclass
from enum import Enum

from finder.drugs import DrugMatch


class Relation(Enum):
    SAME = "same"            # a substance in common
    CROSS = "cross"          # cross-reacts: judged as the needed drug itself
    POSSIBLE = "possible"    # may or may not cross-react: a supervised challenge tells
    LOW = "low"              # rarely cross-reacts: usually given, with care after anaphylaxis
    NONE = "none"            # no known cross-reactivity
    UNRECOGNISED = "unrecognised"  # the culprit's name is not in the vocabulary


@dataclass(frozen=True)
class Link:
    relation: Relation
    why: str = ""  # for CROSS, POSSIBLE and LOW: the rule, in words
    # Whether the link also holds for severe delayed (T-cell, immune-complex) reactions. Most
    # tables (side chains, platinum, taxanes) describe immediate IgE cross-reactivity only.
    delayed: bool = False

    @property
    def bears(self) -> bool:
        """A reaction judged as if it were to the needed drug."""
        return self.relation in (Relation.SAME, Relation.CROSS)


# Substances added to a product that are not what people react to.
_NOT_ALLERGENS = frozenset({"adrenaline"})

# Beta-lactams: immediate cross-reactivity follows the R1 side chain, not the beta-lactam ring.
# Groups with identical or similar R1 side chains from AAAAI/ACAAI Drug Allergy Practice
# Parameter 2022 (Khan DA et al., J Allergy Clin Immunol 2022;150:1333-93) and Zagursky RJ,
# Pichichero ME, J Allergy Clin Immunol Pract 2018;6:72-81. An unnamed "penicillin" may be
# benzylpenicillin or an aminopenicillin, so it sits in both groups. Cefazolin shares its side
# chains with no other beta-lactam in use.
R1_GROUPS = {
    "benzyl": frozenset({"penicillin", "benzylpenicillin", "phenoxymethylpenicillin",
                         "benzathine benzylpenicillin", "procaine benzylpenicillin",
                         "cefoxitin", "cefalotin"}),
    "aminobenzyl": frozenset({"penicillin", "amoxicillin", "ampicillin", "cefalexin",
                              "cefadroxil", "cefaclor", "cefprozil", "cefradine"}),
    "methoxyimino": frozenset({"ceftriaxone", "cefotaxime", "cefepime", "cefpodoxime",
                               "cefuroxime"}),
    "ceftazidime": frozenset({"ceftazidime", "aztreonam", "cefiderocol"}),
}
_BETA_LACTAM_CLASSES = frozenset({"penicillins", "cephalosporins", "carbapenems"})

# Groups whose members cross-react with each other, matched by substance or ATC prefix:
# (name, substances, ATC prefixes, source).
CROSS_GROUPS = (
    ("platinum compounds", frozenset(), ("L01XA",), False,
     "carboplatin and cisplatin cross-react often, oxaliplatin less (EAACI position paper on "
     "drug desensitization, Cernadas JR et al., Allergy 2010)"),
    ("taxanes", frozenset(), ("L01CD",), False,
     "paclitaxel and docetaxel cross-react often (Cernadas 2010; AAAAI/ACAAI 2022)"),
    # Sulfasalazine releases sulfapyridine, itself a sulfonamide antibiotic (arylamine).
    ("sulfonamide antibiotics", frozenset({"sulfasalazine"}), ("J01E",), True,
     "sulfonamide antibiotics share the arylamine group (AAAAI/ACAAI 2022); they do not "
     "cross-react with non-antibiotic sulfonamides"),
    ("fluoroquinolones", frozenset(), ("J01MA",), False,
     "fluoroquinolones cross-react with each other (AAAAI/ACAAI 2022)"),
    # Vancomycin DRESS (HLA-A*32:01) recurs with teicoplanin (Konvinse KC et al., J Allergy
    # Clin Immunol 2019).
    ("glycopeptides", frozenset({"vancomycin", "teicoplanin"}), (), True,
     "vancomycin and teicoplanin cross-react, in DRESS too (Konvinse KC et al., JACI 2019)"),
    ("aromatic anticonvulsants",
     frozenset({"carbamazepine", "oxcarbazepine", "phenytoin", "fosphenytoin", "phenobarbital",
                "lamotrigine"}), (), True,
     "aromatic anticonvulsants cross-react in a large share of delayed reactions (Joint Task "
     "Force, Drug allergy: an updated practice parameter, Ann Allergy Asthma Immunol 2010)"),
    ("ester local anaesthetics", frozenset(), ("N01BA",), False,
     "ester local anaesthetics share the para-aminobenzoic acid metabolite (AAAAI/ACAAI 2022)"),
    ("iodinated contrast media", frozenset(), ("V08A",), False,
     "iodinated contrast media can cross-react; skin testing helps choose another (ENDA/EAACI "
     "position paper on contrast media hypersensitivity, Torres MJ et al., Allergy 2021)"),
    ("gadolinium contrast media", frozenset(), ("V08C",), False,
     "gadolinium agents can cross-react (Torres 2021)"),
    ("heparins", frozenset(), ("B01AB",), True,
     "heparins and low-molecular-weight heparins cross-react, in skin reactions and in "
     "heparin-induced thrombocytopenia (ASH guideline on HIT, Cuker A et al., Blood Adv 2018)"),
    ("intravenous irons", frozenset(), ("B03AC",), False,
     "after a hypersensitivity reaction to one intravenous iron, the others are also "
     "contraindicated (European Medicines Agency, 2013 review of intravenous iron)"),
    ("insulins", frozenset(), ("A10A",), False,
     "insulins share most of their structure; an allergist tests which one is tolerated"),
    ("neuromuscular blocking agents", frozenset(), ("M03A",), False,
     "neuromuscular blockers often cross-react through their ammonium groups (ISPAR consensus "
     "on perioperative hypersensitivity, Garvey LH et al., Br J Anaesth 2019)"),
    ("morphine-like opioids",
     frozenset({"morphine", "codeine", "oxycodone", "hydromorphone"}), (), False,
     "morphine, codeine (which becomes morphine), oxycodone and hydromorphone are alike; a "
     "structurally different opioid is the usual switch (AAAAI/ACAAI 2022)"),
    # Interstitial nephritis on one proton pump inhibitor recurs with the others.
    ("proton pump inhibitors", frozenset(), ("A02BC",), True,
     "proton pump inhibitors are alike, and their kidney reactions recur across the class"),
    ("trastuzumab and its conjugates",
     frozenset({"trastuzumab", "trastuzumab emtansine", "trastuzumab deruxtecan"}), (), True,
     "the conjugates carry trastuzumab itself"),
)

# Pairs whose cross-reactivity is uncertain: a supervised first dose or challenge decides.
POSSIBLE_GROUPS = (
    ("anti-CD20 antibodies", frozenset({"rituximab", "obinutuzumab", "ocrelizumab"}), (),
     "both are anti-CD20 antibodies, whose cross-reactivity is unpredictable; the switch is "
     "made with a cautious first infusion (AAAAI/ACAAI 2022)"),
    ("TNF inhibitors", frozenset({"infliximab", "adalimumab", "golimumab",
                                  "certolizumab pegol"}), (),
     "both block TNF; after a reaction to one, the first dose of another is given with "
     "precautions (AAAAI/ACAAI 2022)"),
    ("IL-6 receptor antibodies", frozenset({"tocilizumab", "sarilumab"}), (),
     "both block the IL-6 receptor; the first dose of the other is given with precautions"),
    # Dapsone is an arylamine like the sulfonamide antibiotics: about one in five
    # sulfonamide-allergic patients with HIV react to it (Holtzer CD et al., Pharmacotherapy
    # 1998).
    ("dapsone and sulfonamide antibiotics", frozenset({"dapsone", "sulfasalazine"}),
     ("J01E",), "dapsone cross-reacts with sulfonamide antibiotics in about 20% (Holtzer 1998)"),
    # Gelatin anaphylaxis can mean IgE to galactose-alpha-1,3-galactose, which cetuximab
    # carries (Chung CH et al., N Engl J Med 2008; Mullins RJ et al., JACI 2012).
    ("alpha-gal", frozenset({"succinylated gelatin", "cetuximab"}), (),
     "gelatin and cetuximab both carry alpha-gal; IgE to it is tested before cetuximab "
     "(Chung 2008; Mullins 2012)"),
)

# Groups whose members rarely cross-react: given as usual, with a supervised first dose after
# anaphylaxis.
LOW_GROUPS = (
    ("amide local anaesthetics", ("N01BB",),
     "amide local anaesthetics rarely cross-react with each other (AAAAI/ACAAI 2022)"),
)

# NSAIDs (EAACI/ENDA classification, Kowalski ML et al., Allergy 2013;68:1219-32): in
# NSAID-exacerbated respiratory disease and NSAID-induced urticaria, reactions follow COX-1
# inhibition, so every COX-1 inhibitor cross-reacts and selective COX-2 inhibitors are usually
# tolerated; otherwise a reaction may be to that NSAID alone, which a challenge shows.
COX2_SELECTIVE = ("M01AH",)


def link(culprit: DrugMatch | None, needed: DrugMatch, *,
         nsaid_cross_reactive: bool = False) -> Link:
    """How a reaction to `culprit` bears on `needed`."""
    if culprit is None:
        return Link(Relation.UNRECOGNISED)
    if (culprit.components & needed.components) - _NOT_ALLERGENS:
        return Link(Relation.SAME, delayed=True)
    for rule in (_beta_lactams, _nsaids, _groups):
        found = rule(culprit, needed, nsaid_cross_reactive)
        if found is not None:
            return found
    return Link(Relation.NONE)


def _beta_lactam_kind(drug: DrugMatch) -> str | None:
    if drug.drug_class.code in _BETA_LACTAM_CLASSES:
        return drug.drug_class.code
    return "monobactams" if "aztreonam" in drug.components else None


def _r1_groups(drug: DrugMatch) -> set[str]:
    return {name for name, members in R1_GROUPS.items() if drug.components & members}


def _beta_lactams(culprit: DrugMatch, needed: DrugMatch, _nsaid: bool) -> Link | None:
    kinds = (_beta_lactam_kind(culprit), _beta_lactam_kind(needed))
    if None in kinds:
        return None
    if _r1_groups(culprit) & _r1_groups(needed):
        return Link(Relation.CROSS, "they share a similar R1 side chain, which is what "
                    "beta-lactam allergy recognises (AAAAI/ACAAI 2022)")
    if kinds == ("penicillins", "penicillins"):
        return Link(Relation.CROSS, "penicillins cross-react with each other (AAAAI/ACAAI 2022)")
    if kinds == ("carbapenems", "carbapenems"):
        return Link(Relation.CROSS, "carbapenems are treated as cross-reacting with each other")
    if "monobactams" in kinds:
        return None  # aztreonam cross-reacts only through the ceftazidime side chain
    if "carbapenems" in kinds:
        return Link(Relation.LOW, "carbapenems cross-react with penicillins and cephalosporins "
                    "in under 1% (AAAAI/ACAAI 2022)")
    return Link(Relation.LOW, "beta-lactams with dissimilar side chains rarely cross-react "
                "(AAAAI/ACAAI 2022)")


def _nsaid_kind(drug: DrugMatch) -> str | None:
    if drug.drug_class.code == "aspirin_nsaids":
        return "cox2" if drug.atc.startswith(COX2_SELECTIVE) else "cox1"
    return "paracetamol" if "paracetamol" in drug.components else None


def _nsaids(culprit: DrugMatch, needed: DrugMatch, nsaid_cross: bool) -> Link | None:
    kinds = (_nsaid_kind(culprit), _nsaid_kind(needed))
    if None in kinds or kinds[0] == "paracetamol":
        return None
    if kinds == ("cox1", "cox1") and nsaid_cross:
        return Link(Relation.CROSS, "in NSAID-exacerbated respiratory disease or NSAID-induced "
                    "urticaria every COX-1 inhibitor cross-reacts (EAACI/ENDA, Kowalski 2013)")
    if kinds == ("cox1", "cox2"):
        return Link(Relation.LOW, "selective COX-2 inhibitors are usually tolerated after "
                    "reactions to COX-1 inhibiting NSAIDs (EAACI/ENDA, Kowalski 2013)")
    if kinds[1] == "paracetamol":
        if not nsaid_cross:
            return None
        return Link(Relation.LOW, "paracetamol up to 1000 mg is usually tolerated in "
                    "NSAID-exacerbated disease (EAACI/ENDA, Kowalski 2013)")
    return Link(Relation.POSSIBLE, "a reaction to one NSAID may be to it alone or to all COX-1 "
                "inhibitors; a supervised challenge tells which (EAACI/ENDA, Kowalski 2013)")


def _groups(culprit: DrugMatch, needed: DrugMatch, _nsaid: bool) -> Link | None:
    for name, substances, atc, delayed, source in CROSS_GROUPS:
        if _in_group(culprit, substances, atc) and _in_group(needed, substances, atc):
            return Link(Relation.CROSS, f"both are {name}: {source}", delayed)
    for _name, substances, atc, source in POSSIBLE_GROUPS:
        if _in_group(culprit, substances, atc) and _in_group(needed, substances, atc):
            return Link(Relation.POSSIBLE, source)
    for _name, atc, source in LOW_GROUPS:
        if culprit.atc.startswith(atc) and needed.atc.startswith(atc):
            return Link(Relation.LOW, source)
    return None


def _in_group(drug: DrugMatch, substances: frozenset[str], atc: tuple[str, ...]) -> bool:
    return bool(drug.components & substances) or (bool(atc) and drug.atc.startswith(atc))


def cross_reacting_group(drug: DrugMatch | None) -> str | None:
    """The name of the cross-reacting group this drug belongs to, for avoid-advice."""
    if drug is None:
        return None
    if drug.drug_class.code in _BETA_LACTAM_CLASSES:
        return "beta-lactams"
    for name, substances, atc, _delayed, _source in CROSS_GROUPS:
        if _in_group(drug, substances, atc):
            return name
    return None
