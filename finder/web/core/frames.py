"""Pages and fragments rendered once, with the per-request parts filled in later.

Much of a page is the same for every request that shares a few facts (a listing's version,
the filters chosen); a handful of parts change per request (what the query string carries,
what changes with the clock, a result's number). The page is rendered with a marker in place
of each such part and its text cut at the markers; that frame is kept in the app's memory
under a key naming what it depends on, and each request fills in its own parts. A marker
starts with "<", which escaped text never contains, and carries a token drawn once per
process, so no listing can forge one.
"""
import re
import secrets

from flask import current_app, get_flashed_messages, render_template, request
from markupsafe import Markup, escape

from finder.web.core.memo import Memory, memory


class Markers:
    """Stands in for the per-request parts while a frame is rendered: `markers.name` is the
    marker of the part `name`."""

    def __init__(self):
        self._token = secrets.token_hex(8)
        self.pattern = re.compile(rf"<!--part:{self._token}:(\w+)-->")

    def __getattr__(self, name: str) -> Markup:
        if name.startswith("_"):
            raise AttributeError(name)
        return Markup("<!--part:{}:{}-->").format(self._token, name)


MARKERS = Markers()


class Frame:
    """A page's text cut at its markers: even items are the page's own text, odd ones the
    names of the parts to fill in."""

    __slots__ = ("pieces",)

    def __init__(self, html: str):
        self.pieces = MARKERS.pattern.split(html)

    def fill(self, values) -> str:
        """The whole page, each marker replaced by `values[name]`, escaped (Markup kept; a
        whole number is its digits)."""
        pieces = self.pieces.copy()
        for i in range(1, len(pieces), 2):
            value = values[pieces[i]]
            kind = type(value)
            pieces[i] = value if kind is Markup else str(value) if kind is int else escape(value)
        return "".join(pieces)


class FramedTemplate:
    """A template kept as a frame per key in the app's memory (finder.web.core.memo)."""

    def __init__(self, template: str):
        self.template, self.memory = template, f"finder.frames:{template}"

    def render(self, key, values: dict, **context) -> Markup:
        """The template for `key` (rendered with `context` and `slot` = the markers the first
        time), each marker filled with its value from `values`."""
        return self.filler()(key, values, **context)

    def filler(self):
        """render() for many fragments in one request (the app's memory looked up once). Frames
        are kept apart per URL prefix (the links in them name it) and never kept while
        templates reload (during development)."""
        def make(context) -> Frame:
            return Frame(render_template(self.template, slot=MARKERS, **context))

        if current_app.jinja_env.auto_reload:
            kept, prefix = Memory(limit=0), None
        else:
            kept, prefix = memory(self.memory), request.script_root

        def fill(key, values: dict, **context) -> Markup:
            frame = kept.recall((prefix, key), lambda: make(context))
            # the frame is the autoescaped template's own output; the values are escaped
            return Markup(frame.fill(values))  # noqa: S704
        return fill

    def page(self, key, parts, **context) -> str:
        """A whole page, as render() gives it; for a visitor with a message waiting (the page
        shows it, and it is theirs alone) rendered whole, with `slot` = `parts`, and not kept."""
        if get_flashed_messages():
            return render_template(self.template, slot=parts, **context)
        return self.render(key, parts, **context)
