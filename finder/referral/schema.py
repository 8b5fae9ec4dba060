"""A referral as typed by a patient or GP: its codes, its dataclasses and its validation.

`parse_referral` is the only way in from JSON (web form and API alike). It checks everything
once, reports every problem keyed by JSON path, and never raises anything but
`ReferralValidationError`, whatever shape the data has. Nothing here logs or stores.
"""
import datetime as dt
import re
from dataclasses import dataclass

from finder.drugs import DrugMatch, resolve_drug

URGENCIES = {"routine": "Routine", "soon": "Soon (weeks)", "urgent": "Urgent (days)"}

CONDITIONS = {
    "asthma": "Asthma",
    "pregnancy": "Pregnancy",
    "beta_blocker": "Takes a beta-blocker",
    "cardiovascular_disease": "Heart or blood-vessel disease",
    "mastocytosis": "Mastocytosis",
    # Where desensitization to a non-immediate reaction is established practice.
    "hiv": "HIV infection",
    "cystic_fibrosis": "Cystic fibrosis",
}

SYMPTOMS = {
    "urticaria": "Hives (urticaria)",
    "angioedema": "Swelling of lips, face or throat (angioedema)",
    "pruritus": "Itching",
    "flushing": "Flushing",
    "rash": "Rash",
    "bronchospasm": "Wheeze (bronchospasm)",
    "chest_tightness": "Tight chest without wheeze",
    "hypotension": "Low blood pressure (measured) or collapse",
    "fainting": "Fainted or nearly fainted",
    "anaphylaxis": "Anaphylaxis",
    "gastrointestinal": "Vomiting, diarrhoea or stomach cramps",
    "rigors": "Chills or shaking (rigors)",
    "sjs": "Stevens-Johnson syndrome",
    "ten": "Toxic epidermal necrolysis",
    "dress": "DRESS (drug reaction with eosinophilia and systemic symptoms)",
    "agep": "AGEP (acute generalised exanthematous pustulosis)",
    "blistering": "Blisters, raw skin, or sores in the mouth or eyes",
    "peeling": "Peeling skin as a rash faded, without blisters",
    "hepatitis": "Liver inflammation (hepatitis)",
    "nephritis": "Kidney inflammation (nephritis)",
    "pneumonitis": "Lung inflammation (pneumonitis)",
    "cytopenia": "Low blood counts (platelets or white cells destroyed)",
    "haemolysis": "Red blood cells destroyed (haemolytic anaemia)",
    "vasculitis": "Inflamed blood vessels (vasculitis)",
    "fever": "Fever",
    "serum_sickness": "Serum sickness (diagnosed by a doctor)",
    "serum_sickness_like": "Serum-sickness-like reaction (rash with joint pain or swelling)",
    "other": "Other or not sure",
}

# When the reaction began after the dose: the EAACI/ENDA split into immediate (within 1-6 hours)
# and non-immediate reactions rests on it.
ONSETS = {
    "under_1h": "Within 1 hour",
    "1_to_6h": "1 to 6 hours",
    "6_to_24h": "6 to 24 hours",
    "1_to_7_days": "1 to 7 days",
    "over_7_days": "More than 7 days",
    "unknown": "Not known",
}

TREATMENTS = {
    "adrenaline": "Adrenaline (epinephrine)",
    "antihistamine": "Antihistamine",
    "corticosteroid": "Steroid",
    "hospital_admission": "Hospital admission",
    "icu": "Intensive care",
}

MAX_REACTIONS = 20
MAX_TEXT = 200
MAX_YEARS = 120
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ReferralValidationError(ValueError):
    """The referral could not be read; `errors` maps a JSON path to a message for that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("invalid referral: " + ", ".join(sorted(errors)))
        self.errors = errors


@dataclass(frozen=True)
class PatientInput:
    age_years: int
    asthma: bool = False
    pregnancy: bool = False
    beta_blocker: bool = False
    cardiovascular_disease: bool = False
    mastocytosis: bool = False
    hiv: bool = False
    cystic_fibrosis: bool = False


@dataclass(frozen=True)
class ReactionInput:
    drug: str
    drug_match: DrugMatch | None
    symptoms: tuple[str, ...]
    date: dt.date | None = None     # at most one of date / years_ago; neither = time unknown
    years_ago: int | None = None
    onset: str = "unknown"          # an ONSETS code
    treatment_required: bool | None = None  # None = not known
    treatments: tuple[str, ...] = ()
    tolerated_since: bool = False
    perioperative: bool = False     # during an operation or anaesthesia


@dataclass(frozen=True)
class ReferralInput:
    drug: str
    drug_match: DrugMatch | None
    patient: PatientInput
    reactions: tuple[ReactionInput, ...]
    indication: str = ""
    urgency: str = "routine"
    location: str | None = None     # carried for the web layer to geocode; unused here
    aerd: bool | None = None        # None = infer from the reactions


class _Reader:
    """Collects field errors while reading one JSON value after another."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def text(self, obj: dict, key: str, path: str, *, required: bool) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path, "This field is required.")
            return None
        if not isinstance(value, str):
            self.fail(path, "Must be text.")
            return None
        if len(value) > MAX_TEXT:
            self.fail(path, f"At most {MAX_TEXT} characters.")
            return None
        return value.strip()

    def flag(self, obj: dict, key: str, path: str, default: bool | None = False) -> bool | None:
        value = obj.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.fail(path, "Must be true or false.")
            return default
        return value

    def whole_number(self, obj: dict, key: str, path: str, *, required: bool) -> int | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(path, "This field is required.")
            return None
        # bool is a subclass of int: `true` is not an age.
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "Must be a whole number.")
            return None
        if not 0 <= value <= MAX_YEARS:
            self.fail(path, f"Must be between 0 and {MAX_YEARS}.")
            return None
        return value

    def codes(self, obj: dict, key: str, path: str, allowed: dict[str, str]) -> tuple[str, ...]:
        value = obj.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, "Must be a list of codes.")
            return ()
        unknown = [v for v in value if not isinstance(v, str) or v not in allowed]
        if unknown:
            shown = ", ".join(repr(v)[:40] for v in unknown[:3])
            self.fail(path, f"Unknown code(s): {shown}. Allowed: {', '.join(allowed)}.")
            return ()
        return tuple(dict.fromkeys(value))  # drop repeats, keep order

    def past_date(self, obj: dict, key: str, path: str, today: dt.date) -> dt.date | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
            self.fail(path, "Must be a date as YYYY-MM-DD.")
            return None
        try:
            when = dt.date.fromisoformat(value)
        except ValueError:
            self.fail(path, "Not a real date.")
            return None
        if when > today:
            self.fail(path, "Cannot be in the future.")
            return None
        if today.year - when.year > MAX_YEARS:
            self.fail(path, f"Cannot be more than {MAX_YEARS} years ago.")
            return None
        return when


