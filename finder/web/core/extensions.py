"""Extension objects, bound to the app by the factory (no circular imports)."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from finder.web.core import ratelimit_store  # noqa: F401  (registers the sqlite:// store)

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()


def init_app(app) -> None:
    settings = app.config["FINDER"]
    app.config["RATELIMIT_STORAGE_URI"] = settings.ratelimit_storage_uri
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "manage.login"
    login_manager.login_message = "Please sign in to manage a listing."
