from django import forms
from django.utils.translation import gettext_lazy as _


class SearchForm(forms.Form):
    """The reader's search: words, order and an optional range of issue dates."""

    ORDER_NEWEST = "newest"
    ORDER_RELEVANCE = "relevance"

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[(ORDER_NEWEST, _("Newest first")), (ORDER_RELEVANCE, _("Best match first"))],
        required=False,
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned_data = super().clean()
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned_data
