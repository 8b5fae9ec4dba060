"""The results map as folium renders it (once per installation: finder.search.maps keeps
the rendering); listing data never enters folium.

folium escapes nothing safely (a popup is a JS template literal, and branca renders element
output again as a Jinja template, so a center named `{{ 7*7 }}` would show 49). So the map
folium builds holds no listing at all: the Leaflet map, the tile layer, an empty marker
cluster and a hook naming them for our own static script, which reads each page's results
from a JSON block and builds markers and popups with DOM text nodes. The start-up script is
fixed, so it is served as a cacheable file and no inline script is needed.
"""
import folium
from branca.element import MacroElement
from folium.plugins import MarkerCluster
from jinja2 import Template

from finder.search.maps import CDN_ASSETS, LOCAL_ASSETS

MAP_ID = "results"  # the container is <div id="map_results">
DEFAULT_VIEW = {"location": [-25.3, 133.8], "zoom_start": 4}  # Australia, before fitting


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


def render(*, assets: str, tile_url: str, tile_attribution: str) -> dict:
    """folium's start-up script and container for these settings ({"script", "container"})."""
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
    return {"script": figure.script.render().strip() + "\n",
            "container": figure.html.render().strip()}
