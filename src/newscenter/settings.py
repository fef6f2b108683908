"""The only settings module: every value comes from the environment or a default.

Data (SQLite database, media, the generated secret key) lives under ``./data/``
or ``NEWSCENTER_DATA_DIR``. ``DATABASE_URL``, ``CACHE_URL`` and ``DJANGO_*``
variables override the defaults; ``docs/configuration.md`` lists them all.
"""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF
from django_prose_editor.config import html_tags
from js_asset import static_lazy
from whitenoise.compress import Compressor

from newscenter.conf import data_dir, default_base_url, secret_key

env = environ.Env()

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir(env)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or secret_key(DATA_DIR)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # First for its templates: the desk's admin/base_site.html and admin/index.html take the
    # place of Django's own (template lookup goes in this order). It has no models.
    "newscenter.desk",
    # The admin site is the editors' desk, which requires a verified second factor of staff.
    "newscenter.desk.site.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "django_prose_editor",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Ten one-time recovery codes per person, for a sign-in without the phone.
    "django_otp.plugins.otp_static",
    # Background work on the database (`newscenter worker`): no other server to run.
    "django_tasks",
    "django_tasks_db",
    # newscenter's apps; docs/architecture.md gives their layers. Their order decides nothing
    # but template lookup: the search index and the page cache follow the domain's change
    # signal in the order news.changes.Stage states.
    "newscenter.news",
    "newscenter.search",
    "newscenter.importers",
    "newscenter.webhooks",
    "newscenter.analytics",
    "newscenter.web",
    "newscenter.accounts",
    "newscenter.api",
    "newscenter.embed",
    "newscenter.cli",
    # The API's documentation page, with its own copy of Swagger UI (no CDN).
    "ninja",
]

