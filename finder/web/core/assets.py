"""Static files under content-hashed URLs, cached for a year, gzipped once.

`url_for("static", filename=…)` gains `?v=<hash of the file's bytes>` (through url_defaults,
so templates need no change); a request carrying the current hash is answered with
`Cache-Control: public, max-age=31536000, immutable`, since that URL can never name other bytes.
Without it (or with an old hash) the file is revalidated each time by ETag. Each file is read,
hashed and gzipped once per process (again only when it changes on disk), and sent gzipped to
clients that accept it.
"""
import gzip
import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, current_app, request
from werkzeug.security import safe_join

YEAR_S = 31_536_000
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Asset:
    stamp: tuple  # (mtime_ns, size): the file on disk these bytes came from
    digest: str
    mimetype: str
    raw: bytes
    gzipped: bytes | None


_assets: dict[str, Asset] = {}
_lock = threading.Lock()


def load_asset(path: str) -> Asset | None:
    """The file's bytes, hash and gzip form, read once while it stays unchanged on disk."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _assets.get(path)
    if known is not None and known.stamp == stamp:
        return known
    raw = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    packed = gzip.compress(raw, 9, mtime=0) if mimetype.startswith(COMPRESSIBLE) else None
    asset = Asset(stamp, hashlib.sha256(raw).hexdigest()[:16], mimetype, raw,
                  packed if packed is not None and len(packed) < len(raw) else None)
    with _lock:
        _assets[path] = asset
    return asset


def _static_path(app: Flask, filename: str) -> str | None:
    path = safe_join(app.static_folder, filename)
    return path if path and os.path.isfile(path) else None


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        path = _static_path(current_app, values["filename"])
        asset = load_asset(path) if path else None
        if asset is not None:
            values["v"] = asset.digest


def serve_static(filename: str):
    """A static file: immutable under its current hash, else revalidated by ETag."""
    path = _static_path(current_app, filename)
    asset = load_asset(path) if path else None
    if asset is None:
        abort(404)
    packed = asset.gzipped is not None and "gzip" in request.accept_encodings
    response = current_app.response_class(asset.gzipped if packed else asset.raw,
                                          mimetype=asset.mimetype)
    if asset.mimetype.startswith("text/") or "javascript" in asset.mimetype:
        response.charset = "utf-8"
    if packed:
        response.headers["Content-Encoding"] = "gzip"
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    response.set_etag(asset.digest + ("-gz" if packed else ""))
    if request.args.get("v") == asset.digest:
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_S
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response.make_conditional(request)


def static_url(app: Flask, filename: str) -> str:
    """The hashed URL of a static file, outside a request (for pages built at start-up)."""
    path = _static_path(app, filename)
    asset = load_asset(path) if path else None
    base = f"{app.static_url_path}/{filename}"
    return f"{base}?v={asset.digest}" if asset else base


def init_app(app: Flask) -> None:
    app.url_defaults(_add_version)
    app.view_functions["static"] = serve_static
