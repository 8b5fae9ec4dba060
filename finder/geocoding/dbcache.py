"""The online geocoder's answers kept in the database, so every worker shares them and a
restart does not ask the service again (Nominatim's usage policy asks for caching)."""
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from finder.db import open_session
from finder.directory.models import GeocodeCacheEntry


def database_cache(engine):
    """(cache_get, cache_put) callables for GeocodingService, each in its own short session."""

    def cache_get(key: str) -> str | None:
        with open_session(engine) as session:
            row = session.exec(select(GeocodeCacheEntry.payload)
                               .where(GeocodeCacheEntry.query_key == key[:200])).first()
            return row

    def cache_put(key: str, payload: str, source: str) -> None:
        with open_session(engine) as session:
            entry = GeocodeCacheEntry(query_key=key[:200], payload=payload[:4000], source=source)
            session.add(entry)
            try:
                session.commit()
            except IntegrityError:  # another worker cached the same query first: keep theirs
                session.rollback()

    return cache_get, cache_put
