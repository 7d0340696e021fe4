"""Public portal pages: home, procedure search and one procedure. Reads go through selectors."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from motcua.catalogue import selectors
from motcua.eforms.selectors import offered_online

from .forms import LEVEL_CHOICES, ONLINE_CHOICES, ProcedureSearchForm

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _partial_or_page(request: HttpRequest, page: str, context: dict) -> HttpResponse:
    """The results fragment for htmx, the whole page otherwise; caches keep them apart."""
    template = "portal/_results.html" if _is_htmx(request) else page
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _search(request: HttpRequest) -> dict:
    form = ProcedureSearchForm(request.GET, fields=selectors.field_list_with_counts())
    criteria = form.criteria()
    page = Paginator(selectors.procedure_find(**criteria), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return {
        "form": form,
        "criteria": criteria,
        "filtered": any(criteria.values()),
        "narrowed": sum(bool(criteria[name]) for name in ("field", "level", "online_type")),
        "procedures": page.object_list,
        "page": page,
    }


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if _is_htmx(request):
        context = _search(request) if request.GET.get("q", "").strip() else {"idle": True}
        return _partial_or_page(request, "portal/home.html", context)
    context = {
        "fields": selectors.field_list_with_counts(),
        "levels": LEVEL_CHOICES[1:],
        "online_types": ONLINE_CHOICES[1:],
    }
    return _partial_or_page(request, "portal/home.html", context)


@require_safe
def procedure_list(request: HttpRequest) -> HttpResponse:
    return _partial_or_page(request, "portal/procedure_list.html", _search(request))


@require_safe
def procedure_detail(request: HttpRequest, national_code: str) -> HttpResponse:
    procedure = selectors.procedure_get_published(national_code=national_code)
    context = {"procedure": procedure, "offered_online": offered_online(procedure)}
    return render(request, "portal/procedure_detail.html", context)
