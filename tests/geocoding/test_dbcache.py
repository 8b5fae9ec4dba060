"""The online geocoder's answers are cached in the database, shared by every worker."""
from finder.db import build_engine
from finder.geocoding.dbcache import database_cache


def test_answers_are_kept_and_the_first_writer_wins(sqlite_url):
    engine = build_engine(sqlite_url)
    get, put = database_cache(engine)
    assert get("dubbo nsw") is None
    put("dubbo nsw", '{"label": "Dubbo"}', "nominatim")
    put("dubbo nsw", '{"label": "Other"}', "nominatim")  # a second worker: no error, first kept
    assert get("dubbo nsw") == '{"label": "Dubbo"}'
    engine.dispose()
