"""Templates rendered once per key and filled in per request.

Much of a page is the same for every request that shares a few discrete facts (a listing's
version, the filters chosen), with a handful of per-request values (a number, a link, what
was typed). Such a template is rendered once per key with a marker in each per-request place,
split at the markers and remembered; each request joins the parts with its own values,
escaped. Joining costs a few microseconds where rendering cost a large share of the page.
"""
import re
import secrets

from flask import render_template
from markupsafe import Markup, escape

from finder.web.core.memo import remembered

# A NUL never reaches stored text (control characters are refused in every text field), and
# the per-process nonce makes even a crafted one useless.
_NONCE = secrets.token_hex(6)
_SPLIT = re.compile(f"\x00{_NONCE}(\\w+)\x00")


class SlottedTemplate:
    def __init__(self, template: str, slots: tuple[str, ...]):
        self.template = template
        self.markers = {name: Markup("\x00{}{}\x00").format(_NONCE, name) for name in slots}

    def render(self, key, values: dict, **context) -> Markup:
        """The template for `key` (rendered with `context` and `slot` = the markers the first
        time), each slot filled with its value: text is escaped, Markup kept as it is."""
        def parts() -> tuple[str, ...]:
            return tuple(_SPLIT.split(render_template(self.template, slot=self.markers,
                                                      **context)))

        filled = {name: escape(value) for name, value in values.items()}
        kept = remembered(f"finder.slots:{self.template}", key, parts)
        # the literal parts are the autoescaped template's own output; the values are escaped
        return Markup("".join(filled[part] if i % 2 else part  # noqa: S704
                              for i, part in enumerate(kept)))
