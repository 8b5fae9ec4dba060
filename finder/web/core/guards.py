"""Checks every request passes before any view or CSRF check sees it.

- A wrong method is 405 (with Allow) and an unknown path 404, before CSRF: a DELETE to a
  read-only address or a POST to a typo must not be told "the CSRF token is missing".
- JSON nested deeper than MAX_JSON_DEPTH is 400, found by a flat scan before the recursive
  parser (and our recursive checks) could hit Python's recursion limit.
- Invalid UTF-8 in a query string or form is 400; Werkzeug would store U+FFFD silently.
"""
from urllib.parse import unquote_to_bytes

from flask import abort, request

MAX_JSON_DEPTH = 32
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def json_depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text (strings skipped), without
    parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def is_utf8_urlencoded(raw: bytes) -> bool:
    """True when every name and value of an urlencoded text decodes as UTF-8."""
    try:
        for pair in raw.replace(b"+", b" ").split(b"&"):
            unquote_to_bytes(pair).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _routing_first():
    if request.routing_exception is not None:
        raise request.routing_exception


def _json_not_too_deep():
    if request.is_json and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH:
        abort(400, f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels).")


def _utf8_only():
    if not is_utf8_urlencoded(request.query_string):
        abort(400, "The address contains characters that are not valid UTF-8 text.")
    if request.mimetype == FORM_TYPES[0] and not is_utf8_urlencoded(request.get_data(cache=True)):
        abort(400, "The form contains characters that are not valid UTF-8 text. "
                   "Please check what you typed or pasted and send it again.")
    if request.mimetype == FORM_TYPES[1] and any("\ufffd" in v for v in request.form.values()):
        abort(400, "The form contains characters that are not valid UTF-8 text. "
                   "Please check what you typed or pasted and send it again.")


def init_app(app) -> None:
    """Run before every other before-request function (CSRF's included)."""
    functions = app.before_request_funcs.setdefault(None, [])
    functions[0:0] = [_routing_first, _json_not_too_deep, _utf8_only]