MIDDLEWARE = [
    # Outermost: counts readers' views of public pages, those the page cache answers included
    # (docs/analytics.md). No cookie; the address and user agent never reach the disk.
    "newscenter.analytics.collect.AnalyticsMiddleware",
    # First: a reader's cached page is answered before any other middleware runs. What it
    # stores is the response as the whole stack below finished it (security headers too).
    "newscenter.web.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered by whitenoise, inside this: it gives them the headers the
    # middleware further in gives pages (CSP, X-Frame-Options, Permissions-Policy).
    "newscenter.web.middleware.StaticHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside CSPMiddleware, so that its per-response policy updates are applied.
    "newscenter.web.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language the address names (/de/news/ ...), and the site settings for the rest of
    # the stack; outside CommonMiddleware, whose slash redirect resolves addresses.
    "newscenter.web.languages.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Adds user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newscenter.web.middleware.SiteTimezoneMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newscenter.urls"
WSGI_APPLICATION = "newscenter.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "newscenter.web.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'newscenter.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL plus IMMEDIATE transactions and a busy timeout: without them several
    # gunicorn workers writing at once fail with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("pool", True)

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://newscenter")}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Per worker process; room for the pages a burst of readers asks for (Django keeps 300).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 2000)

# --- The app server (`newscenter serve`, docs/deploy.md) ------------------------------------
# granian reads connections; newscenter.front admits requests into two lanes of threads per
# worker process: the desk and sign-in, and the public site. A lane lets NEWSCENTER_QUEUE
# requests wait up to NEWSCENTER_QUEUE_WAIT seconds for a thread; past that, 503 + Retry-After.
NEWSCENTER_THREADS = env.int("NEWSCENTER_THREADS", default=6)
NEWSCENTER_DESK_THREADS = env.int("NEWSCENTER_DESK_THREADS", default=2)
NEWSCENTER_QUEUE = env.int("NEWSCENTER_QUEUE", default=64)
NEWSCENTER_QUEUE_WAIT = env.float("NEWSCENTER_QUEUE_WAIT", default=5.0)
NEWSCENTER_RETRY_AFTER = env.int("NEWSCENTER_RETRY_AFTER", default=5)
# A request body must arrive whole within this many seconds, and be no larger than this.
NEWSCENTER_BODY_TIMEOUT = env.float("NEWSCENTER_BODY_TIMEOUT", default=60.0)
NEWSCENTER_MAX_BODY_MB = env.int("NEWSCENTER_MAX_BODY_MB", default=64)

# --- The JSON API (docs/api.md) ------------------------------------------------------------
# Requests a minute per token, and per address for calls without one.
NEWSCENTER_API_RATE_LIMIT = env.int("NEWSCENTER_API_RATE_LIMIT", default=600)
NEWSCENTER_API_ANONYMOUS_RATE_LIMIT = env.int("NEWSCENTER_API_ANONYMOUS_RATE_LIMIT", default=120)
# Origins whose pages may read public articles with fetch() (CORS); "*" for any.
NEWSCENTER_API_CORS_ORIGINS = env.list("NEWSCENTER_API_CORS_ORIGINS", default=[])

# --- Embeds (docs/embed.md) ----------------------------------------------------------------
# Seconds a reader's browser may keep an embed without asking again (the page cache and shared
# caches renew theirs on every change, as they do pages).
NEWSCENTER_EMBED_MAX_AGE = env.int("NEWSCENTER_EMBED_MAX_AGE", default=60)

# --- Webhooks (docs/webhooks.md) -----------------------------------------------------------
# Seconds one delivery may take, connecting and answering included (Standard Webhooks: 15).
NEWSCENTER_WEBHOOK_TIMEOUT = env.float("NEWSCENTER_WEBHOOK_TIMEOUT", default=15.0)
# Deliveries the worker sends at once.
NEWSCENTER_WEBHOOK_CONCURRENCY = env.int("NEWSCENTER_WEBHOOK_CONCURRENCY", default=8)

# --- Analytics (docs/analytics.md) --------------------------------------------------------
# "server": the app counts the public pages it answers (a CDN or nginx cache in front hides
# its hits); "beacon": pages carry a tiny beacon and only its calls count.
NEWSCENTER_ANALYTICS_MODE = env.str("NEWSCENTER_ANALYTICS_MODE", default="server")
# Do-Not-Track and Global Privacy Control: a reader who sends either is not counted.
NEWSCENTER_ANALYTICS_HONOUR_DNT = env.bool("NEWSCENTER_ANALYTICS_HONOUR_DNT", default=True)
# Days raw events are kept; their daily totals are kept for good.
NEWSCENTER_ANALYTICS_RAW_DAYS = env.int("NEWSCENTER_ANALYTICS_RAW_DAYS", default=30)
# Each process writes its buffered views at least this often (seconds), in transactions of
# this many events.
NEWSCENTER_ANALYTICS_FLUSH_SECONDS = env.float("NEWSCENTER_ANALYTICS_FLUSH_SECONDS", default=2.0)
NEWSCENTER_ANALYTICS_BATCH = env.int("NEWSCENTER_ANALYTICS_BATCH", default=500)
# Where `newscenter worker` takes the web processes' hits (a Unix socket, mode 0600), so that
# classifying and writing them costs the web processes nothing; a web process that finds no
# worker there writes its hits itself. Empty: every web process writes its own.
NEWSCENTER_ANALYTICS_SOCKET = env.str(
    "NEWSCENTER_ANALYTICS_SOCKET", default=str(DATA_DIR / "analytics.sock")
)

# --- Page cache (docs/caching.md) ------------------------------------------------------
# Whole public pages for readers without a session, renewed at once by any change that shows
# on them; 0 turns the cache off (pages still carry ETag and CDN headers).
NEWSCENTER_PAGE_CACHE_SECONDS = env.int("NEWSCENTER_PAGE_CACHE_SECONDS", default=600)
# What shared caches (nginx, a CDN) are told: they may keep a page this long (never past the
# next scheduled publication) and serve it stale this much longer while they refetch it.
NEWSCENTER_SHARED_MAX_AGE = env.int("NEWSCENTER_SHARED_MAX_AGE", default=60)
NEWSCENTER_STALE_WHILE_REVALIDATE = env.int("NEWSCENTER_STALE_WHILE_REVALIDATE", default=30)
# Optional: POSTed {"paths": null, "reason": ..., "generation": ...} after every change, for
# a CDN purge (docs/deploy.md turns it into Cloudflare, Fastly or nginx calls).
NEWSCENTER_PURGE_URL = env.str("NEWSCENTER_PURGE_URL", default="")
# A machine translation service (news.machine): off unless named.
NEWSCENTER_MACHINE_TRANSLATION_URL = env.str("NEWSCENTER_MACHINE_TRANSLATION_URL", default="")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Queued work runs in `newscenter worker`, from a table in the site's own database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Accounts (docs/accounts.md) -------------------------------------------------
# argon2 first: new passwords and every login with an older PBKDF2 hash store argon2 (Django
# re-hashes on a successful login); the others stay so that existing hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes first refuses any login while the user or the address is locked out; Django's
# ModelBackend then checks the password, and runs the hasher for unknown users too, so that
# the time taken does not tell whether an account exists.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "news:index"

# Login throttling: N failures (wrong passwords or wrong codes) for one username lock that
# username out for the cool-off, then it opens again by itself: a real user is never locked
# out for good. An address locks only at a much larger count (accounts/throttle.py), so that
# one person's typos do not lock out a whole office behind one NAT address.
AXES_FAILURE_LIMIT = env.int("NEWSCENTER_LOGIN_FAILURE_LIMIT", default=5)
NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT = env.int(
    "NEWSCENTER_LOGIN_ADDRESS_FAILURE_LIMIT", default=50
)
AXES_HANDLER = "newscenter.accounts.throttle.OfficeAxesHandler"
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("NEWSCENTER_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts made while locked out do not restart the cool-off, so a real user who keeps trying
# still gets in once it ends. A success does not wipe the counters either: with it, one valid
# account would reset its address's count, including failures against other usernames.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "newscenter.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "newscenter.accounts.views.client_ip"
# Kept out of the attempt records and logs (axes always masks "password").
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_VERBOSE = False  # no banner from every `newscenter` command
# Behind a reverse proxy every request comes from the proxy: the client's address is read from
# the header the proxy sets, and only then, since anyone can send that header directly.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
NEWSCENTER_CLIENT_IP_HEADER = env.str("NEWSCENTER_CLIENT_IP_HEADER", default="X-Forwarded-For")

# TOTP second factor for staff: the issuer names the site in authenticator apps.
OTP_TOTP_ISSUER = env.str("NEWSCENTER_OTP_ISSUER", default="newscenter")
# Wrong codes are throttled by django-axes with the passwords (above). django-otp's own throttle
# doubles its delay with every failure and never caps it: someone holding the password could
# lock the real user out for days.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# "Trust this device" at the code step skips the code on that browser for this many days
# (accounts/trust.py); 0 takes the option away.
NEWSCENTER_TRUSTED_DEVICE_DAYS = env.int("NEWSCENTER_TRUSTED_DEVICE_DAYS", default=30)

# Password reset emails; links in them are built from NEWSCENTER_BASE_URL (below).
# EMAIL_URL sets EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ... as django-environ documents:
# smtp+tls://user:password@mail.example.com:587, or the console (the log) by default.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="newscenter@localhost")
PASSWORD_RESET_TIMEOUT = 3 * 60 * 60  # seconds a reset link stays valid

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = env.str("DJANGO_LANGUAGE_CODE", default="en")
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
# The public pages' dates per language ("DATE_FORMAT" in templates): Django's formats, except
# English, which keeps the short month the pages always showed (web/formats/en).
FORMAT_MODULE_PATH = ["newscenter.web.formats"]
# The public pages' own translations, first: apps listed earlier (the admin) carry other
# wordings of the same strings ("Page not found"), and LOCALE_PATHS win over every app.
LOCALE_PATHS = [Path(__file__).resolve().parent / "web" / "locale"]
USE_TZ = True

STATIC_URL = env.str("DJANGO_STATIC_URL", default="/static/")

# The body editor's extensions of our own (the desk's static files): their modules load with
# the editor. The body is cleaned by news.rendering's allow-list, not by these processors.
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("desk/body-paste.js")],
        "extensions": {"PastedImages": html_tags([])},
    },
    {
        "js": [static_lazy("desk/body-check.js")],
        "extensions": {"DiscardNotice": html_tags([])},
    },
    {
        "js": [static_lazy("desk/body-embeds.js")],
        "extensions": {
            "VideoEmbed": html_tags([]),
            "PullQuote": html_tags([]),
            "FileAttachment": html_tags([]),
        },
    },
]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = env.str("DJANGO_MEDIA_URL", default="/media/")
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "NEWSCENTER_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_MAX_AGE = 3600
# Source maps are for a developer's tools, which take them uncompressed: compressing the
# editor's and the API docs' maps was a third of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

