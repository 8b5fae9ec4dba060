"""Clinical histories and the verdict a drug-allergy specialist would accept, each with the
published source it rests on. The table covers every verdict, every cross-reactivity rule,
children, and each defect of the first version (marked "defect")."""
from dataclasses import dataclass, field
from datetime import date

import pytest

from finder.referral.assess import VERDICTS, assess_referral, parse_referral

TODAY = date(2026, 1, 15)

AAAAI = "AAAAI/ACAAI Drug Allergy Practice Parameter 2022 (Khan DA et al., JACI 2022)"
ENDA = "EAACI/ENDA International Consensus on drug allergy (Demoly P et al., Allergy 2014)"
EAACI_DES = "EAACI position paper on drug desensitization (Cernadas JR et al., Allergy 2010)"
WAO = "WAO Anaphylaxis Guidance 2020 (Cardona V et al.); NIAID/FAAN (Sampson HA et al., 2006)"
PENFAST = "PEN-FAST (Trubiano JA et al., JAMA Intern Med 2020)"
KOWALSKI = "EAACI/ENDA NSAID hypersensitivity classification (Kowalski ML et al., Allergy 2013)"
SIDE_CHAIN = f"{AAAAI}; Zagursky RJ, Pichichero ME, JACI Pract 2018 (R1 side chains)"
MILL = f"Mill C et al., JAMA Pediatr 2016 (direct oral challenge in children); {AAAAI}"
ISPAR = "ISPAR perioperative hypersensitivity consensus (Garvey LH et al., Br J Anaesth 2019)"
CASTELLS = f"Castells' phenotypes of infusion reactions; {AAAAI}"
CONTRAST = "ENDA/EAACI position paper on contrast media hypersensitivity (Torres MJ, 2021)"
HIT = "ASH guideline on heparin-induced thrombocytopenia (Cuker A et al., Blood Adv 2018)"
CHUNG = "Chung CH et al., N Engl J Med 2008 (cetuximab and alpha-gal)"
JTF2010 = "Joint Task Force drug allergy practice parameter 2010 (aromatic anticonvulsants)"


def rx(drug, *symptoms, onset="under_1h", **fields):
    return {"drug": drug, "symptoms": list(symptoms), "onset": onset, **fields}


@dataclass(frozen=True)
class Case:
    history: str
    drug: str
    reactions: tuple
    verdict: str
    source: str
    age: int = 54
    patient: dict = field(default_factory=dict)
    says: tuple = ()        # words that must be in the reasons
    reason: str | None = None  # the code of the reason that decides
    extra: dict = field(default_factory=dict)  # other top-level fields (aerd)

    def assess(self):
        data = {"drug": self.drug, "patient": {"age_years": self.age, **self.patient},
                "reactions": list(self.reactions), **self.extra}
        return assess_referral(parse_referral(data, TODAY), TODAY)


