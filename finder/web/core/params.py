"""Query-string parsing at the edge: bad values become a 400 with a message, never a 500."""
from flask import abort, request
from werkzeug.routing import IntegerConverter

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


def text_arg(name: str, *, max_length: int = 200) -> str | None:
    value = request.args.get(name, "")
    if len(value) > max_length:
        abort(400, f"{name} must be at most {max_length} characters")
    if any(ord(ch) < 32 for ch in value):
        abort(400, f"{name} contains control characters")
    return value.strip() or None


def bool_arg(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    raw = raw.strip().lower()
    if raw in TRUE:
        return True
    if raw in FALSE:
        return False if raw else None
    abort(400, f"{name} must be true or false")


def int_arg(name: str, default: int | None, *, low: int, high: int) -> int | None:
    raw = request.args.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        abort(400, f"{name} must be a whole number")
    if not low <= value <= high:
        abort(400, f"{name} must be between {low} and {high}")
    return value


def float_arg(name: str, *, low: float, high: float) -> float | None:
    raw = request.args.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        abort(400, f"{name} must be a number")
    if not low <= value <= high:  # also rejects nan
        abort(400, f"{name} must be between {low:g} and {high:g}")
    return value


def choice_arg(name: str, choices) -> str | None:
    value = text_arg(name)
    if value is not None and value not in choices:
        abort(400, f"{name} must be one of {', '.join(choices)}")
    return value


class DatabaseIdConverter(IntegerConverter):
    """`<int:…>` in every route: ids beyond a 32-bit database integer are a 404, not an
    overflow error in SQLite or PostgreSQL."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