# --- Media on object storage (docs/deploy.md) -----------------------------------------------
# NEWSCENTER_S3_BUCKET moves uploads from MEDIA_ROOT to an S3-compatible bucket (AWS S3, MinIO,
# R2 ...) that every app server shares. Credentials come from boto3's usual sources:
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, or the machine's role.
S3_BUCKET = env.str("NEWSCENTER_S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("NEWSCENTER_S3_ENDPOINT_URL", default="").rstrip("/")
S3_REGION = env.str("NEWSCENTER_S3_REGION", default="")
# MinIO and most stores besides AWS want the bucket in the path; AWS wants it in the host name.
S3_ADDRESSING_STYLE = env.str(
    "NEWSCENTER_S3_ADDRESSING_STYLE", default="path" if S3_ENDPOINT_URL else "virtual"
)
# Where readers fetch media: the bucket's own address unless a CDN or custom domain is given.
S3_PUBLIC_URL = env.str("NEWSCENTER_S3_PUBLIC_URL", default="").rstrip("/")
if S3_BUCKET:
    if not S3_PUBLIC_URL and S3_ENDPOINT_URL:
        _endpoint = urlsplit(S3_ENDPOINT_URL)
        S3_PUBLIC_URL = (
            f"{S3_ENDPOINT_URL}/{S3_BUCKET}"
            if S3_ADDRESSING_STYLE == "path"
            else f"{_endpoint.scheme}://{S3_BUCKET}.{_endpoint.netloc}"
        )
    elif not S3_PUBLIC_URL:
        S3_PUBLIC_URL = f"https://{S3_BUCKET}.s3.amazonaws.com"  # AWS finds the region
    _public = urlsplit(S3_PUBLIC_URL)
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            "region_name": S3_REGION or None,
            "addressing_style": S3_ADDRESSING_STYLE,
            # Unsigned URLs made from the public address by string building: rendering a
            # page never asks the store anything (the bucket must allow public reads).
            "custom_domain": _public.netloc + _public.path,
            "url_protocol": f"{_public.scheme}:",
            "querystring_auth": False,
            # A name is never written twice: a remade rendition gets a new name (overwriting
            # would hand the new file to the cleanup that deletes the old one's), and so
            # every file may be cached for a year.
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    MEDIA_URL = f"{S3_PUBLIC_URL}/"
# Media on another origin (object storage, a CDN) must be allowed by the CSP's img-src below.
_media = urlsplit(MEDIA_URL)
MEDIA_URL_ORIGIN = f"{_media.scheme}://{_media.netloc}" if _media.netloc else ""
# --- end of media on object storage ----------------------------------------------------------

# --- Security ------------------------------------------------------------
# HTTPS is assumed in production. `make run` serves plain HTTP on loopback and
# turns it off with NEWSCENTER_HTTPS=false; DEBUG never changes it.
HTTPS = env.bool("NEWSCENTER_HTTPS", default=not DEBUG)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# `preload` only states consent; nothing is listed until someone submits the domain.
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# The __Host- prefix pins cookies to this host and path "/"; browsers accept it over HTTPS only.
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"

MEDIA_ORIGIN = env.str("NEWSCENTER_MEDIA_ORIGIN", default=MEDIA_URL_ORIGIN)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "manifest-src": [SELF],  # the web manifest (web.icons), which names the icons
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"

# Fetching feeds and pages refuses private, loopback and link-local addresses (SSRF);
# an intranet feed needs this on.
NEWSCENTER_FETCH_ALLOW_PRIVATE = env.bool("NEWSCENTER_FETCH_ALLOW_PRIVATE", default=False)

# The site's own address, for links made away from a request (review links printed by the
# CLI, emails): never taken from a request's Host header, which the client chooses. By default
# the address `make run` serves (HOST and PORT, as `newscenter serve` reads them).
NEWSCENTER_BASE_URL = env.str("NEWSCENTER_BASE_URL", default=default_base_url(env)).rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("NEWSCENTER_LOG_LEVEL", default="INFO")},
}
