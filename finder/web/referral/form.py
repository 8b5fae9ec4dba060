"""The referral form's fields ↔ the JSON referral, both read from the input model.

Field names are flat (`drug`, `patient-age_years`, `reactions-0-drug`, `tests-tryptase-result`);
which fields exist, how each is read (text, number, tick box, list of codes) and its label all
come from finder.referral.schema, so a field added to the model is read from the form and
labelled in the list of problems without an edit here. Values pass through as typed: the
model judges them. `field_errors` maps the model's JSON paths back to the field names.
"""
import re
import types
import typing

from werkzeug.datastructures import MultiDict

from finder.referral.assess import IMMEDIATE, NOT_DESENSITIZABLE
from finder.referral.codes import SYMPTOMS, TESTS
from finder.referral.schema import PatientInput, ReactionInput, ReferralInput, TestDone

MAX_REACTION_INDEX = 99  # higher indices are ignored: the form never makes them
_REACTION_KEY = re.compile(r"reactions-(\d{1,2})-(\w+)")
_ITEM_PATH = re.compile(r"(reactions|tests)\[(\d+)\](?:\.(\w+))?")
_WHOLE_NUMBER = re.compile(r"-?\d{1,6}")
_NUMBER = re.compile(r"-?\d{1,6}(?:[.,]\d{1,3})?")
_NESTED = {"patient", "reactions", "tests"}
NOT_FROM_FORM = {"center_id"}  # read from the `center` field, a listing's id

# Symptoms grouped as a GP or patient thinks of them: what happened within an hour or two,
# the severe late reactions that rule desensitization out, and the rest.
SYMPTOM_GROUPS = (
    ("immediate", "Soon after the dose (minutes to a couple of hours)",
     [c for c in SYMPTOMS if c in IMMEDIATE]),
    ("severe_delayed", "Serious reactions days or weeks later",
     [c for c in SYMPTOMS if c in NOT_DESENSITIZABLE]),
    ("other", "Other reactions",
     [c for c in SYMPTOMS if c not in IMMEDIATE and c not in NOT_DESENSITIZABLE]),
)
# Plain words for the medical names, shown under the label.
SYMPTOM_HINTS = {
    "anaphylaxis": "A sudden severe reaction affecting breathing or circulation",
    "sjs": "Painful rash with blisters, sores in the mouth or eyes",
    "ten": "Skin peeling off over large areas",
    "dress": "Rash, fever and swollen glands, often with liver trouble, 2-8 weeks after starting",
    "agep": "Many small pus-filled spots on red skin, with fever",
    "serum_sickness": "Fever, rash and joint pain one to three weeks after the dose",
    "cytopenia": "Low blood cells found in a blood test",
}


