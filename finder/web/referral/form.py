"""The referral form's fields ↔ the JSON referral that finder.referral.schema reads.

Field names are flat (`reactions-0-drug`, `patient-age_years`); `referral_from_form` turns
them into `{"reactions": [{"drug": ...}], "patient": {...}}` and `field_errors` maps the JSON
paths of a ReferralValidationError back to the field names, so each message sits beside the
field it is about. Values are passed through as typed: parse_referral judges them.
"""
import re

from werkzeug.datastructures import MultiDict

from finder.referral.assess import CONDITIONS, IMMEDIATE, NOT_DESENSITIZABLE, SYMPTOMS

EMPTY_REACTIONS_SHOWN = 3  # fieldsets a browser without JavaScript gets
MAX_REACTION_INDEX = 99  # higher indices are ignored: the form never makes them
_REACTION_KEY = re.compile(r"reactions-(\d{1,2})-(\w+)")
_REACTION_PATH = re.compile(r"reactions\[(\d+)\](?:\.(\w+))?")
_WHOLE_NUMBER = re.compile(r"-?\d{1,6}")

# Symptoms grouped as a GP or patient thinks of them: what happened within an hour or two,
# the severe late reactions that rule desensitization out, and the rest. A faint and chills
# during an infusion are listed with the early signs, though neither is an allergic sign.
_SOON = IMMEDIATE | {"fainting", "rigors", "chest_tightness"}
SYMPTOM_GROUPS = (
    ("immediate", "Soon after the dose (minutes to a couple of hours)",
     [c for c in SYMPTOMS if c in _SOON]),
    ("severe_delayed", "Serious reactions days or weeks later",
     [c for c in SYMPTOMS if c in NOT_DESENSITIZABLE]),
    ("other", "Other reactions",
     [c for c in SYMPTOMS if c not in _SOON and c not in NOT_DESENSITIZABLE]),
)
# Plain words for the medical names, shown under the label.
SYMPTOM_HINTS = {
    "anaphylaxis": "A sudden severe reaction affecting breathing or circulation",
    "sjs": "Painful rash with blisters, sores in the mouth or eyes",
    "ten": "Skin peeling off over large areas",
    "dress": "Rash, fever and swollen glands, often with liver trouble, 2-8 weeks after starting",
    "agep": "Many small pus-filled spots on red skin, with fever",
    "serum_sickness": "An immune-complex illness with fever, rash, joint pain and often kidney "
                      "involvement, one to three weeks after the dose",
    "serum_sickness_like": "Hives or target-shaped rash with painful swollen joints, days "
                           "after starting (often cefaclor or amoxicillin in children)",
    "chest_tightness": "A feeling of tightness with no wheeze heard",
    "cytopenia": "Low platelets or white cells found in a blood test",
    "haemolysis": "Red cells destroyed, found in a blood test (anaemia, jaundice)",
    "vasculitis": "Purple spots or patches, often on the legs, from inflamed blood vessels",
    "pneumonitis": "Cough and breathlessness from lung inflammation, days or weeks later",
    "hypotension": "Blood pressure measured low, or collapse",
    "fainting": "Passed out briefly, or nearly",
}

FIELD_LABELS = {"form": "The form", "drug": "Drug needed", "indication": "Why it is needed",
                "urgency": "Urgency", "location": "Town or postcode",
                "patient-age_years": "Age", "reactions": "Past reactions"}
REACTION_LABELS = {"drug": "drug", "date": "date", "years_ago": "years ago",
                   "onset": "when it started", "symptoms": "symptoms",
                   "treatment_required": "treatment", "treatments": "treatment",
                   "tolerated_since": "taken again since", "perioperative": "operation"}
# The treatment question's answers: "not known" is sent as no answer (null).
TREATMENT_ANSWERS = {"yes": True, "no": False}


