"""Every validation problem of a referral in words a person understands, keyed by JSON path.

pydantic's own texts ("Input should be greater than or equal to 0") are never shown: each
error type we can meet has its message here, and anything else gets a plain fallback.
"""
from pydantic import ValidationError

_BY_TYPE = {
    "missing": "This field is required.",
    "string_too_short": "This field is required.",
    "string_type": "Must be text.",
    "int_type": "Must be a whole number.",
    "int_parsing": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "float_type": "Must be a number.",
    "float_parsing": "Must be a number.",
    "finite_number": "Must be a number.",
    "bool_type": "Must be true or false.",
    "bool_parsing": "Must be true or false.",
    "model_type": "Must be an object.",
    "model_attributes_type": "Must be an object.",
    "dict_type": "Must be an object.",
    "list_type": "Must be a list.",
    "tuple_type": "Must be a list.",
    "greater_than_equal": "Must be {ge} or more.",
    "greater_than": "Must be more than {gt}.",
    "less_than": "Must be less than {lt}.",
    "less_than_equal": "Must be {le} or less.",
    "date_type": "Must be a date as YYYY-MM-DD.",
    "recursion_loop": "The referral is nested too deeply.",
}
FALLBACK = "This value is not valid."
OUR_ERROR = "referral_"  # the prefix of our own error types, whose messages are written for people


def json_path(loc: tuple) -> str:
    """('reactions', 2, 'date') → 'reactions[2].date'."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "string_too_long":
        return f"At most {ctx['max_length']} characters."
    if kind == "too_long":
        noun = str(error["loc"][-1]).replace("_", " ") if error["loc"] else "items"
        return f"At most {ctx['max_length']} {noun}."
    if kind == "literal_error":
        return f"Must be one of: {ctx.get('expected', '')}.".replace("'", "")
    if kind.startswith(OUR_ERROR):
        return error["msg"]
    if error.get("input") is None and kind.endswith("_type"):
        return _BY_TYPE["missing"]  # null where a value is needed
    return _BY_TYPE.get(kind, FALLBACK).format(**ctx)


def human_errors(error: ValidationError) -> dict[str, str]:
    """Every problem, one message per field (the first found); unknown codes in a list are
    reported once, at the list, naming them."""
    found: dict[str, str] = {}
    unknown: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        if item["type"] == "literal_error" and loc and isinstance(loc[-1], int):
            unknown.setdefault(json_path(loc[:-1]), []).append(repr(item["input"])[:40])
            continue
        found.setdefault(json_path(loc), _message(item))
    for path, values in unknown.items():
        found.setdefault(path, f"Unknown choice(s): {', '.join(values[:3])}.")
    return found
