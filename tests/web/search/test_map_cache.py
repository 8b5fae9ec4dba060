"""folium renders the shared map once per installation: a later process reads the kept
rendering and never loads folium (13 MB a worker); other settings make another rendering."""
import json
import subprocess
import sys

from finder.config import PROJECT_ROOT
from finder.search.maps import build_base_map

LOADS_APP = """
import sys
from finder import create_app
from finder.config import load_settings
app = create_app({"settings": load_settings()})
print(app.extensions["finder.base_map"].version, "folium" in sys.modules)
"""


def start(tmp_path, gazetteer_path, **env):
    environment = {"FINDER_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin",
                   "FINDER_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                   "FINDER_GAZETTEER_PATH": str(gazetteer_path), **env}
    done = subprocess.run([sys.executable, "-c", LOADS_APP], env=environment, text=True,
                          capture_output=True, cwd=PROJECT_ROOT, check=True)
    version, loaded = done.stdout.split()
    return version, loaded == "True"


def test_a_later_process_reads_the_kept_map_and_never_loads_folium(tmp_path, gazetteer_path):
    first_version, first_loaded = start(tmp_path, gazetteer_path)
    assert first_loaded and len(list(tmp_path.glob("base-map-*.json"))) == 1
    second_version, second_loaded = start(tmp_path, gazetteer_path)
    assert second_version == first_version and not second_loaded


def test_other_tiles_make_another_rendering(tmp_path):
    plain = build_base_map(cache_dir=tmp_path)
    tiled = build_base_map(cache_dir=tmp_path, tile_url="https://tiles.example.org/{z}/{x}/{y}.png",
                           tile_attribution="Example")
    assert len(list(tmp_path.glob("base-map-*.json"))) == 2
    assert "tiles.example.org" in tiled.script and "tiles.example.org" not in plain.script
    assert build_base_map(cache_dir=tmp_path).script == plain.script == build_base_map().script


def test_an_unreadable_rendering_is_made_again(tmp_path):
    build_base_map(cache_dir=tmp_path)
    kept = next(tmp_path.glob("base-map-*.json"))
    kept.write_text("{not json")
    assert "L.map" in build_base_map(cache_dir=tmp_path).script
    assert "script" in json.loads(kept.read_text())
