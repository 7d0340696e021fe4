"""Form fields in the USWDS markup of the rest of MotCua, with hints and errors announced."""

from django import forms, template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def usa_widget(field: forms.BoundField) -> SafeString:
    """The widget with its USWDS class and aria-describedby naming its hint and errors. Labels
    are always shown, so allauth's placeholders (which would repeat them) are dropped."""
    widget = field.field.widget
    widget.attrs.pop("placeholder", None)
    if field.widget_type in ("checkbox", "radio"):
        css = f"usa-{field.widget_type}__input"
    elif isinstance(widget, forms.Select):
        css = "usa-select"
    elif isinstance(widget, forms.Textarea):
        css = "usa-textarea"
    else:
        css = "usa-input"
    if field.errors and css in ("usa-input", "usa-select", "usa-textarea"):
        css += " usa-input--error"
    described = [f"{field.auto_id}_helptext"] if field.help_text else []
    described += [f"{field.auto_id}_error{n}" for n in range(1, len(field.errors) + 1)]
    attrs: dict[str, str | bool] = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)