def reaction_indices(form: MultiDict) -> list[int]:
    """The fieldset numbers present in a submitted form, in order."""
    found = {int(m.group(1)) for key in form if (m := _REACTION_KEY.fullmatch(key))}
    return sorted(i for i in found if i <= MAX_REACTION_INDEX)


def referral_from_form(form: MultiDict) -> tuple[dict, list[int]]:
    """The JSON referral, and for each reaction in it the fieldset number it came from.

    Fieldsets left completely empty are dropped, so the three shown without JavaScript
    cost nothing when only one reaction is described.
    """
    patient = {"age_years": _number(form.get("patient-age_years", ""))}
    patient.update({code: True for code in CONDITIONS if form.get(f"patient-{code}")})
    data = {"drug": _text(form, "drug"), "indication": _text(form, "indication"),
            "urgency": _text(form, "urgency"), "location": _text(form, "location"),
            "patient": patient}
    center = form.get("center", "").strip()
    if re.fullmatch(r"[0-9]{1,9}", center):
        data["center_id"] = int(center)  # whose listing answers the questions (not patient data)
    reactions, kept = [], []
    for index in reaction_indices(form):
        reaction = _reaction(form, f"reactions-{index}-")
        if reaction:
            reactions.append(reaction)
            kept.append(index)
    data["reactions"] = reactions
    return _without_none(data), kept


def _reaction(form: MultiDict, prefix: str) -> dict:
    reaction = _without_none({
        "drug": _text(form, prefix + "drug"),
        "date": _text(form, prefix + "date"),
        "years_ago": _number(form.get(prefix + "years_ago", "")),
        "onset": _text(form, prefix + "onset"),
        "symptoms": form.getlist(prefix + "symptoms") or None,
        "treatment_required": TREATMENT_ANSWERS.get(form.get(prefix + "treatment_required")),
        "treatments": form.getlist(prefix + "treatments") or None,
        "tolerated_since": True if form.get(prefix + "tolerated_since") else None,
        "perioperative": True if form.get(prefix + "perioperative") else None,
    })
    if reaction and "onset" not in reaction:
        reaction["onset"] = ""  # a required choice on the form ("Not known" is a choice)
    return reaction


def _text(form: MultiDict, name: str) -> str | None:
    value = form.get(name, "")
    return value if value.strip() else None


def _number(raw: str):
    """An int when it looks like one; otherwise the text, for parse_referral to refuse."""
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else raw


def _without_none(data: dict) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def field_errors(errors: dict[str, str], kept: list[int]) -> dict[str, str]:
    """Each JSON-path error under the name of the form field it is about."""
    fields: dict[str, str] = {}
    for path, message in errors.items():
        fields.setdefault(field_for_path(path, kept), message)
    return fields


def field_for_path(path: str, kept: list[int]) -> str:
    if path in ("drug", "indication", "urgency", "location"):
        return path
    if path.startswith("patient"):
        return "patient-age_years" if path in ("patient", "patient.age_years") else \
            path.replace(".", "-")
    found = _REACTION_PATH.fullmatch(path)
    if found and int(found.group(1)) < len(kept):
        index, name = kept[int(found.group(1))], found.group(2)
        return f"reactions-{index}-{name}" if name else f"reactions-{index}-drug"
    return "reactions" if path.startswith("reactions") else "form"


def error_summary(fields: dict[str, str], slots: list[int]) -> list[tuple[str, str, str]]:
    """(field name, label, message) for the list of problems at the top of the form; `slots`
    are the fieldset numbers in the order shown, so "Reaction 2" is the second one shown."""
    summary = []
    for name, message in fields.items():
        found = _REACTION_KEY.fullmatch(name)
        if found and int(found.group(1)) in slots:
            label = f"Reaction {slots.index(int(found.group(1))) + 1}, " + \
                REACTION_LABELS.get(found.group(2), found.group(2))
        else:
            label = FIELD_LABELS.get(name, name)
        summary.append((name, label, message))
    return summary
