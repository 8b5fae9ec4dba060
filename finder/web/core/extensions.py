"""Extension objects, bound to the app by the factory (no circular imports)."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from finder.web.core.ratelimits import RateLimits

csrf = CSRFProtect()
limiter = RateLimits()
login_manager = LoginManager()


def init_app(app) -> None:
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "manage.login"
    login_manager.login_message = "Please sign in to manage a listing."
