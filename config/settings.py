"""One settings module: everything comes from the environment, with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable (see .env.example).")
    return value


DEBUG = env("DEBUG", "false") == "true"
SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key" if DEBUG else None)
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "motcua.core",
    "motcua.accounts",
    "motcua.deadlines",
    "motcua.documents",
    "motcua.notifications",
    "motcua.payments",
    "motcua.catalogue",
    "motcua.workflow",
    "motcua.eforms",
    "motcua.dossiers",
    "motcua.reporting",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
    "motcua.demo",
    # After motcua.accounts, whose templates override theirs.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "motcua.accounts.middleware.OfficialMfaMiddleware",
    # Last: turns a lockout noticed during the request into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite (WAL) by default; PostgreSQL when DATABASE_URL is set.
_sqlite_path = VAR_DIR / "db.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "") or f"sqlite:///{_sqlite_path}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }

# The cache holds rate-limit counters (motcua.core.ratelimit: the public dossier lookup). Local
# memory counts per server process; with several processes use a shared cache (Redis,
# Memcached or the database) so the limits hold across them.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The public lookup (/tra-cuu/): lookups per client address, failed second factors per dossier
# code, each as (count, seconds).
MOTCUA_LOOKUP_RATE = (20, 600)
MOTCUA_LOOKUP_FAILURE_RATE = (5, 3600)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Dates are day first in every language: dd/mm/yyyy (and ISO) typed, dd/mm/yyyy shown.
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

# Working-day calendar (motcua.deadlines): default office hours (morning start, morning end,
# afternoon start, afternoon end) of agencies without their own, and the `holidays` library's
# days MotCua does not observe ("MM-DD" every year, "YYYY-MM-DD" once): 24 November is listed
# by the library from 2026 but is not a statutory holiday yet (Labour Code Art. 112(1)).
MOTCUA_OFFICE_HOURS = ("07:30", "11:30", "13:00", "17:00")
MOTCUA_HOLIDAYS_NOT_OBSERVED = ["11-24"]

# Deadline rules a province may read differently (docs/architecture.md "Deadlines"):
# - MOTCUA_SAME_DAY_CUTOFF: a same-day dossier received at this time or earlier is due that day,
#   one received strictly after it the next working day ("sau 15 giờ": Decree 23/2015/NĐ-CP
#   Art. 7 for certification; the civil-status procedure texts, domain-vn §2.3 S5/S19); an
#   agency's office-hours row may set its own.
# - MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM: for a dossier received on a day off (a centre open on
#   Saturday), the day not counted (Civil Code 2015 Art. 147(2)) is "receipt_day" (the Saturday:
#   day 1 is Monday) or "next_working_day" (as if received Monday morning: day 1 is Tuesday).
#   No text on Saturday reception was found (unconfirmed); the default reads Art. 147(2)
#   literally: "receipt_day".
# - MOTCUA_JUDGEMENT_LEVEL: early / on time / late compares "date"s (default, as the 766 reports)
#   or the due "time" (finished after the due moment is late even on the due date); no text
#   settles it (unconfirmed; Art. 148(1) ends a period in days at the end of its last day).
#   One setting for the stored judgement, the register, the slips and the statistics.
MOTCUA_SAME_DAY_CUTOFF = env("MOTCUA_SAME_DAY_CUTOFF", "15:00")
MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM = env("MOTCUA_DAY_OFF_RECEIPT_COUNTS_FROM", "receipt_day")
MOTCUA_JUDGEMENT_LEVEL = env("MOTCUA_JUDGEMENT_LEVEL", "date")

# Pauses (motcua.dossiers.pauses; docs/architecture.md "Deadlines"). How the legal time runs
# again after each kind of pause: "procedure" (the procedure's own resume mode, RESTART unless
# the catalogue says EXTEND), "restart" (the whole legal time again from the resume) or "extend"
# (the due time moves by the paused working time). A financial obligation's time is not counted
# in the processing time, so it extends; a stop resumes as a supplement does (the Thanh Hóa
# system's practice, domain-vn §2.3). Unconfirmed against the decrees: docs say what is known.
MOTCUA_RESUME_AFTER = {
    "supplement": "procedure",
    "financial_obligation": "extend",
    "stop": "procedure",
}
# A supplement is requested at most once during processing, and within this many working days
# of acceptance (empty: no limit). 3 is the widely repeated practice, unconfirmed (docs).
MOTCUA_SUPPLEMENT_ONCE = env("MOTCUA_SUPPLEMENT_ONCE", "true") == "true"
MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS = (
    int(env("MOTCUA_SUPPLEMENT_WITHIN_WORKING_DAYS", "3") or 0) or None
)
# The answer-by date a supplement request gives when the officer names none (working days).
MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS = int(env("MOTCUA_SUPPLEMENT_ANSWER_WORKING_DAYS", "10"))
# An apology with a new appointment is given once, and before the legal deadline has passed.
MOTCUA_APOLOGY_ONCE = env("MOTCUA_APOLOGY_ONCE", "true") == "true"
MOTCUA_APOLOGY_BEFORE_DEADLINE = env("MOTCUA_APOLOGY_BEFORE_DEADLINE", "true") == "true"

# An apology and new appointment (Mẫu 04) tells the applicant a later date. Whether that date
# also becomes the deadline timeliness is judged by is not settled (domain-vn §2.3: OpenCPS
# counts an extension date, Thanh Hóa's reports the original appointment). Default: it does
# not, so a dossier finished after its legal deadline stays "late" in the statistics.
MOTCUA_APOLOGY_MOVES_DEADLINE = env("MOTCUA_APOLOGY_MOVES_DEADLINE", "false") == "true"

# Dossier codes begin with the receiving agency's identifier code (Circular 01/2018 Art. 19,
# QCVN 102:2016). An agency without one (a service centre receiving on behalf of departments, a
# commune created in 2025 whose code is not yet assigned) numbers with its nearest ancestor's
# code and counter when this is on (motcua.dossiers.codes; docs/architecture.md "Agency
# identifiers and numbering"). No text says how an uncoded agency numbers (unconfirmed). Default
# on: the alternative is an agency that cannot accept any dossier until its code is entered;
# set "false" to require every receiving agency's own code.
MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER = (
    env("MOTCUA_NUMBER_WITH_ANCESTOR_IDENTIFIER", "true") == "true"
)

# The service-quality index in the shape of Decision 766/QĐ-TTg (motcua.reporting.index766 and
# index766_rules, docs/architecture.md "Transparency and the 766 index"). The five groups'
# maximum points are the decision's [domain-vn §1.6, S27/S28]; the indicators' points are the
# Thanh Hóa system's [code S2]; configuration, not law. A rule turns a share into points:
# "share" (points × the share), "proportional" (points from the threshold up, points × share ÷
# threshold below it: the national portal's formula description "Mô tả công thức tính chỉ số
# 766", for procedures online and digitised dossiers from 80 %, online submission from 50 %),
# "threshold" (points from the threshold up, points_below above 0 and below it: the Thanh Hóa
# step) or None (the share is shown, no points: "rule not found", e.g. the satisfaction target
# of Resolution 76/NQ-CP). Whatever the rule, a share of 0 earns 0 points.
MOTCUA_INDEX_766 = {
    "groups": {
        "publicity": 18,
        "timeliness": 20,
        "online": 22,
        "digitisation": 22,
        "satisfaction": 18,
    },
    "indicators": {
        "timeliness": {"rule": "share", "points": 20},
        "procedures_online": {"rule": "proportional", "threshold": 0.8, "points": 2},
        "online_procedures_used": {"rule": "share", "points": 4},
        "online_submission": {"rule": "proportional", "threshold": 0.5, "points": 6},
        "e_results": {"rule": "share", "points": 6},
        "digitised_dossiers": {"rule": "proportional", "threshold": 0.8, "points": 4},
        "dossier_satisfaction": {"rule": None, "points": 6},
        "reuse": {"rule": "proportional", "threshold": 0.8, "points": 2},
        # Payments (reporting.index766_payments): fee-charging procedures paid online as the
        # national portal's formula description has it (from 80 %); dossiers paid online by the
        # Thanh Hóa step (from 30 %), the only source found for it.
        "payment_procedures": {"rule": "proportional", "threshold": 0.8, "points": 2},
        "online_payment": {"rule": "threshold", "threshold": 0.3, "points": 6, "points_below": 0.9},
    },
}

# The public address of this installation, without a trailing slash: printed slips carry a QR
# code linking to its dossier lookup ({MOTCUA_PUBLIC_URL}/tra-cuu/?ma=<dossier code>), and
# notices link to it. Unset: the development server's address on PORT (`make run PORT=…`).
MOTCUA_PUBLIC_URL = (
    env("MOTCUA_PUBLIC_URL", "") or f"http://127.0.0.1:{env('PORT', '') or '8000'}"
).rstrip("/")

# Payments (motcua.payments, motcua.dossiers.payment_*; docs/payments.md). A gateway's keys are
# issued by the gateway to the installation (VNPAY: the terminal code and hash secret, and the
# IPN URL {MOTCUA_PUBLIC_URL}/thanh-toan/vnpay/ipn/ registered with VNPAY). Unconfigured, and in
# development, the installation talks to its own VNPAY simulator (MOTCUA_PAYMENT_SIMULATOR,
# mounted at /mo-phong/vnpay/): the demo's payments go nowhere real.
MOTCUA_PAYMENT_SIMULATOR = env("MOTCUA_PAYMENT_SIMULATOR", "true" if DEBUG else "false") == "true"
_VNPAY_HOST = env("MOTCUA_VNPAY_HOST", "") or f"{MOTCUA_PUBLIC_URL}/mo-phong/vnpay"
MOTCUA_PAYMENT_GATEWAYS = {
    "vnpay": {
        "tmn_code": env("MOTCUA_VNPAY_TMN_CODE", "") or "MOTCUA01",
        "hash_secret": env("MOTCUA_VNPAY_HASH_SECRET", "")
        or ("mo-phong-khong-phai-bi-mat" if MOTCUA_PAYMENT_SIMULATOR else ""),
        "pay_url": f"{_VNPAY_HOST}/paymentv2/vpcpay.html",
        "api_url": f"{_VNPAY_HOST}/merchant_webapi/api/transaction",
        # Where the simulator sends its notifications (at VNPAY: registered per terminal code).
        "ipn_url": f"{MOTCUA_PUBLIC_URL}/thanh-toan/vnpay/ipn/",
    }
}
# When the simulator notifies the installation: "before" the browser returns (as VNPAY
# documents), "after" it, or "never" (the return then asks the gateway: querydr).
MOTCUA_PAYMENT_SIMULATOR_IPN = env("MOTCUA_PAYMENT_SIMULATOR_IPN", "before")
# Minutes a gateway order stays open (VNPAY's vnp_ExpireDate).
MOTCUA_PAYMENT_ATTEMPT_MINUTES = int(env("MOTCUA_PAYMENT_ATTEMPT_MINUTES", "15"))
# The key of the bank notification webhook (HMAC-SHA256 of the body; docs/payments-bank.md).
MOTCUA_BANK_WEBHOOK_SECRET = env("MOTCUA_BANK_WEBHOOK_SECRET", "")

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "motcua" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Dossier files (scans, result documents) are kept under MEDIA_ROOT/dossiers/ and served only
# through the back office's permission-checked view, never under MEDIA_URL. Each upload may be
# at most MOTCUA_UPLOAD_MAX_BYTES (documents.uploads checks it with the content type); cap the
# request body at the web server too (nginx client_max_body_size), several scans per intake.
MOTCUA_UPLOAD_MAX_BYTES = int(env("MOTCUA_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Signed e-results (docs/architecture.md, "Signed e-results"): the RFC 3161 time-stamping
# authority every signature is stamped by (empty: the active local timestamp credential of the
# trust store, for the demo and single-machine trials only; with neither, signing is refused);
# whether OCSP/CRL are fetched over the network (off: only the CRLs the administrator loaded);
# the key that encrypts the server-held keys and PINs at rest (empty: derived from SECRET_KEY, so
# changing SECRET_KEY then makes the stored keys unreadable: set it in production).
MOTCUA_TSA_URL = env("MOTCUA_TSA_URL", "")
MOTCUA_SIGNING_FETCH_REVOCATION = env("MOTCUA_SIGNING_FETCH_REVOCATION", "true") == "true"
MOTCUA_SIGNING_SECRET = env("MOTCUA_SIGNING_SECRET", "")
# How long the verdict on an uploaded signed PDF (its signatures, shown beside the file) is kept.
MOTCUA_SIGNATURE_CACHE_SECONDS = int(env("MOTCUA_SIGNATURE_CACHE_SECONDS", "86400"))
# Uploads above 2.5 MB go to a temporary file instead of memory; the other form fields of a
# request may total 2.5 MB (Django's defaults, stated here on purpose).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Token first: its WWW-Authenticate challenge makes a request without credentials a 401.
    # Session keeps the browser (and Swagger UI after signing in) working, with CSRF checks.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "motcua.api.exceptions.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MotCua API",
    "DESCRIPTION": (
        "API of the MotCua one-stop shop (một cửa điện tử).\n\n"
        "Public, without credentials: the procedure catalogue (thủ tục hành chính) and the "
        "deadline calculator.\n\n"
        "Dossiers (hồ sơ) need credentials: officials and integrators send "
        "`Authorization: Token <key>` (an administrator issues the key with "
        "`python manage.py api_token <username>`); a signed-in browser session works too. "
        "Use **Authorize** and enter `Token <key>`. A dossier the caller may not see answers "
        "404, as if it did not exist.\n\n"
        "Every error is RFC 7807 `application/problem+json`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "motcua.dossiers.constants.DossierStatus",
        "DossierActEnum": "motcua.dossiers.constants.Act",
        "FeeStatusEnum": "motcua.dossiers.constants.FeeStatus",
        "ApplicantKindEnum": "motcua.dossiers.constants.ApplicantKind",
    },
}

LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"

# Accounts and sign-in (docs/architecture.md, "Accounts and sign-in"). django-allauth: citizens
# register with e-mail, phone, citizen ID and password and confirm the e-mail with a code;
# everyone logs in with a username (officials), e-mail or phone and a password, or through the
# OpenID Connect provider below. Officials must use an authenticator app (TOTP). django-axes
# locks a username at one IP address out after MOTCUA_LOGIN_FAILURE_LIMIT failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out attempt outright
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "motcua.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "motcua.accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "motcua.accounts.adapters.MfaAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email", "phone"}
# The phone is asked by the signup form itself (required there), so accounts made by an
# administrator without one can still log in.
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "motcua.accounts.forms.LoginForm",
    "signup": "motcua.accounts.forms.CitizenSignupForm",
}
ACCOUNT_USER_DISPLAY = "motcua.accounts.adapters.user_display"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = False  # no SMS gateway yet: phones are not verified
ACCOUNT_SESSION_REMEMBER = False  # shared computers at service centres: end with the browser
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MotCua] "
ACCOUNT_LOGOUT_REDIRECT_URL = "portal:home"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = MOTCUA_PUBLIC_URL.split(":", 1)[0]
# Failed logins per account are axes' job; allauth still slows down one address trying many.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
# Where a citizen lands after logging in (officials go to LOGIN_REDIRECT_URL).
MOTCUA_CITIZEN_HOME_URL = "portal:home"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MotCua"
# Officials (anyone with a role in an agency) set up an authenticator app before any other page.
MOTCUA_OFFICIAL_MFA_REQUIRED = env("MOTCUA_OFFICIAL_MFA_REQUIRED", "true") == "true"
# The national (VNeID-style) OpenID Connect provider; no SSO button while the URL is unset.
# Register both callback URLs at the provider: {MOTCUA_PUBLIC_URL}/tai-khoan/oidc/vneid/login/
# callback/ and the same under /en/.
MOTCUA_OIDC_SERVER_URL = env("MOTCUA_OIDC_SERVER_URL", "")
MOTCUA_OIDC_CITIZEN_ID_CLAIM = env("MOTCUA_OIDC_CITIZEN_ID_CLAIM", "citizen_id")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "vneid",
                "name": env("MOTCUA_OIDC_NAME", "VNeID"),
                "client_id": env("MOTCUA_OIDC_CLIENT_ID", ""),
                "secret": env("MOTCUA_OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": MOTCUA_OIDC_SERVER_URL},
            }
        ]
        if MOTCUA_OIDC_SERVER_URL
        else [],
    }
}
AXES_FAILURE_LIMIT = int(env("MOTCUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("MOTCUA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "motcua.accounts.lockout.attempted_account"
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no "AXES: BEGIN version" line on every manage.py command
# Behind a reverse proxy, the client address is the last one the proxies add.
MOTCUA_TRUSTED_PROXY_COUNT = _proxies = int(env("MOTCUA_TRUSTED_PROXY_COUNT", "0"))
if _proxies:
    AXES_IPWARE_PROXY_COUNT = _proxies
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    ALLAUTH_TRUSTED_PROXY_COUNT = _proxies

# Outgoing e-mail (notices to applicants). Without EMAIL_HOST, messages are written to the
# console, so a development installation never mails real people by accident.
EMAIL_HOST = env("EMAIL_HOST", "")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "false") == "true"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MotCua <khong-tra-loi@motcua.localhost>")
EMAIL_TIMEOUT = 60  # seconds; well inside the outbox lease below

# Background work: Django's Tasks API (the django-tasks backport) with the database backend, so
# the same worker runs on SQLite and PostgreSQL (`manage.py worker`, started by `make run`).
TASKS: dict[str, dict[str, object]] = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# For scale-out, MOTCUA_TASKS_BACKEND=redis puts the tasks on Redis (django-tasks-rq, RQ): run
# `manage.py rqworker default --job-class django_tasks_rq.Job` (as many as needed) for the
# tasks, and one or more `manage.py worker` for the outbox sweep and the periodic jobs.
MOTCUA_TASKS_BACKEND = env("MOTCUA_TASKS_BACKEND", "database")
REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
if MOTCUA_TASKS_BACKEND == "redis":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif MOTCUA_TASKS_BACKEND != "database":
    raise ImproperlyConfigured("MOTCUA_TASKS_BACKEND is database or redis")
# The notification outbox (motcua.notifications): retries after 1, 2, 4, … backoff periods,
# capped, until the maximum number of attempts; a message left "sending" by a killed worker is
# taken up again once its lease has ended.
MOTCUA_NOTIFY_MAX_ATTEMPTS = int(env("MOTCUA_NOTIFY_MAX_ATTEMPTS", "8"))
MOTCUA_NOTIFY_BACKOFF_SECONDS = int(env("MOTCUA_NOTIFY_BACKOFF_SECONDS", "60"))
MOTCUA_NOTIFY_BACKOFF_MAX_SECONDS = int(env("MOTCUA_NOTIFY_BACKOFF_MAX_SECONDS", "3600"))
MOTCUA_NOTIFY_LEASE_SECONDS = int(env("MOTCUA_NOTIFY_LEASE_SECONDS", "300"))
# Applicant notices (dossiers.notices) to someone who never chose their channels (a citizen
# without saved preferences, an applicant at the counter without an account): each channel
# listed is used when the dossier has what it needs (e-mail address, phone number, account).
MOTCUA_NOTIFY_DEFAULT_CHANNELS = tuple(
    c for c in env("MOTCUA_NOTIFY_DEFAULT_CHANNELS", "email,sms,inbox").split(",") if c
)
# SMS written without Vietnamese diacritics (GSM 7-bit: 160 characters a part instead of 70).
MOTCUA_NOTIFY_SMS_UNACCENTED = env("MOTCUA_NOTIFY_SMS_UNACCENTED", "true").lower() == "true"
# Officials' reminders (motcua.dossiers.reminders, run by the worker): the daily digest on working
# days at MOTCUA_DIGEST_TIME (Vietnam time) of what is overdue or due within the next
# MOTCUA_DIGEST_DUE_SOON_WORKING_DAYS working days; overdue-step alerts checked every
# MOTCUA_OVERDUE_ALERT_MINUTES; leaders told when a dossier is overdue by more than
# MOTCUA_ESCALATION_WORKING_DAYS working days (the law sets no number: 1 is our choice).
MOTCUA_DIGEST_TIME = env("MOTCUA_DIGEST_TIME", "07:30")
MOTCUA_DIGEST_DUE_SOON_WORKING_DAYS = int(env("MOTCUA_DIGEST_DUE_SOON_WORKING_DAYS", "2"))
MOTCUA_OVERDUE_ALERT_MINUTES = int(env("MOTCUA_OVERDUE_ALERT_MINUTES", "5"))
MOTCUA_ESCALATION_WORKING_DAYS = int(env("MOTCUA_ESCALATION_WORKING_DAYS", "1"))
# Online dossiers waiting for acceptance (motcua.dossiers.acceptance_alerts): the reception
# officer accepts, asks for a supplement or refuses within MOTCUA_ONLINE_ACCEPTANCE_HOURS working
# hours of the submission, on the receiving agency's calendar (shown in the reception queue); past
# it the agency's reception officers are alerted once, checked every MOTCUA_OVERDUE_ALERT_MINUTES.
# No national rule found: 8 is Thanh Hóa's local service level (domain-vn §2.2), unconfirmed.
MOTCUA_ONLINE_ACCEPTANCE_HOURS = int(env("MOTCUA_ONLINE_ACCEPTANCE_HOURS", "8"))
# SMS (motcua.notifications.channels.sms): an HTTP gateway. The provider is a dotted path to an
# adapter class; the built-in JsonHttpGateway speaks the generic JSON protocol of
# docs/architecture.md (Notifications). Without MOTCUA_SMS_URL, SMS are written to the log.
# The sender is the brand name registered with the operator (empty: the gateway's default).
MOTCUA_SMS_URL = env("MOTCUA_SMS_URL", "")
MOTCUA_SMS_PROVIDER = env(
    "MOTCUA_SMS_PROVIDER",
    "motcua.notifications.channels.sms."
    + ("JsonHttpGateway" if MOTCUA_SMS_URL else "ConsoleGateway"),
)
MOTCUA_SMS_API_KEY = env("MOTCUA_SMS_API_KEY", "")
MOTCUA_SMS_SENDER = env("MOTCUA_SMS_SENDER", "")
MOTCUA_SMS_TIMEOUT = int(env("MOTCUA_SMS_TIMEOUT", "10"))  # seconds; inside the lease
# Webhooks (docs/webhooks.md): https endpoints only; plain http to 127.0.0.1/localhost is
# allowed when DEBUG or this setting is true (development, tests, benchmarks).
MOTCUA_WEBHOOK_TIMEOUT = int(env("MOTCUA_WEBHOOK_TIMEOUT", "10"))  # seconds; inside the lease
MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP = env("MOTCUA_WEBHOOK_ALLOW_LOCAL_HTTP", "false") == "true"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # WeasyPrint reports each step of every PDF at INFO, fontTools (the fonts of signature
    # appearances) each subsetting step and that it drops a table it cannot subset.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "ERROR"},
    },
}
