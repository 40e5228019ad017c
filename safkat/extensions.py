"""Flask extensions created once and bound to each app in ``create_app``."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from safkat.ratelimits import APPLICATION_LIMITS, is_switched_off, rate_limit_key

csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=rate_limit_key, application_limits=APPLICATION_LIMITS)
limiter.request_filter(is_switched_off)
