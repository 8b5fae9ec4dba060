"""The results map every page shares: rendered by folium once per installation, kept in the
instance folder, and read from there by every later process.

folium and what it loads (requests, branca, xyzservices) cost a worker 13 MB and are needed
only to write a start-up script that never changes for a given set of settings and library
versions. So the script and container folium renders (finder.search.folium_map) are stored
under a key made of those settings, the folium and branca versions and the renderer's own
source; any change to one is a new key, hence a new rendering. The page's <head> tags come
from our own asset table, with the static files' content hashes of the moment.
"""
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

UNPKG = "https://unpkg.com"
STATIC_PREFIX = "/static/"

LOCAL_ASSETS = {
    "js": [("leaflet", "/static/vendor/leaflet/leaflet.js"),
           ("markercluster", "/static/vendor/leaflet.markercluster/leaflet.markercluster.js")],
    "css": [("leaflet_css", "/static/vendor/leaflet/leaflet.css"),
            ("markercluster_css", "/static/vendor/leaflet.markercluster/MarkerCluster.css"),
            ("markercluster_default_css",
             "/static/vendor/leaflet.markercluster/MarkerCluster.Default.css")],
}
CDN_ASSETS = {
    "js": [("leaflet", f"{UNPKG}/leaflet@1.9.4/dist/leaflet.js"),
           ("markercluster", f"{UNPKG}/leaflet.markercluster@1.5.3/dist/leaflet.markercluster.js")],
    "css": [("leaflet_css", f"{UNPKG}/leaflet@1.9.4/dist/leaflet.css"),
            ("markercluster_css", f"{UNPKG}/leaflet.markercluster@1.5.3/dist/MarkerCluster.css"),
            ("markercluster_default_css",
             f"{UNPKG}/leaflet.markercluster@1.5.3/dist/MarkerCluster.Default.css")],
}
RENDERER = Path(__file__).with_name("folium_map.py")


@dataclass(frozen=True)
class BaseMap:
    head: Markup      # <link> and <script src> tags for Leaflet and the cluster plugin
    container: Markup  # the map's <div>
    script: str       # folium's start-up script, served as a file (/map/base.js)
    version: str      # a hash of the script, for cache-busting URLs and ETags
    script_origins: tuple[str, ...]  # other origins the assets and tiles need (for the CSP)
    img_origins: tuple[str, ...]


def build_base_map(*, assets: str = "local", tile_url: str = "", tile_attribution: str = "",
                   static_url=None, cache_dir: Path | None = None) -> BaseMap:
    """The map every results page shares. `tile_url` "" means no tiles. `static_url(filename)`
    gives the URL of a local asset (e.g. with its content hash). With `cache_dir`, folium's
    rendering is read from there when it was made for the same inputs, else made and kept."""
    settings = {"assets": assets, "tile_url": tile_url, "tile_attribution": tile_attribution}
    rendered = _rendering(settings, cache_dir)
    table = CDN_ASSETS if assets == "cdn" else LOCAL_ASSETS

    def located(url: str) -> str:
        local = static_url is not None and url.startswith(STATIC_PREFIX)
        return static_url(url.removeprefix(STATIC_PREFIX)) if local else url

    css = [located(url) for _, url in table["css"]]
    js = [located(url) for _, url in table["js"]]
    head = Markup("\n").join([*(Markup('<link rel="stylesheet" href="{}">').format(u) for u in css),
                              *(Markup('<script src="{}" defer></script>').format(u) for u in js)])
    script = rendered["script"]
    # folium's container div, fixed for these settings: no listing text ever reaches it.
    container = Markup(rendered["container"])  # noqa: S704
    origins = (UNPKG,) if assets == "cdn" else ()
    tile_origin = url_origin(tile_url)
    return BaseMap(head, container, script,
                   hashlib.sha256(script.encode()).hexdigest()[:16], origins,
                   origins + ((tile_origin,) if tile_origin else ()))


def _rendering(settings: dict, cache_dir: Path | None) -> dict:
    """{"script", "container"} as folium renders them for `settings`, kept in `cache_dir`."""
    path = cache_dir / f"base-map-{_rendering_key(settings)}.json" if cache_dir else None
    if path is not None:
        try:
            kept = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(kept.get("script"), str) and isinstance(kept.get("container"), str):
                return kept
        except (OSError, ValueError):
            pass  # not made yet, or unreadable: render again
    from finder.search.folium_map import render

    rendered = render(**settings)
    if path is not None:
        _write_atomically(path, json.dumps(rendered))
    return rendered


def _rendering_key(settings: dict) -> str:
    """What folium's output depends on: the settings, the libraries' versions, our renderer."""
    parts = [settings, metadata.version("folium"), metadata.version("branca"),
             hashlib.sha256(RENDERER.read_bytes()).hexdigest()]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never a part (workers start together)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".base-map-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError:
        pass  # a read-only instance folder: every process renders for itself


def url_origin(url: str) -> str | None:
    """The scheme://host[:port] of an http(s) URL (tile template braces allowed), else None:
    what the Content-Security-Policy must allow for tiles or CDN assets."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def map_data(origin: dict | None, centers: list[dict]) -> dict:
    """What a results page hands to results-map.js: plain values, written with |tojson."""
    return {"origin": origin, "centers": centers}
