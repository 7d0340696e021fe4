"""Citizens sign in on the account pages (/tai-khoan/login/), not on the officials' page that
settings.LOGIN_URL names: the portal's pages for signed-in citizens use this decorator."""

from functools import partial

from django.contrib.auth.decorators import login_required

citizen_login_required = partial(login_required, login_url="account_login")