def _kind(annotation) -> str:
    """How a model field is typed into the form: codes, flag, whole, number or text."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _kind(typing.get_args(annotation)[0])
    if origin is tuple:
        return "codes"
    if annotation is bool:
        return "flag"
    if annotation is int:
        return "whole"
    if annotation is float:
        return "number"
    return "text"


def _fields(model) -> dict[str, str]:
    return {name: _kind(info.annotation) for name, info in model.model_fields.items()
            if name not in _NESTED and name not in NOT_FROM_FORM}


def _labels() -> dict[str, str]:
    """Field name → its title in the model, for every field of the form."""
    found = {"form": "The form", "reactions": "Past reactions", "tests": "Tests already done",
             "patient": "The patient"}
    for name, info in ReferralInput.model_fields.items():
        found.setdefault(name, info.title or name)
    found.update({f"patient-{n}": i.title or n for n, i in PatientInput.model_fields.items()})
    return found


# Read off the models once: each form field's kind, and every field's label.
FIELDS = {model: _fields(model) for model in (ReferralInput, PatientInput, ReactionInput)}
TEST_FIELDS = {name: kind for name, kind in _fields(TestDone).items() if name != "kind"}
LABELS = _labels()


def _read(form: MultiDict, prefix: str, fields: dict[str, str]) -> dict:
    values = {}
    for name, kind in fields.items():
        key = prefix + name
        if kind == "codes":
            values[name] = form.getlist(key) or None
        elif kind == "flag":  # a checkbox, or a yes / no / not known choice ("false" is no)
            values[name] = False if form.get(key) == "false" else (True if form.get(key) else None)
        else:
            raw = form.get(key, "")
            values[name] = _number(raw, kind) if kind in ("whole", "number") else \
                (raw if raw.strip() else None)
    return {key: value for key, value in values.items() if value is not None}


def _number(raw: str, kind: str):
    """A number when it looks like one; otherwise the text, for the model to refuse."""
    raw = raw.strip()
    if not raw:
        return None
    if kind == "whole" and _WHOLE_NUMBER.fullmatch(raw):
        return int(raw)
    if kind == "number" and _NUMBER.fullmatch(raw):
        return float(raw.replace(",", "."))
    return raw


def reaction_indices(form: MultiDict) -> list[int]:
    """The fieldset numbers present in a submitted form, in order."""
    found = {int(m.group(1)) for key in form if (m := _REACTION_KEY.fullmatch(key))}
    return sorted(i for i in found if i <= MAX_REACTION_INDEX)


def referral_from_form(form: MultiDict) -> tuple[dict, list[int], list[str]]:
    """The JSON referral, and for each reaction and test in it the fieldset it came from.

    Reaction fieldsets and test rows left completely empty are dropped.
    """
    data = _read(form, "", FIELDS[ReferralInput])
    data["patient"] = _read(form, "patient-", FIELDS[PatientInput])
    center = form.get("center", "").strip()
    if re.fullmatch(r"[0-9]{1,9}", center):
        data["center_id"] = int(center)  # whose listing answers the questions (not patient data)
    reactions, kept = [], []
    for index in reaction_indices(form):
        reaction = _read(form, f"reactions-{index}-", FIELDS[ReactionInput])
        if reaction:
            reactions.append(reaction)
            kept.append(index)
    data["reactions"] = reactions
    tests, test_kinds = [], []
    for kind in TESTS:
        test = _read(form, f"tests-{kind}-", TEST_FIELDS)
        if test:
            tests.append({"kind": kind, **test})
            test_kinds.append(kind)
    data["tests"] = tests
    return data, kept, test_kinds


def field_errors(errors: dict[str, str], kept: list[int], test_kinds: list[str]) -> dict[str, str]:
    """Each JSON-path error under the name of the form field it is about."""
    fields: dict[str, str] = {}
    for path, message in errors.items():
        fields.setdefault(field_for_path(path, kept, test_kinds), message)
    return fields


def field_for_path(path: str, kept: list[int], test_kinds: list[str]) -> str:
    if path in ReferralInput.model_fields and path not in _NESTED:
        return "center" if path == "center_id" else path
    if path.startswith("patient"):
        return "patient-age_years" if path in ("patient", "patient.age_years") else \
            path.replace(".", "-")
    found = _ITEM_PATH.fullmatch(path)
    if found:
        group, position, name = found.group(1), int(found.group(2)), found.group(3)
        slots = kept if group == "reactions" else test_kinds
        if position < len(slots):
            default = "drug" if group == "reactions" else "result"
            return f"{group}-{slots[position]}-{name or default}"
    return "reactions" if path.startswith("reactions") else \
        "tests" if path.startswith("tests") else "form"


def error_summary(fields: dict[str, str], slots: list[int]) -> list[tuple[str, str, str]]:
    """(field name, label, message) for the list of problems at the top of the form; `slots`
    are the fieldset numbers in the order shown, so "Reaction 2" is the second one shown."""
    names = LABELS
    reaction_titles = {n: (i.title or n).lower() for n, i in ReactionInput.model_fields.items()}
    summary = []
    for name, message in fields.items():
        found = _REACTION_KEY.fullmatch(name)
        test = re.fullmatch(r"tests-(\w+?)-(result|date)", name)
        if found and int(found.group(1)) in slots:
            label = f"Reaction {slots.index(int(found.group(1))) + 1}, " + \
                reaction_titles.get(found.group(2), found.group(2))
        elif test and test.group(1) in TESTS:
            label = f"{TESTS[test.group(1)]}, {test.group(2)}"
        else:
            label = names.get(name, name)
        summary.append((name, label, message))
    return summary
