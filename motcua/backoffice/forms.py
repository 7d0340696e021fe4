"""Forms of the worklists and the dossier page: the list filters and one form per act."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.constants import Channel
from motcua.catalogue.models import Field
from motcua.dossiers.constants import Act, DossierStatus, ReturnMethod
from motcua.dossiers.models import Dossier
from motcua.dossiers.worklists import Criteria
from motcua.workflow import engine
from motcua.workflow.models import ProcessStep

MAX_COMMENT = 2000
MAX_MISSING_ITEMS = 50
MAX_AMOUNT = 10**12  # đồng

# Acts that cannot be undone: the official ticks "I confirm" first.
IRREVERSIBLE_ACTS = frozenset(
    {Act.REFUSE, Act.WITHDRAW, Act.FINISH, Act.RETURN_RESULT, Act.STOP, Act.APOLOGISE}
)

# The fields each act's form shows, in order (the service says which ones it requires).
ACT_FIELDS: dict[Act, tuple[str, ...]] = {
    Act.ACCEPT: ("comment",),
    Act.REFUSE: ("comment",),
    Act.REQUEST_SUPPLEMENT: ("missing", "comment", "answer_by"),
    Act.RECEIVE_SUPPLEMENT: ("comment",),
    Act.REQUEST_FINANCIAL_OBLIGATION: ("comment", "amount"),
    Act.CONFIRM_PAYMENT: ("reference",),
    Act.FORWARD: ("target_step", "comment"),
    Act.SEND_BACK: ("target_step", "comment"),
    Act.TRANSFER: ("target_step", "comment"),
    Act.RECEIVE_BACK: ("target_step", "comment"),
    Act.STOP: ("comment",),
    Act.RESUME: ("comment",),
    Act.WITHDRAW: ("comment",),
    Act.FINISH: ("result_number",),
    Act.RETURN_RESULT: (
        "return_method",
        "recipient_name",
        "recipient_id_number",
        "originals_collected",
        "tracking_number",
    ),
    Act.APOLOGISE: ("comment", "new_appointment"),
}
# What the service requires (a hint for the browser; the service decides).
REQUIRED: dict[Act, frozenset[str]] = {
    Act.REFUSE: frozenset({"comment"}),
    Act.REQUEST_SUPPLEMENT: frozenset({"missing"}),
    Act.REQUEST_FINANCIAL_OBLIGATION: frozenset({"comment", "amount"}),
    Act.SEND_BACK: frozenset({"comment"}),
    Act.STOP: frozenset({"comment"}),
    Act.RETURN_RESULT: frozenset({"return_method"}),
    Act.APOLOGISE: frozenset({"comment", "new_appointment"}),
}
COMMENT_LABELS: dict[Act, Any] = {
    Act.REFUSE: _("Reason for refusing"),
    Act.REQUEST_SUPPLEMENT: _("Reason (what is wrong or missing)"),
    Act.REQUEST_FINANCIAL_OBLIGATION: _("What the applicant must pay"),
    Act.SEND_BACK: _("Reason for sending it back"),
    Act.STOP: _("Reason for stopping"),
    Act.WITHDRAW: _("The applicant's reason (from the written request)"),
    Act.APOLOGISE: _("Reason for the delay (printed on the apology, form 04)"),
}


def uswds_style(form: forms.Form) -> None:
    """USWDS classes on the widgets."""
    for bound in form.fields.values():
        widget = bound.widget
        if isinstance(widget, forms.HiddenInput | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "usa-checkbox__input"
        elif isinstance(widget, forms.Textarea):
            css = "usa-textarea"
        elif isinstance(widget, forms.Select):
            css = "usa-select"
        else:
            css = "usa-input"
        widget.attrs["class"] = css


class WorklistFilterForm(forms.Form):
    """Unknown values are dropped, never an error: a bad link still shows a list."""

    q = forms.CharField(
        label=_("Dossier code, applicant's name or ID number"), max_length=100, required=False
    )
    procedure = forms.CharField(
        label=_("Procedure (national code or name)"), max_length=200, required=False
    )
    field = forms.ChoiceField(label=_("Field"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *DossierStatus.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Submission channel"),
        choices=[("", _("All channels")), *Channel.choices],
        required=False,
    )
    received_from = forms.DateField(label=_("Received from"), required=False)
    received_to = forms.DateField(label=_("Received until"), required=False)

    FILTERS = ("procedure", "field", "status", "channel", "received_from", "received_to")

    def __init__(self, *args: Any, fields: list[Field] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        english = get_language() == "en"
        field_choice = self.fields["field"]
        assert isinstance(field_choice, forms.ChoiceField)
        field_choice.choices = [("", _("All fields"))] + [
            (f.slug, f.name_en if english and f.name_en else f.name) for f in fields
        ]
        for name in ("received_from", "received_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        uswds_style(self)

    def criteria(self) -> Criteria:
        """The valid values only (an invalid one is ignored and shown as an error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        dates: dict[str, date | None] = {
            name: data.get(name) for name in ("received_from", "received_to")
        }
        return Criteria(
            query=data.get("q") or "",
            procedure=data.get("procedure") or "",
            field=data.get("field") or "",
            status=data.get("status") or "",
            channel=data.get("channel") or "",
            received_from=dates["received_from"],
            received_to=dates["received_to"],
        )

    def narrowed(self) -> int:
        """How many filters (besides the search box) are on."""
        data = getattr(self, "cleaned_data", {})
        return sum(bool(data.get(name)) for name in self.FILTERS)


class ActForm(forms.Form):
    """One act on one dossier. Built with the act and the dossier, so it shows only the fields
    the act needs and the steps it may lead to; `version` is the dossier version shown."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    missing = forms.CharField(
        label=_("Missing papers, one per line"),
        help_text=_("Everything the applicant must add or correct, asked for once."),
        max_length=MAX_COMMENT * 5,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    amount = forms.IntegerField(
        label=_("Amount (đồng)"), min_value=1, max_value=MAX_AMOUNT, required=False
    )
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)
    target_step = forms.TypedChoiceField(label=_("Next step"), coerce=int, required=False)
    result_number = forms.CharField(
        label=_("Number of the result document"), max_length=100, required=False
    )
    return_method = forms.ChoiceField(
        label=_("How the result was returned"),
        choices=ReturnMethod.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    recipient_name = forms.CharField(
        label=_("Received by (at the counter)"), max_length=255, required=False
    )
    recipient_id_number = forms.CharField(
        label=_("Recipient's ID number"), max_length=20, required=False
    )
    originals_collected = forms.CharField(
        label=_("Originals collected back"),
        help_text=_("For example the old certificate the new result replaces."),
        max_length=MAX_COMMENT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tracking_number = forms.CharField(
        label=_("Postal tracking number (by post)"), max_length=50, required=False
    )
    answer_by = forms.DateField(
        label=_("The applicant must answer by (a working day)"),
        help_text=_("Leave it empty to give the usual time."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    new_appointment = forms.DateField(
        label=_("New appointment (a working day)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    confirm = forms.BooleanField(
        label=_("I confirm: this cannot be undone."),
        required=False,
    )

    def __init__(self, *args: Any, act: Act, dossier: Dossier, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", act.value)
        kwargs.setdefault("initial", {"version": dossier.version})
        super().__init__(*args, **kwargs)
        self.act = act
        self.dossier = dossier
        self.irreversible = act in IRREVERSIBLE_ACTS
        self.targets = self._targets()
        wanted = set(ACT_FIELDS.get(act, ())) | {"version"}
        if self.irreversible:
            wanted.add("confirm")
        if len(self.targets) < 2:
            wanted.discard("target_step")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.order_fields(ACT_FIELDS.get(act, ()))
        if "target_step" in self.fields:
            choice = self.fields["target_step"]
            assert isinstance(choice, forms.TypedChoiceField)
            choice.choices = [(step.pk, step.name) for step in self.targets]
            choice.required = True
            choice.label = _("Step to send it back to") if act == Act.SEND_BACK else _("Next step")
            self.initial.setdefault("target_step", self.targets[0].pk)
        if act == Act.RETURN_RESULT:
            self.initial.setdefault(
                "recipient_name", dossier.representative_name or dossier.applicant_name
            )
        if "comment" in self.fields and act in COMMENT_LABELS:
            self.fields["comment"].label = COMMENT_LABELS[act]
        if "confirm" in self.fields:
            self.fields["confirm"].required = True
            self.fields["confirm"].error_messages["required"] = _(
                "Tick the box to confirm; this act cannot be undone."
            )
        uswds_style(self)
        for name in REQUIRED.get(act, ()):
            if name in self.fields:
                self.fields[name].widget.attrs["required"] = True
                self.fields[name].widget.attrs["aria-required"] = "true"

    def _targets(self) -> list[ProcessStep]:
        """The steps this act may lead to (forward, transfer, receive back, send back)."""
        process, step = self.dossier.process, self.dossier.current_step
        if process is None or step is None:
            return []
        if self.act == Act.SEND_BACK:
            return engine.back_targets(process, step)
        if self.act in (Act.FORWARD, Act.RECEIVE_BACK):
            return [t for t in engine.forward_targets(process, step) if not t.is_transfer]
        if self.act == Act.TRANSFER:
            return [t for t in engine.forward_targets(process, step) if t.is_transfer]
        return []

    @property
    def next_step(self) -> ProcessStep | None:
        """The one step the act leads to, when there is no choice to make."""
        return self.targets[0] if len(self.targets) == 1 else None

    def missing_items(self) -> list[str]:
        text = self.cleaned_data.get("missing") or ""
        items = [line.strip() for line in text.splitlines() if line.strip()]
        return items

    def clean_missing(self) -> str:
        text = self.cleaned_data.get("missing") or ""
        if len([line for line in text.splitlines() if line.strip()]) > MAX_MISSING_ITEMS:
            raise forms.ValidationError(
                _("List at most %(n)d missing papers.") % {"n": MAX_MISSING_ITEMS}
            )
        return text
