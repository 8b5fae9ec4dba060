"""The words the directory speaks: drug classes, routes, statuses and listing facts.

One place for every code that appears in the database, the API, FHIR and the pages, so a code
is never spelt two ways. Plain data, no imports from the rest of the app.
"""
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DrugClass:
    code: str
    name: str
    group: str
    atc: tuple[str, ...]  # ATC prefixes (WHO Collaborating Centre for Drug Statistics)


DRUG_GROUPS = {
    "antibiotics": "Antibiotics",
    "chemotherapy": "Chemotherapy",
    "biologics": "Biologics",
    "aspirin_nsaids": "Aspirin and NSAIDs",
    "local_anaesthetics": "Local anaesthetics",
}

DRUG_CLASSES: dict[str, DrugClass] = {
    c.code: c
    for c in (
        DrugClass("penicillins", "Penicillins", "antibiotics", ("J01C",)),
        DrugClass("cephalosporins", "Cephalosporins", "antibiotics",
                  ("J01DB", "J01DC", "J01DD", "J01DE", "J01DI")),
        DrugClass("carbapenems", "Carbapenems", "antibiotics", ("J01DH",)),
        DrugClass("sulfonamides", "Sulfonamides", "antibiotics", ("J01E",)),
        # J04 (antimycobacterials) holds rifampicin and rifabutin.
        DrugClass("other_antibiotics", "Other antibiotics", "antibiotics", ("J01", "J04")),
        DrugClass("platinum", "Platinum compounds", "chemotherapy", ("L01XA",)),
        DrugClass("taxanes", "Taxanes", "chemotherapy", ("L01CD",)),
        DrugClass("other_chemotherapy", "Other chemotherapy", "chemotherapy", ("L01",)),
        # Anti-IgE, anti-IL-5 and anti-IL-4R antibodies sit under R03DX and D11AH.
        DrugClass("monoclonal_antibodies", "Monoclonal antibodies", "biologics",
                  ("L01F", "L04AB", "L04AC", "L04AG", "R03DX05", "R03DX08", "R03DX09",
                   "R03DX10", "D11AH05")),
        DrugClass("aspirin_nsaids", "Aspirin and NSAIDs", "aspirin_nsaids", ("N02BA", "M01A")),
        DrugClass("local_anaesthetics", "Local anaesthetics", "local_anaesthetics", ("N01B",)),
    )
}

# Drugs no center lists as a desensitization class (insulin, contrast, opioids, anticonvulsants…)
# still resolve, with this class, so that a reaction to them is recognised and judged.
OTHER_DRUGS = DrugClass("other", "Other drugs", "other", ())
ALL_DRUG_CLASSES = {**DRUG_CLASSES, OTHER_DRUGS.code: OTHER_DRUGS}

ROUTES = {"iv": "Intravenous", "oral": "Oral", "subcutaneous": "Subcutaneous"}

CENTER_STATUSES = ("pending", "active", "archived")

ACCEPTING_REFERRALS = {"yes": "Accepting referrals", "paused": "Referrals paused",
                       "closed": "Closed to new referrals",
                       "unknown": "Referral status not reported"}

REFERRAL_FROM = {"gp": "GP", "specialist": "Specialist",
                 "nurse_practitioner": "Nurse practitioner", "self": "Self-referral"}

COSTS = {"public": "Public (no charge for eligible patients)", "private": "Private (fees apply)",
         "both": "Public and private", "unknown": "Cost not reported"}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                    "Saturday", "Sunday"), strict=True))

ADULT_AGE = 18  # "for a child" means under 18 throughout the app


# ISO 639-1 two-letter language codes (ISO 639 Registration Authority), the primary subtag of
# most BCP 47 tags; three-letter ISO 639-2/3 codes are accepted by shape.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da
de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln
lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi
pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti
tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())


# English names of the community languages most spoken at home in Australia after English
# (ABS Census 2021), for pages; other tags are shown as typed.
LANGUAGE_NAMES = {"ar": "Arabic", "zh": "Chinese", "el": "Greek", "hi": "Hindi", "it": "Italian",
                  "ko": "Korean", "pa": "Punjabi", "es": "Spanish", "tl": "Tagalog",
                  "vi": "Vietnamese", "ne": "Nepali", "ur": "Urdu", "fa": "Persian",
                  "ta": "Tamil", "ja": "Japanese", "fr": "French", "de": "German"}


# language[-Script][-REGION] (BCP 47 shape) with a known two-letter language or any three-letter
# one, as a pattern an OpenAPI schema can carry too.
LANGUAGE_TAG = (f"(?:{'|'.join(sorted(ISO_639_1))}|[a-z]{{3}})"
                r"(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")


def language_name(tag: str) -> str:
    """"Vietnamese" for "vi"; "Chinese" for "zh-Hant"; an unknown tag as it is."""
    return LANGUAGE_NAMES.get(tag.split("-")[0], tag)


def is_language_tag(tag: str) -> bool:
    """A BCP 47 tag of language[-Script][-REGION] shape with a known two-letter language."""
    return re.fullmatch(LANGUAGE_TAG, tag) is not None
