"""Back-office views: thin; reads through selectors, writes through services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The start page of an official: their worklist."""
    return redirect("backoffice:worklist")
