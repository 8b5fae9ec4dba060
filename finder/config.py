"""Settings, read once from FINDER_* environment variables.

Every value is checked at start-up: an unknown or malformed value stops the app with a message
naming the variable, rather than surfacing later as a confusing error in a request.
"""
import os
import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from finder.mail import check_smtp_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
ONLINE_GEOCODERS = ("nominatim", "photon", "arcgis")


class SettingsError(ValueError):
    """A FINDER_* variable is unknown or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str = field(repr=False)
    instance_path: Path = DEFAULT_INSTANCE
    geocoder: str = "gazetteer"
    map_assets: str = "local"
    tile_url: str = OSM_TILES
    tile_attribution: str = OSM_ATTRIBUTION
    port: int = 5000
    default_country: str = "AU"
    stale_months: int = 12
    https: bool = False
    ratelimit_storage_uri: str = "memory://"
    gazetteer_path: Path | None = None
    search_cache_seconds: int = 60
    proxy_hops: int = 0
    timezone: str = "Australia/Sydney"  # the users' own: dates on letters are theirs
    smtp_url: str = ""  # empty: no mail; links and reminders are shown or printed instead
    mail_from: str = "finder@localhost"
    idle_minutes: int = 30
    session_hours: int = 12
    public_url: str = "http://127.0.0.1:5000"
    cors_origins: tuple[str, ...] = ("*",)
    trusted_hosts: tuple[str, ...] = ()
    testing: bool = False

    def with_overrides(self, **overrides) -> "Settings":
        return replace(self, **overrides)


def _choice(env, name, default, allowed):
    value = env.get(name, default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _int(env, name, default, low, high):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number; got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name} must be between {low} and {high}; got {value}")
    return value


def _bool(env, name, default=False):
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false); got {raw!r}")


def _database_url(env, instance_path):
    url = env.get("FINDER_DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'finder.sqlite'}"
    scheme = urlparse(url).scheme
    if scheme not in ("sqlite", "postgresql", "postgresql+psycopg"):
        raise SettingsError(
            "FINDER_DATABASE_URL must be a sqlite:/// or postgresql+psycopg:// URL; "
            f"got scheme {scheme!r}"
        )
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _tile_url(env):
    url = env.get("FINDER_TILE_URL", "").strip() or OSM_TILES
    if url.lower() == "none":
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") and not url.startswith("/"):
        raise SettingsError(f"FINDER_TILE_URL must be an http(s) URL, a /path or 'none'; got {url!r}")
    if not all(part in url for part in ("{z}", "{x}", "{y}")):
        raise SettingsError("FINDER_TILE_URL must contain {z}, {x} and {y}")
    return url


def _public_url(env, production: bool) -> str:
    """The address the public reaches this deployment at: every absolute URL and our code
    systems are built from it, never from the request's Host header."""
    raw = env.get("FINDER_PUBLIC_URL", "").strip()
    if not raw:
        if production:
            raise SettingsError("FINDER_PUBLIC_URL must be set in production (FINDER_HTTPS=1), "
                                "e.g. https://finder.example.org")
        return "http://127.0.0.1:5000"
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query \
            or parsed.fragment or parsed.username:
        raise SettingsError(f"FINDER_PUBLIC_URL must be an http(s) URL such as "
                            f"https://finder.example.org; got {raw!r}")
    return raw.rstrip("/")


def _list(env, name, default=()) -> tuple[str, ...]:
    raw = env.get(name, "")
    items = tuple(item.strip() for item in raw.split(",") if item.strip())
    return items or tuple(default)


def _origins(env) -> tuple[str, ...]:
    origins = _list(env, "FINDER_CORS_ORIGINS", ("*",))
    for origin in origins:
        parsed = urlparse(origin)
        if origin != "*" and (parsed.scheme not in ("http", "https") or not parsed.hostname
                              or parsed.path not in ("", "/")):
            raise SettingsError(f"FINDER_CORS_ORIGINS must be * or origins such as "
                                f"https://app.example.org, comma-separated; got {origin!r}")
    return tuple(o.rstrip("/") for o in origins)


def _ratelimit_storage(env, instance_path: Path, database_url: str) -> str:
    """Where rate-limit counts live, shared by every process that serves the app: redis://
    when set; else the app's own PostgreSQL database (every replica on every host uses it);
    else, on SQLite (one host), a table of counters in a file in instance/ that every worker
    maps (sqlite:///path names a SQLite file instead). memory:// is refused: each worker
    would count alone, multiplying every limit by the number of workers."""
    uri = env.get("FINDER_RATELIMIT_STORAGE_URI", "").strip()
    if not uri:
        if urlparse(database_url).scheme.startswith("postgresql"):
            return database_url
        return f"counters://{instance_path.resolve() / 'ratelimits.counters'}"
    scheme = urlparse(uri).scheme
    if scheme == "memory":
        raise SettingsError("FINDER_RATELIMIT_STORAGE_URI=memory:// counts per worker process; "
                            "leave it unset (a file in instance/ shared by all workers) or use "
                            "redis://… (shared by all hosts)")
    if scheme not in ("redis", "rediss", "counters", "sqlite", "postgresql", "postgresql+psycopg"):
        raise SettingsError(f"FINDER_RATELIMIT_STORAGE_URI must be redis://…, counters:///path, "
                            f"sqlite:///path or the PostgreSQL database's URL; got {uri!r}")
    return uri