def parse_referral(data: object, today: dt.date) -> ReferralInput:
    """The referral in `data` (decoded JSON), drug names resolved to their classes.

    Raises ReferralValidationError with every field error found. A referral with no reactions
    is accepted: the assessment then asks for specialist review.
    """
    if not isinstance(data, dict):
        raise ReferralValidationError({"": "The referral must be a JSON object."})
    read = _Reader()
    drug = read.text(data, "drug", "drug", required=True)
    indication = read.text(data, "indication", "indication", required=False) or ""
    location = read.text(data, "location", "location", required=False)
    urgency = data.get("urgency") or "routine"
    if not isinstance(urgency, str) or urgency not in URGENCIES:
        read.fail("urgency", f"Must be one of: {', '.join(URGENCIES)}.")
    aerd = read.flag(data, "aerd", "aerd", default=None)
    patient = _read_patient(read, data.get("patient"))
    reactions = _read_reactions(read, data.get("reactions"), today)
    if read.errors:
        raise ReferralValidationError(read.errors)
    return ReferralInput(
        drug=drug, drug_match=resolve_drug(drug), patient=patient, reactions=reactions,
        indication=indication, urgency=urgency, location=location, aerd=aerd,
    )


def _read_patient(read: _Reader, obj: object) -> PatientInput | None:
    if not isinstance(obj, dict):
        read.fail("patient" if obj is not None else "patient.age_years",
                  "Must be an object." if obj is not None else "This field is required.")
        return None
    age = read.whole_number(obj, "age_years", "patient.age_years", required=True)
    flags = {c: read.flag(obj, c, f"patient.{c}") for c in CONDITIONS}
    return PatientInput(age_years=age, **flags) if age is not None else None


def _read_reactions(read: _Reader, value: object, today: dt.date) -> tuple[ReactionInput, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        read.fail("reactions", "Must be a list.")
        return ()
    if len(value) > MAX_REACTIONS:
        read.fail("reactions", f"At most {MAX_REACTIONS} reactions.")
        return ()
    parsed = (_read_reaction(read, item, f"reactions[{i}]", today) for i, item in enumerate(value))
    return tuple(r for r in parsed if r is not None)


def _read_reaction(read: _Reader, obj: object, path: str, today: dt.date) -> ReactionInput | None:
    if not isinstance(obj, dict):
        read.fail(path, "Must be an object.")
        return None
    before = len(read.errors)
    drug = read.text(obj, "drug", f"{path}.drug", required=True)
    when = read.past_date(obj, "date", f"{path}.date", today)
    years_ago = read.whole_number(obj, "years_ago", f"{path}.years_ago", required=False)
    if obj.get("date") is not None and obj.get("years_ago") is not None:
        read.fail(f"{path}.years_ago", "Give either a date or years ago, not both.")
    onset = obj.get("onset")
    onset = "unknown" if onset is None else onset
    if not isinstance(onset, str) or onset not in ONSETS:
        read.fail(f"{path}.onset", "Choose when the reaction started ('Not known' if nobody "
                                   "knows).")
    symptoms = read.codes(obj, "symptoms", f"{path}.symptoms", SYMPTOMS)
    if not symptoms:
        read.fail(f"{path}.symptoms", "Choose at least one symptom ('other' if unsure).")
    treatments = read.codes(obj, "treatments", f"{path}.treatments", TREATMENTS)
    # Listing a treatment means treatment was required, whatever the answer said; no answer
    # means not known.
    required = read.flag(obj, "treatment_required", f"{path}.treatment_required", None)
    required = True if treatments else required
    tolerated = read.flag(obj, "tolerated_since", f"{path}.tolerated_since")
    perioperative = read.flag(obj, "perioperative", f"{path}.perioperative")
    if len(read.errors) > before:
        return None
    return ReactionInput(
        drug=drug, drug_match=resolve_drug(drug), symptoms=symptoms, date=when,
        years_ago=years_ago, onset=onset, treatment_required=required, treatments=treatments,
        tolerated_since=tolerated, perioperative=perioperative,
    )