CASES = (
    # --- the defects of the first version ---------------------------------------------------
    Case("defect: carboplatin hives this year, SJS on lamotrigine 15 years ago",
         "carboplatin", (rx("carboplatin", "urticaria", years_ago=0),
                         rx("lamotrigine", "sjs", onset="1_to_7_days", years_ago=15)),
         "candidate", EAACI_DES, reason="immediate_reaction",
         says=("severe reaction (Stevens-Johnson syndrome) to lamotrigine; avoid lamotrigine",)),
    Case("defect: interstitial nephritis on omeprazole, oxaliplatin needed", "oxaliplatin",
         (rx("omeprazole", "nephritis", onset="over_7_days"),), "not_needed", EAACI_DES,
         says=("avoid omeprazole",)),
    Case("defect: contrast anaphylaxis, carboplatin needed", "carboplatin",
         (rx("Omnipaque", "anaphylaxis"),), "not_needed", CONTRAST, reason="no_related_reaction"),
    Case("defect: ciprofloxacin hives, vancomycin needed", "vancomycin",
         (rx("ciprofloxacin", "urticaria"),), "not_needed", AAAAI),
    Case("defect: infliximab hives, trastuzumab needed", "trastuzumab",
         (rx("infliximab", "urticaria"),), "not_needed", EAACI_DES),
    Case("defect: cefaclor serum-sickness-like reaction at 4, amoxicillin needed",
         "amoxicillin", (rx("cefaclor", "serum_sickness_like", onset="1_to_7_days"),),
         "specialist_review", f"{AAAAI}; JTF 2010 (cefaclor SSLR is drug-specific)", age=4,
         reason="serum_sickness_like"),
    Case("true serum sickness on cefaclor, amoxicillin needed (side chains are an IgE link)",
         "amoxicillin", (rx("cefaclor", "serum_sickness", onset="1_to_7_days"),),
         "specialist_review", f"{AAAAI}; {SIDE_CHAIN}", reason="severe_reaction_to_a_near_drug"),
    Case("review: cisplatin kidney damage, carboplatin needed (toxicity, not allergy)",
         "carboplatin", (rx("cisplatin", "nephritis", onset="over_7_days"),),
         "specialist_review", "Cisplatin nephrotoxicity is dose-related (oncology practice)",
         reason="possible_side_effect", says=("oncologist",)),
    Case("review: low blood counts after carboplatin, carboplatin needed (myelosuppression)",
         "carboplatin", (rx("carboplatin", "cytopenia", onset="1_to_7_days"),),
         "specialist_review", "Carboplatin myelosuppression (product information)",
         reason="possible_side_effect"),
    Case("review: capecitabine hand-foot peeling, capecitabine needed", "Xeloda",
         (rx("capecitabine", "blistering", onset="over_7_days"),), "specialist_review",
         "Hand-foot syndrome is a capecitabine toxicity (product information)",
         reason="possible_side_effect"),
    Case("review: oxaliplatin immune thrombocytopenia, oxaliplatin needed", "oxaliplatin",
         (rx("oxaliplatin", "cytopenia", onset="1_to_6h"),), "not_suitable", EAACI_DES),
    Case("review: amoxicillin rash then peeling without blisters", "amoxicillin",
         (rx("amoxicillin", "rash", "peeling", onset="1_to_7_days", years_ago=10,
             treatment_required=False),), "consider_delabelling", PENFAST),
    Case("review: DRESS on vancomycin, teicoplanin needed (glycopeptides)", "teicoplanin",
         (rx("vancomycin", "dress", onset="over_7_days"),), "not_suitable",
         "Konvinse KC et al., JACI 2019 (vancomycin DRESS, HLA-A*32:01)"),
    Case("review: SJS on co-trimoxazole, dapsone needed", "dapsone",
         (rx("co-trimoxazole", "sjs", onset="1_to_7_days"),), "specialist_review",
         "Holtzer CD et al., Pharmacotherapy 1998 (dapsone in sulfonamide allergy)"),
    Case("review: gelatin anaphylaxis, cetuximab needed (alpha-gal)", "cetuximab",
         (rx("Gelofusine", "anaphylaxis", perioperative=False),), "test_first", CHUNG),
    Case("review: perioperative anaphylaxis blamed on rocuronium, cefazolin needed",
         "cefazolin", (rx("rocuronium", "urticaria", "hypotension"),), "test_first", ISPAR,
         reason="perioperative_agents_untested"),
    Case("review: vancomycin flushing with low blood pressure", "vancomycin",
         (rx("vancomycin", "flushing", "hypotension"),), "specialist_review", AAAAI,
         reason="vancomycin_infusion_hypotension"),
    Case("review: rituximab anaphylaxis, obinutuzumab needed (same target)", "obinutuzumab",
         (rx("rituximab", "anaphylaxis"),), "test_first", AAAAI),
    Case("review: urticaria and hypotension on amoxicillin 10 years ago, no treatment",
         "amoxicillin", (rx("amoxicillin", "urticaria", "hypotension", years_ago=10,
                            treatment_required=False),), "test_first", f"{PENFAST}; {AAAAI}",
         reason="penicillin_anaphylaxis_low_score"),
    Case("review: chest tightness alone after carboplatin", "carboplatin",
         (rx("carboplatin", "chest_tightness"),), "test_first", WAO),
    Case("review: codeine itch and hives, morphine needed (histamine release)", "morphine",
         (rx("codeine", "pruritus", "urticaria"),), "test_first", AAAAI,
         reason="opioid_histamine_release", says=("fentanyl",)),
    Case("review: itching alone on morphine, morphine needed", "morphine",
         (rx("morphine", "pruritus"),), "not_needed", AAAAI, reason="opioid_itch"),
    Case("review: chlorhexidine anaphylaxis, chlorhexidine needed", "chlorhexidine",
         (rx("chlorhexidine", "anaphylaxis"),), "specialist_review", ISPAR,
         reason="chlorhexidine", says=("povidone-iodine",)),
    Case("review: ibuprofen and naproxen hives, diclofenac needed for pain", "diclofenac",
         (rx("ibuprofen", "urticaria"), rx("naproxen", "urticaria")), "specialist_review",
         KOWALSKI, reason="nsaid_urticaria"),
    Case("review: NSAID hives in an asthmatic without wheeze, aspirin needed for a stent",
         "aspirin", (rx("ibuprofen", "urticaria"), rx("naproxen", "urticaria")), "candidate",
         KOWALSKI, patient={"asthma": True}, reason="immediate_reaction"),
    Case("defect: an unrecognised culprit is never assumed related", "carboplatin",
         (rx("zorbex", "anaphylaxis"),), "specialist_review", AAAAI,
         reason="unrecognised_culprit"),
    Case("defect: serum sickness to the drug needed", "infliximab",
         (rx("infliximab", "serum_sickness", onset="1_to_7_days"),), "not_suitable", EAACI_DES),
    Case("review 2: low counts 10 days after oxaliplatin are marrow toxicity, not allergy",
         "oxaliplatin", (rx("oxaliplatin", "cytopenia", onset="over_7_days"),),
         "specialist_review", "Curtis BR et al., Blood 2006 (oxaliplatin immune thrombocytopenia "
         "within hours)", reason="possible_side_effect"),
    Case("review 2: pembrolizumab pneumonitis is an immune-related adverse event",
         "pembrolizumab", (rx("pembrolizumab", "pneumonitis", onset="over_7_days"),),
         "specialist_review", "ASCO guideline on immune-related adverse events (Schneider BJ "
         "et al., J Clin Oncol 2021)", reason="possible_side_effect"),
    Case("review 2: nivolumab hepatitis and vasculitis, nivolumab needed", "nivolumab",
         (rx("nivolumab", "hepatitis", "vasculitis", onset="over_7_days"),),
         "specialist_review", "Schneider BJ et al., J Clin Oncol 2021", reason="possible_side_effect"),
    Case("review 2: SJS on pembrolizumab is still a severe cutaneous reaction", "pembrolizumab",
         (rx("pembrolizumab", "sjs", onset="1_to_7_days"),), "not_suitable", EAACI_DES),
    Case("defect: immune cytopenia to the drug needed", "oxaliplatin",
         (rx("oxaliplatin", "cytopenia", onset="1_to_6h"),), "not_suitable", EAACI_DES),
    Case("defect: haemolytic anaemia to the drug needed", "ceftriaxone",
         (rx("ceftriaxone", "haemolysis", onset="1_to_7_days"),), "not_suitable", EAACI_DES),
    Case("defect: itching and a rash two days later is not immediate", "carboplatin",
         (rx("carboplatin", "pruritus", "rash", onset="1_to_7_days"),), "specialist_review",
         ENDA),
    Case("defect: a faint alone after lidocaine is not anaphylaxis", "lidocaine",
         (rx("lidocaine", "fainting"),), "consider_delabelling", f"{WAO}; {AAAAI}",
         reason="faint_after_local_anaesthetic"),
    Case("defect: penicillin bronchospasm with vomiting is anaphylaxis for PEN-FAST",
         "amoxicillin", (rx("amoxicillin", "bronchospasm", "gastrointestinal", years_ago=2,
                            treatments=["adrenaline"]),),
         "candidate", f"{PENFAST}; {WAO}", reason="high_risk_penicillin_history"),
    Case("defect: penicillin SJS is not suitable, without a PEN-FAST beside it", "amoxicillin",
         (rx("amoxicillin", "sjs", onset="1_to_7_days", years_ago=3),), "not_suitable",
         f"{EAACI_DES}; {PENFAST}"),
    Case("defect: vancomycin flushing during the infusion is not allergy", "vancomycin",
         (rx("vancomycin", "flushing", "pruritus"),), "not_needed", AAAAI,
         reason="vancomycin_infusion_reaction", says=("slower infusion",)),
    Case("defect: candidate says testing usually comes first", "paclitaxel",
         (rx("paclitaxel", "urticaria", "angioedema"),), "candidate", EAACI_DES,
         says=("skin testing or a challenge first",)),
    # --- not_needed ---------------------------------------------------------------------------
    Case("no reaction described", "carboplatin", (), "not_needed", AAAAI,
         reason="no_reactions"),
    Case("no reaction bears on the drug: morphine hives, ibuprofen needed", "ibuprofen",
         (rx("morphine", "urticaria"),), "not_needed", AAAAI),
    Case("the drug was taken again since without a reaction", "amoxicillin",
         (rx("amoxicillin", "urticaria", years_ago=3, tolerated_since=True),), "not_needed",
         AAAAI, reason="tolerated_since"),
    Case("fever and chills on the first rituximab infusion (cytokine release)", "rituximab",
         (rx("rituximab", "fever", "rigors"),), "not_needed", CASTELLS,
         reason="cytokine_release_reaction", says=("premedication",)),
    Case("cetuximab anaphylaxis, panitumumab needed", "panitumumab",
         (rx("cetuximab", "anaphylaxis"),), "not_needed", CHUNG),
    Case("co-trimoxazole hives, furosemide needed (non-antibiotic sulfonamide)", "furosemide",
         (rx("Bactrim", "urticaria"),), "not_needed", AAAAI),
    Case("co-trimoxazole SJS, hydrochlorothiazide needed", "hydrochlorothiazide",
         (rx("co-trimoxazole", "sjs", onset="1_to_7_days"),), "not_needed", AAAAI,
         says=("avoid co-trimoxazole and other sulfonamide antibiotics",)),
    Case("amoxicillin hives, cefazolin needed (no shared side chain)", "cefazolin",
         (rx("amoxicillin", "urticaria", years_ago=4),), "not_needed", SIDE_CHAIN,
         reason="low_cross_reactivity"),
    Case("cefalexin hives, ceftriaxone needed (dissimilar side chains)", "ceftriaxone",
         (rx("cefalexin", "urticaria"),), "not_needed", SIDE_CHAIN),
    Case("penicillin hives, meropenem needed (carbapenem)", "meropenem",
         (rx("penicillin", "urticaria", years_ago=8),), "not_needed", AAAAI),
    Case("penicillin anaphylaxis, aztreonam needed (monobactam)", "aztreonam",
         (rx("benzylpenicillin", "anaphylaxis"),), "not_needed", SIDE_CHAIN),
    Case("ibuprofen hives, paracetamol needed, no asthma", "paracetamol",
         (rx("ibuprofen", "urticaria"),), "not_needed", KOWALSKI),
    Case("lidocaine hives, articaine needed (amides rarely cross-react)", "articaine",
         (rx("lidocaine", "urticaria"),), "not_needed", AAAAI),
    Case("morphine hives, fentanyl needed (structurally different opioid)", "fentanyl",
         (rx("morphine", "urticaria"),), "not_needed", AAAAI),
    # --- consider_delabelling -----------------------------------------------------------------
    Case("adult: amoxicillin rash 10 years ago, no treatment (PEN-FAST 0)", "amoxicillin",
         (rx("amoxicillin", "rash", onset="1_to_7_days", years_ago=10,
             treatment_required=False),), "consider_delabelling", PENFAST,
         reason="low_risk_penicillin_history"),
    Case("adult: penicillin hives 20 years ago, treatment not known (PEN-FAST 1)",
         "benzylpenicillin", (rx("penicillin", "urticaria", years_ago=20),),
         "consider_delabelling", PENFAST),
    Case("child: delayed rash on amoxicillin at 3", "amoxicillin",
         (rx("amoxicillin", "rash", onset="1_to_7_days", years_ago=1),),
         "consider_delabelling", MILL, age=4, reason="child_benign_rash"),
    Case("child: hives alone within an hour of amoxicillin, treated", "Augmentin",
         (rx("amoxicillin", "urticaria", years_ago=0, treatments=["antihistamine"]),),
         "consider_delabelling", MILL, age=7, reason="child_benign_rash"),
    Case("child: rash on cefalexin, cefalexin needed", "cefalexin",
         (rx("Keflex", "rash", onset="1_to_7_days"),), "consider_delabelling", MILL, age=11),
    Case("benign rash on co-trimoxazole, co-trimoxazole needed (no HIV)", "co-trimoxazole",
         (rx("Bactrim", "rash", onset="1_to_7_days"),), "consider_delabelling", AAAAI,
         reason="benign_sulfonamide_rash"),
    Case("itching alone after lidocaine at the dentist", "lidocaine",
         (rx("lignocaine", "pruritus"),), "consider_delabelling", AAAAI,
         reason="local_anaesthetic_reaction"),
    # --- test_first ---------------------------------------------------------------------------
    Case("adult: amoxicillin rash 2 years ago, antihistamine (PEN-FAST 3)", "amoxicillin",
         (rx("amoxicillin", "rash", onset="6_to_24h", years_ago=2,
             treatments=["antihistamine"]),), "test_first", PENFAST,
         reason="moderate_risk_penicillin_history"),
    Case("perioperative anaphylaxis, cefazolin among the agents", "cefazolin",
         (rx("cefazolin", "hypotension", "urticaria", perioperative=True),), "test_first",
         ISPAR, reason="perioperative_reaction"),
    Case("rocuronium anaphylaxis, vecuronium needed (muscle relaxants cross-react)",
         "vecuronium", (rx("rocuronium", "anaphylaxis"),), "test_first", ISPAR),
    Case("hives on carboplatin, onset not known", "carboplatin",
         (rx("carboplatin", "urticaria", onset="unknown"),), "test_first", ENDA,
         reason="unclear_timing_immediate_signs"),
    Case("flushing alone within an hour of oxaliplatin", "oxaliplatin",
         (rx("oxaliplatin", "flushing"),), "test_first", ENDA,
         reason="uncertain_immediate_reaction"),
    Case("iohexol anaphylaxis, iopamidol needed (iodinated contrast)", "iopamidol",
         (rx("iohexol", "anaphylaxis"),), "test_first", CONTRAST, reason="contrast_reaction"),
    Case("ibuprofen hives (single NSAID), naproxen needed, no asthma", "naproxen",
         (rx("ibuprofen", "urticaria"),), "test_first", KOWALSKI,
         reason="cross_reactivity_to_test"),
    Case("lidocaine anaphylaxis, lidocaine needed", "lidocaine",
         (rx("lidocaine", "urticaria", "bronchospasm"),), "test_first", AAAAI,
         reason="local_anaesthetic_anaphylaxis"),
    Case("amoxicillin anaphylaxis, ceftriaxone needed (dissimilar side chain)", "ceftriaxone",
         (rx("amoxicillin", "anaphylaxis", years_ago=10),), "test_first", SIDE_CHAIN,
         reason="low_cross_reactivity_after_anaphylaxis"),
    Case("adult: delayed rash on cefalexin, cefalexin needed", "cefalexin",
         (rx("cefalexin", "rash", onset="1_to_7_days"),), "test_first", AAAAI,
         reason="benign_delayed_antibiotic_rash"),
    Case("NSAID respiratory disease, celecoxib needed (COX-2 after bronchospasm)", "celecoxib",
         (rx("aspirin", "bronchospasm"),), "test_first", KOWALSKI, patient={"asthma": True},
         reason="nerd_low_cross_reactivity"),
    # --- candidate ----------------------------------------------------------------------------
    Case("carboplatin anaphylaxis, cisplatin needed (platinum compounds)", "cisplatin",
         (rx("carboplatin", "anaphylaxis"),), "candidate", EAACI_DES),
    Case("paclitaxel anaphylaxis, docetaxel needed (taxanes)", "docetaxel",
         (rx("Taxol", "urticaria", "hypotension"),), "candidate", EAACI_DES),
    Case("rituximab hives and wheeze, rituximab needed", "rituximab",
         (rx("MabThera", "urticaria", "bronchospasm"),), "candidate", EAACI_DES),
    Case("cetuximab anaphylaxis, cetuximab needed: panitumumab named", "cetuximab",
         (rx("cetuximab", "anaphylaxis"),), "candidate", CHUNG, says=("Panitumumab",)),
    Case("amoxicillin anaphylaxis, cefalexin needed (shared side chain)", "cefalexin",
         (rx("amoxicillin", "anaphylaxis", years_ago=1, treatments=["adrenaline"]),),
         "candidate", f"{SIDE_CHAIN}; {PENFAST}"),
    Case("ceftriaxone anaphylaxis, cefotaxime needed (same side chain)", "cefotaxime",
         (rx("ceftriaxone", "anaphylaxis"),), "candidate", SIDE_CHAIN),
    Case("ceftazidime anaphylaxis, aztreonam needed (identical side chain)", "aztreonam",
         (rx("ceftazidime", "anaphylaxis"),), "candidate", SIDE_CHAIN),
    Case("meropenem anaphylaxis, imipenem needed (carbapenems)", "imipenem with cilastatin",
         (rx("meropenem", "anaphylaxis"),), "candidate", AAAAI),
    Case("ciprofloxacin anaphylaxis, levofloxacin needed (fluoroquinolones)", "levofloxacin",
         (rx("ciprofloxacin", "anaphylaxis"),), "candidate", AAAAI),
    Case("NSAID respiratory disease in asthma, aspirin needed", "aspirin",
         (rx("ibuprofen", "bronchospasm"),), "candidate", KOWALSKI, patient={"asthma": True},
         reason="aerd", says=("celecoxib",)),
    Case("aspirin-exacerbated respiratory disease flagged, no reaction listed", "aspirin", (),
         "candidate", KOWALSKI, patient={"asthma": True}, extra={"aerd": True},
         reason="aerd"),
    Case("benign rash on co-trimoxazole in HIV, co-trimoxazole needed", "co-trimoxazole",
         (rx("co-trimoxazole", "rash", onset="1_to_7_days"),), "candidate", AAAAI,
         patient={"hiv": True}, reason="hiv_cotrimoxazole"),
    Case("fever and rash on co-trimoxazole in HIV, co-trimoxazole needed", "Bactrim",
         (rx("Bactrim", "fever", "rash", onset="1_to_7_days"),), "candidate", AAAAI,
         patient={"hiv": True}, reason="hiv_cotrimoxazole"),
    Case("delayed rash on piperacillin-tazobactam in cystic fibrosis", "Tazocin",
         (rx("piperacillin-tazobactam", "rash", "fever", onset="1_to_7_days"),), "candidate",
         EAACI_DES, patient={"cystic_fibrosis": True}, reason="cystic_fibrosis_beta_lactam"),
    Case("insulin aspart hives and swelling, insulin lispro needed", "Humalog",
         (rx("NovoRapid", "urticaria", "angioedema"),), "candidate", EAACI_DES),
    Case("ferric carboxymaltose anaphylaxis, iron sucrose needed", "Venofer",
         (rx("Ferinject", "urticaria", "hypotension"),), "specialist_review",
         "European Medicines Agency review of intravenous iron, 2013; Rampton D et al., "
         "Haematologica 2014", reason="iron_infusion_reaction"),
    Case("child: amoxicillin anaphylaxis, amoxicillin needed (not judged by PEN-FAST)",
         "amoxicillin", (rx("amoxicillin", "urticaria", "bronchospasm", years_ago=10,
                            treatment_required=False),), "candidate", f"{MILL}; {PENFAST}",
         age=12, reason="immediate_reaction"),
    # --- specialist_review --------------------------------------------------------------------
    Case("the drug needed is not recognised", "zorblatinib", (rx("carboplatin", "urticaria"),),
         "specialist_review", AAAAI, reason="unknown_drug"),
    Case("fever, chills and hives on rituximab (mixed infusion reaction)", "rituximab",
         (rx("rituximab", "fever", "urticaria"),), "specialist_review", CASTELLS,
         reason="mixed_infusion_reaction"),
    Case("a faint alone after carboplatin", "carboplatin", (rx("carboplatin", "fainting"),),
         "specialist_review", WAO, reason="faint_only"),
    Case("swelling that began three days after docetaxel", "docetaxel",
         (rx("docetaxel", "angioedema", onset="1_to_7_days"),), "specialist_review", ENDA,
         reason="late_allergic_signs"),
    Case("SJS on amoxicillin, ceftriaxone needed (dissimilar side chain)", "ceftriaxone",
         (rx("amoxicillin", "sjs", onset="1_to_7_days"),), "specialist_review", AAAAI,
         reason="severe_reaction_to_a_near_drug"),
    Case("DRESS on carboplatin, yet carboplatin tolerated since", "carboplatin",
         (rx("carboplatin", "dress", onset="over_7_days", tolerated_since=True),),
         "specialist_review", EAACI_DES, reason="severe_yet_tolerated"),
    Case("vomiting alone, onset not known, on oxaliplatin", "oxaliplatin",
         (rx("oxaliplatin", "gastrointestinal", onset="unknown"),), "specialist_review", ENDA,
         reason="timing_unknown"),
    # --- not_suitable -------------------------------------------------------------------------
    Case("TEN on allopurinol, allopurinol needed", "Zyloprim",
         (rx("allopurinol", "ten", onset="over_7_days"),), "not_suitable", EAACI_DES),
    Case("DRESS on vancomycin, vancomycin needed", "vancomycin",
         (rx("vancomycin", "dress", "fever", onset="over_7_days"),), "not_suitable", EAACI_DES),
    Case("AGEP on amoxicillin-clavulanate, amoxicillin needed", "amoxicillin",
         (rx("Augmentin", "agep", onset="1_to_7_days"),), "not_suitable", EAACI_DES),
    Case("generalised bullous fixed drug eruption on naproxen", "naproxen",
         (rx("naproxen", "blistering", onset="6_to_24h"),), "not_suitable", EAACI_DES),
    Case("drug-induced hepatitis on flucloxacillin, flucloxacillin needed", "flucloxacillin",
         (rx("flucloxacillin", "hepatitis", onset="over_7_days"),), "not_suitable", EAACI_DES),
    Case("pneumonitis on nitrofurantoin, nitrofurantoin needed", "nitrofurantoin",
         (rx("nitrofurantoin", "pneumonitis", onset="over_7_days"),), "not_suitable",
         EAACI_DES),
    Case("vasculitis on co-trimoxazole, sulfasalazine needed",
         "sulfasalazine", (rx("co-trimoxazole", "vasculitis", onset="1_to_7_days"),),
         "not_suitable", f"{AAAAI} (sulfasalazine releases sulfapyridine)"),
    Case("abacavir hypersensitivity (fever, rash), Kivexa needed", "Kivexa",
         (rx("abacavir", "fever", "rash", "gastrointestinal", onset="1_to_7_days"),),
         "not_suitable", f"{AAAAI} (HLA-B*57:01 abacavir hypersensitivity)"),
    Case("child: SJS on co-trimoxazole at 9, co-trimoxazole needed", "Bactrim",
         (rx("co-trimoxazole", "sjs", onset="1_to_7_days"),), "not_suitable", EAACI_DES,
         age=9),
    Case("SJS on carbamazepine, phenytoin needed (aromatic anticonvulsants)", "phenytoin",
         (rx("Tegretol", "sjs", onset="over_7_days"),), "not_suitable", JTF2010),
    Case("heparin-induced thrombocytopenia, enoxaparin needed", "Clexane",
         (rx("heparin", "cytopenia", onset="1_to_7_days"),), "not_suitable", HIT,
         says=("Fondaparinux",)),
)


@pytest.mark.parametrize("case", CASES, ids=[c.history for c in CASES])
def test_clinical_history_gets_the_verdict_a_specialist_accepts(case):
    result = case.assess()
    reasons = " ".join(n.message for n in result.reasons)
    assert result.verdict == case.verdict, reasons
    if case.reason:
        assert result.reasons[0].code == case.reason, reasons
    for words in case.says:
        assert words.lower() in reasons.lower(), reasons
    # What every verdict promises.
    text = str(result.to_dict()).lower()
    assert "do not take" not in text and "does not cross-react" not in text
    if case.verdict != "candidate" or case.reason != "aerd":
        assert "anaphylaxis to aspirin" not in text
    if result.verdict == "not_suitable":
        assert result.pen_fast is None


def test_the_table_covers_every_verdict_and_children():
    assert {c.verdict for c in CASES} == set(VERDICTS)
    assert len(CASES) >= 60
    children = [c for c in CASES if c.age < 18]
    assert {c.verdict for c in children} >= {"consider_delabelling", "candidate", "not_suitable"}
    assert all(c.source for c in CASES)