def _secret_key(env, instance_path: Path) -> str:
    """The configured key, else one generated once and kept in instance/ (mode 0600)."""
    key = env.get("FINDER_SECRET_KEY", "").strip()
    if key:
        if len(key) < 32:
            raise SettingsError("FINDER_SECRET_KEY must be at least 32 characters")
        return key
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    # Several workers may start at once on a fresh instance: each writes its key to a private
    # file, and one hard link wins atomically; the others read the winner's key.
    fd, private = tempfile.mkstemp(dir=instance_path, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        os.chmod(private, 0o600)
        try:
            os.link(private, key_file)
        except FileExistsError:
            pass
    finally:
        os.unlink(private)
    return key_file.read_text().strip()


def load_settings(env: dict | None = None) -> Settings:
    """Read and check every FINDER_* variable; raises SettingsError naming the bad one."""
    env = dict(os.environ if env is None else env)
    known = {
        "FINDER_DATABASE_URL", "FINDER_SECRET_KEY", "FINDER_GEOCODER", "FINDER_MAP_ASSETS",
        "FINDER_TILE_URL", "FINDER_TILE_ATTRIBUTION", "FINDER_PORT", "FINDER_INSTANCE_PATH",
        "FINDER_DEFAULT_COUNTRY", "FINDER_STALE_MONTHS", "FINDER_HTTPS",
        "FINDER_RATELIMIT_STORAGE_URI", "FINDER_GAZETTEER_PATH", "FINDER_SEARCH_CACHE_SECONDS",
        "FINDER_PROXY_HOPS", "FINDER_TIMEZONE", "FINDER_PUBLIC_URL", "FINDER_CORS_ORIGINS",
        "FINDER_TRUSTED_HOSTS", "FINDER_SMTP_URL", "FINDER_MAIL_FROM",
        "FINDER_IDLE_MINUTES", "FINDER_SESSION_HOURS",
        "FINDER_CHROMIUM",  # read by the browser tests only (tests/browser/chromium.py)
    }
    unknown = sorted(k for k in env if k.startswith("FINDER_") and k not in known)
    if unknown:
        raise SettingsError(f"Unknown setting {unknown[0]}; known settings: {', '.join(sorted(known))}")
    instance_path = Path(env.get("FINDER_INSTANCE_PATH") or DEFAULT_INSTANCE)
    country = env.get("FINDER_DEFAULT_COUNTRY", "AU").strip().upper()
    if len(country) != 2 or not country.isalpha():
        raise SettingsError(f"FINDER_DEFAULT_COUNTRY must be a two-letter country code; got {country!r}")
    gazetteer = env.get("FINDER_GAZETTEER_PATH", "").strip()
    smtp_url = env.get("FINDER_SMTP_URL", "").strip()
    if smtp_url and (problem := check_smtp_url(smtp_url)):
        raise SettingsError(f"FINDER_SMTP_URL {problem}")
    database_url = _database_url(env, instance_path)
    ratelimit = _ratelimit_storage(env, instance_path, database_url)
    https = _bool(env, "FINDER_HTTPS")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(env, instance_path),
        instance_path=instance_path,
        geocoder=_choice(env, "FINDER_GEOCODER", "gazetteer", ("gazetteer", *ONLINE_GEOCODERS)),
        map_assets=_choice(env, "FINDER_MAP_ASSETS", "local", ("local", "cdn")),
        tile_url=_tile_url(env),
        tile_attribution=env.get("FINDER_TILE_ATTRIBUTION", "").strip() or OSM_ATTRIBUTION,
        port=_int(env, "FINDER_PORT", 5000, 1, 65535),
        default_country=country,
        stale_months=_int(env, "FINDER_STALE_MONTHS", 12, 1, 120),
        https=https,
        ratelimit_storage_uri=ratelimit,
        gazetteer_path=Path(gazetteer) if gazetteer else instance_path / "gazetteer.sqlite",
        search_cache_seconds=_int(env, "FINDER_SEARCH_CACHE_SECONDS", 60, 0, 3600),
        proxy_hops=_int(env, "FINDER_PROXY_HOPS", 0, 0, 5),
        timezone=_timezone(env),
        smtp_url=smtp_url,
        mail_from=env.get("FINDER_MAIL_FROM", "").strip() or "finder@localhost",
        idle_minutes=_int(env, "FINDER_IDLE_MINUTES", 30, 1, 24 * 60),
        session_hours=_int(env, "FINDER_SESSION_HOURS", 12, 1, 24 * 31),
        public_url=_public_url(env, production=https),
        cors_origins=_origins(env),
        trusted_hosts=_list(env, "FINDER_TRUSTED_HOSTS"),
    )


def _timezone(env) -> str:
    """An IANA time zone name (tzdata is a dependency, so every name is known offline)."""
    name = env.get("FINDER_TIMEZONE", "").strip() or "Australia/Sydney"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"FINDER_TIMEZONE must be a time zone name such as "
                            f"Australia/Brisbane; got {name!r}") from None
    return name
