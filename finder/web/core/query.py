"""Query strings validated by pydantic models, and the same models' OpenAPI parameters.

A model's fields are its query parameters; each field type below validates exactly what its JSON
Schema says (a value the schema allows is accepted, any other is a 400 with our own message), so
the OpenAPI document generated from the model cannot disagree with the server.
"""
import itertools
import math
import re
import unicodedata
from functools import cache
from typing import Annotated, Any

from flask import abort, request
from pydantic import BaseModel, BeforeValidator, ValidationError, WithJsonSchema

TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# Control, format and private-use characters. Surrogates (Cs) never survive UTF-8 decoding (the
# request guard refuses invalid UTF-8), and a class holding them makes the pattern unreadable to
# Rust-based JSON Schema validators, so the pattern leaves them out.
INVISIBLE = ("Cc", "Cf", "Co")
# Only these planes hold such characters (Unicode: the basic plane, the supplementary
# multilingual plane, the tags plane and the two private-use planes); the rest are skipped.
PLANES_WITH_INVISIBLE = (0, 1, 14, 15, 16)


@cache
def visible_text_pattern() -> str:
    """`^[^…]*$` excluding every invisible character (by Unicode category); the schema and the
    server use this one pattern. Basic-plane characters are written as \\uXXXX escapes, which
    Python and ECMA-262 read alike; the few astral ranges are written as the characters."""
    ranges = []
    for plane in PLANES_WITH_INVISIBLE:
        code = plane * 0x10000
        codes = range(code, code + 0x10000)
        for bad, run in itertools.groupby(map(INVISIBLE.__contains__,
                                              map(unicodedata.category, map(chr, codes)))):
            length = sum(1 for _ in run)
            if bad:
                ranges.append((code, code + length - 1))
            code += length

    def char(code):
        return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)

    body = "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in ranges)
    return f"^[^{body}]*$"


@cache
def _visible() -> re.Pattern:
    return re.compile(visible_text_pattern())


def text(max_length: int = 200, *, required: bool = False, checked_by_geocoder: bool = False):
    """Free text: at most `max_length` characters, none invisible, and not blank when
    `required`; blank otherwise means not given. With `checked_by_geocoder` the geocoder (which
    refuses exactly the characters this pattern excludes, and blank text) answers those cases
    with its own words, so the search page can show them beside the field."""
    def check(value):
        if value is None:
            return None
        if len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        if any(ord(ch) < 32 for ch in value) or (not checked_by_geocoder
                                                 and not _visible().match(value)):
            raise ValueError("contains invisible control characters: please retype it")
        if required and not checked_by_geocoder and not value.strip():
            raise ValueError("must not be empty")
        return value.strip() or None
    pattern = nonblank_text_pattern() if required else visible_text_pattern()
    schema = {"type": "string", "maxLength": max_length, "pattern": pattern,
              **({"minLength": 1} if required else {})}
    return Annotated[str | None, BeforeValidator(check), WithJsonSchema(schema)]


def any_text(max_length: int = 200):
    """Any text up to `max_length` characters (autocomplete answers odd text with nothing)."""
    def check(value):
        if value is not None and len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return value.strip() or None if value is not None else None
    return Annotated[str | None, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "maxLength": max_length})]


def choice(values):
    """One of `values` exactly; empty means not given."""
    values = tuple(values)

    def check(value):
        if value in (None, ""):
            return None
        if value not in values:
            raise ValueError(f"must be one of {', '.join(values)}")
        return value
    return Annotated[str | None, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "enum": [*values, ""]})]


def flag():
    """true/false in the usual spellings; empty means not given."""
    def check(value):
        if value in (None, ""):
            return None
        lowered = value.lower()
        if lowered in TRUE or lowered in FALSE:
            return lowered in TRUE
        raise ValueError("must be true or false")
    spellings = [s for word in (*TRUE, *FALSE) for s in dict.fromkeys((word, word.upper(),
                                                                        word.capitalize()))]
    return Annotated[bool | None, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "enum": [*spellings, ""]})]


_INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")


def whole(low: int, high: int):
    """A whole number from low to high, written plainly (no sign +, no spaces, no decimals)."""
    def check(value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _INTEGER.match(value) or value == "-0":
            raise ValueError("must be a whole number")
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number
    return Annotated[int | None, BeforeValidator(check),
                     WithJsonSchema({"type": "integer", "minimum": low, "maximum": high})]


_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")  # a JSON number


def number(low: float, high: float):
    def check(value):
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _NUMBER.match(value):
            raise ValueError("must be a number")
        found = float(value)
        if not (math.isfinite(found) and low <= found <= high):
            raise ValueError(f"must be between {low:g} and {high:g}")
        return found
    return Annotated[float | None, BeforeValidator(check),
                     WithJsonSchema({"type": "number", "minimum": low, "maximum": high})]


def matching(pattern: str, message: str, max_length: int = 200):
    """Text matching `pattern` (a regular expression valid in Python and ECMA-262)."""
    compiled = re.compile(pattern)

    def check(value):
        if value in (None, ""):
            return None
        if len(value) > max_length or not compiled.fullmatch(value):
            raise ValueError(message)
        return value
    return Annotated[str | None, BeforeValidator(check),
                     WithJsonSchema({"type": "string", "maxLength": max_length,
                                     "pattern": f"^(?:{pattern})?$"})]


@cache
def _keys(model: type[BaseModel]) -> tuple[str, ...]:
    """The query keys `model` reads (each field's alias, else its name)."""
    return tuple(field.alias or name for name, field in model.model_fields.items())


def read_query(model: type[BaseModel]) -> Any:
    """request.args validated by `model` (first value of each); 400 naming the first bad one."""
    args = request.args
    raw = {key: args.get(key) for key in _keys(model) if key in args}
    try:
        return model.model_validate(raw)
    except ValidationError as invalid:
        error = invalid.errors()[0]
        name = ".".join(str(p) for p in error["loc"]) or "the query"
        reason = error.get("ctx", {}).get("error")
        abort(400, f"{name} {reason}" if reason else f"{name} is not valid")


def query_parameters(model: type[BaseModel]) -> list[dict]:
    """The OpenAPI query parameters of `model`: each field's schema, description and whether it
    is required."""
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", []))
    params = []
    for name, field_schema in schema["properties"].items():
        field_schema = {k: v for k, v in field_schema.items() if k not in ("title", "description",
                                                                           "default")}
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == name)
        params.append({"name": name, "in": "query", "required": name in required,
                       "description": field.description or "", "schema": field_schema})
    return params


def query_object(model: type[BaseModel], description: str = "") -> list[dict]:
    """The query of `model` as one exploded object parameter (OpenAPI 3.1, style form): unlike
    separate parameters, it can carry the model's rules across fields (anyOf,
    dependentRequired), so a request the server would refuse is outside the schema too."""
    schema = model.model_json_schema(by_alias=True)
    properties = {}
    for name, field_schema in schema["properties"].items():
        field = next(f for n, f in model.model_fields.items() if (f.alias or n) == name)
        properties[name] = {**{k: v for k, v in field_schema.items()
                               if k not in ("title", "description", "default")},
                            **({"description": field.description} if field.description else {})}
    extra = {k: v for k, v in schema.items()
             if k not in ("title", "description", "type", "properties", "required")}
    return [{"name": "query", "in": "query", "style": "form", "explode": True,
             "required": bool(schema.get("required") or extra.get("anyOf")),
             "description": description or (model.__doc__ or "").strip(),
             "schema": {"type": "object", "properties": properties, **extra}}]


def nonblank_text_pattern() -> str:
    """visible_text_pattern with at least one character that is not a space."""
    allowed = visible_text_pattern()[1:-2]
    return f"^{allowed}*{allowed[:-1]}\\s]{allowed}*$"
