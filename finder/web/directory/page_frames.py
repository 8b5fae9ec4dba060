"""Center pages rendered once per listing version, with the per-request parts filled in later.

A page is rendered with a marker in place of each part that changes between requests (what the
query string carries, what changes with the clock); its text is then cut at the markers and
kept beside the snapshot generation it was read from, so a newer generation never finds it.
A marker starts with "<", which escaped listing text never contains, and carries a token drawn
once per process, so no listing can forge one.
"""
import re
import secrets
import threading
import weakref

from markupsafe import Markup

KEPT = 256  # pages remembered per snapshot (~6 KB each); past that the memory starts again


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

    def fill(self, parts) -> str:
        """The whole page, each marker replaced by `parts.<name>`."""
        pieces = self.pieces.copy()
        for i in range(1, len(pieces), 2):
            pieces[i] = getattr(parts, pieces[i])
        return "".join(pieces)


_frames: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def frame_for(snapshot, key: tuple, render) -> Frame:
    """The frame kept for `key` beside `snapshot`, rendered by `render()` (called with the
    markers) the first time. The key must name everything the frame depends on besides the
    snapshot (the listing's id and version, the app's URL prefix)."""
    kept = _frames.get(snapshot)
    if kept is None:
        with _lock:
            kept = _frames.setdefault(snapshot, {})
    frame = kept.get(key)
    if frame is None:
        frame = Frame(render(MARKERS))
        if len(kept) >= KEPT:
            kept.clear()
        kept[key] = frame
    return frame
