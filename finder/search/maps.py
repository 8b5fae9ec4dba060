"""The results map: folium builds it once at start-up; listing data never enters folium.

folium escapes nothing safely (a popup is a JS template literal, and branca renders element
output again as a Jinja template, so a center named `{{ 7*7 }}` would show 49). So the map
folium builds holds no listing at all: the Leaflet map, the tile layer, an empty marker
cluster and a hook naming them for our own static script, which reads each page's results
from a JSON block and builds markers and popups with DOM text nodes. The start-up script is
fixed, so it is served as a cacheable file and no inline script is needed.
"""
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template
from markupsafe import Markup

UNPKG = "https://unpkg.com"
STATIC_PREFIX = "/static/"
MAP_ID = "results"  # the container is <div id="map_results">
DEFAULT_VIEW = {"location": [-25.3, 133.8], "zoom_start": 4}  # Australia, before fitting

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


# Class attributes, not add_js_link: that would change the asset list of every map in the
# process. jQuery, Bootstrap and Font Awesome are left out: no folium Popup or Icon is used.
class LocalMap(folium.Map):
    default_js = LOCAL_ASSETS["js"][:1]
    default_css = LOCAL_ASSETS["css"][:1]


class LocalMarkerCluster(MarkerCluster):
    default_js = LOCAL_ASSETS["js"][1:]
    default_css = LOCAL_ASSETS["css"][1:]


class CdnMap(folium.Map):
    default_js = CDN_ASSETS["js"][:1]
    default_css = CDN_ASSETS["css"][:1]


class CdnMarkerCluster(MarkerCluster):
    default_js = CDN_ASSETS["js"][1:]
    default_css = CDN_ASSETS["css"][1:]


class ResultsHook(MacroElement):
    """Names the map and its cluster for static/js/results-map.js; carries no data."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.finderMap = {map: {{ this._parent.get_name() }}, "
        "cluster: {{ this.cluster.get_name() }}};"
        "{% endmacro %}")

    def __init__(self, cluster):
        super().__init__()
        self._name = "ResultsHook"
        self._id = MAP_ID
        self.cluster = cluster


@dataclass(frozen=True)
class BaseMap:
    head: Markup      # <link> and <script src> tags for Leaflet and the cluster plugin
    container: Markup  # the map's <div>
    script: str       # folium's start-up script, served as a file (/map/base.js)
    version: str      # a hash of the script, for cache-busting URLs and ETags
    script_origins: tuple[str, ...]  # other origins the assets and tiles need (for the CSP)
    img_origins: tuple[str, ...]


def build_base_map(*, assets: str = "local", tile_url: str = "", tile_attribution: str = "",
                   static_url=None) -> BaseMap:
    """The map every results page shares, rendered once. `tile_url` "" means no tiles.
    `static_url(filename)` gives the URL of a local asset (e.g. with its content hash)."""
    map_class, cluster_class = (CdnMap, CdnMarkerCluster) if assets == "cdn" else (
        LocalMap, LocalMarkerCluster)
    # maxZoom on the map itself: without tiles, MarkerCluster throws "Map has no maxZoom".
    base = map_class(tiles=None, control_scale=True, maxZoom=18, **DEFAULT_VIEW)
    base._id = MAP_ID
    if tile_url:
        tiles = folium.TileLayer(tiles=tile_url, attr=tile_attribution, max_zoom=18, name="Map")
        tiles._id = MAP_ID
        tiles.add_to(base)
    cluster = cluster_class()
    cluster._id = MAP_ID
    cluster.add_to(base)
    base.add_child(ResultsHook(cluster))
    figure = base.get_root()
    figure.render()
    script = figure.script.render().strip() + "\n"
    def located(url: str) -> str:
        local = static_url is not None and url.startswith(STATIC_PREFIX)
        return static_url(url.removeprefix(STATIC_PREFIX)) if local else url

    js = [located(url) for _, url in map_class.default_js + cluster_class.default_js]
    css = [located(url) for _, url in map_class.default_css + cluster_class.default_css]
    head = Markup("\n").join([*(Markup('<link rel="stylesheet" href="{}">').format(u) for u in css),
                              *(Markup('<script src="{}" defer></script>').format(u) for u in js)])
    # folium's container div, fixed at start-up: no listing text ever reaches it.
    container = Markup(figure.html.render().strip())  # noqa: S704
    origins = (UNPKG,) if assets == "cdn" else ()
    tile_origin = url_origin(tile_url)
    return BaseMap(head, container, script,
                   hashlib.sha256(script.encode()).hexdigest()[:16], origins,
                   origins + ((tile_origin,) if tile_origin else ()))


def url_origin(url: str) -> str | None:
    """The scheme://host[:port] of an http(s) URL (tile template braces allowed), else None:
    what the Content-Security-Policy must allow for tiles or CDN assets."""
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def map_data(origin: dict | None, centers: list[dict]) -> dict:
    """What a results page hands to results-map.js: plain values, written with |tojson."""
    return {"origin": origin, "centers": centers}
