"""Contributors, credits, rate tables and the monthly statement at the desk (every write through the services)."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.contributors.models import Contributor, Credit, RateBand, RateTable, Statement, StatementLine
from articles.contributors.services import (
    check_bands,
    contributor_delete,
    contributor_save,
    credit_confirm,
    credit_delete,
    credit_save,
    credits_follow_byline,
    credits_open,
    rate_table_save,
)
from articles.contributors.statements import (
    month_statement,
    review_csv,
    review_tallies,
    statement_csv,
    statement_mark_paid,
    statement_months,
    statement_xlsx,
)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "user", "active", "public_page"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "unit"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def get_fields(self, request, obj=None):
        fields = ["name", "kind", "unit", "contact", "payee", "user", "active", "public_page"]
        if not request.user.has_perm("contributors.view_payee"):
            fields.remove("payee")  # bank accounts and ID numbers are the finance office's
        return fields

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.filter(active=True)  # a new credit names an active contributor
        return queryset, distinct

    def save_model(self, request, obj, form, change):
        contributor_save(contributor=obj)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(Credit._meta.verbose_name))  # credits become one-off names, not deleted
        paid = [c for c in objs if StatementLine.objects.filter(contributor=c).exists()]
        # Credits are not lost with the person: contributor_delete keeps them as one-off names.
        protected = [
            _("{name} has been paid for stories and cannot be deleted: untick “active” instead.").format(name=c.name)
            for c in paid
        ]
        return deleted, counts, perms_needed, protected

    def delete_model(self, request, obj):
        contributor_delete(contributor=obj)

    def get_urls(self):
        return [
            path("review/", self.admin_site.admin_view(self.review_view), name="contributors_contributor_review"),
        ] + super().get_urls()

    def review_view(self, request):
        """考核: stories, characters, front-page stories and photos per contributor for a period."""
        if not (request.user.has_perm("contributors.view_statement") or request.user.has_perm("articles.approve_article")):
            raise PermissionDenied
        form = ReviewForm(request.GET or None)
        tallies = None
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            tallies = review_tallies(start, end)
            if request.GET.get("format") == "csv":
                response = HttpResponse(review_csv(tallies), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = f'attachment; filename="review-{start}-{end}.csv"'
                return response
        return TemplateResponse(request, "admin/contributors/review.html", {
            **self.admin_site.each_context(request), "title": _("Counts per contributor (考核)"), "form": form,
            "tallies": tallies, "opts": self.model._meta,
        })

    def delete_queryset(self, request, queryset):
        for contributor in queryset:
            contributor_delete(contributor=contributor)


class ReviewForm(forms.Form):
    start = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError(_("The period ends before it starts."))
        return data


class CreditInline(admin.TabularInline):
    """The story's byline as data: who, in which role, in which order; a one-off name waits to be confirmed."""

    model = Credit
    fk_name = "article"
    fields = ["order", "contributor", "name", "role", "confirm"]
    readonly_fields = ["confirm"]
    autocomplete_fields = ["contributor"]
    extra = 1
    verbose_name = _("byline credit")
    verbose_name_plural = _("byline (credits: the printed line is made from these)")

    def _open(self, obj) -> bool:
        return credits_open(obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._open(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._open(obj)

    @admin.display(description=_("confirm"))
    def confirm(self, credit: Credit) -> str:
        if credit.pk is None or credit.contributor_id:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:contributors_credit_confirm", args=[credit.pk]),
            _("Confirm as a contributor"),
        )


def save_credit_formset(model_admin, request, form, formset) -> None:
    """The article form's credits, saved through the credit services."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    try:
        for credit_form in formset.forms:
            if not hasattr(credit_form, "cleaned_data"):
                continue
            credit = credit_form.instance
            if formset.can_delete and formset._should_delete_form(credit_form):
                if credit.pk is not None:
                    credit_delete(credit=credit)
                    formset.deleted_objects.append(credit)
            elif credit_form.has_changed():
                credit.article = form.instance
                credit_save(credit=credit)
                (formset.changed_objects.append((credit, credit_form.changed_data)) if credit_form.initial
                 else formset.new_objects.append(credit))
    except ValidationError as error:
        model_admin.message_user(request, error_text(error), messages.ERROR)


def credit_typed_byline(model_admin, request, form) -> None:
    """A byline the desk typed (new or changed) becomes the story's credits, unless they were edited by hand."""
    if "byline" not in form.changed_data:
        return
    report = credits_follow_byline(article=form.instance, byline_before=form.initial.get("byline") or "")
    if report and report.unmatched:
        model_admin.message_user(
            request,
            _("Not among the contributors yet: {names}. They are one-off names in the story's byline credits; "
              "confirm each as a contributor.").format(names="、".join(report.unmatched)),
            messages.INFO,
        )


def uncredited_warning(article) -> str:
    """Flag a story credited to nobody on its change page (a warning for 终审, not a block)."""
    if article is None or article.credits.exists():
        return ""
    return str(_("This story is credited to nobody: add its byline credits before 终审, or nobody is paid for it."))


class ConfirmForm(forms.Form):
    contributor = forms.ModelChoiceField(
        label=_("the contributor this is"), queryset=Contributor.objects.none(), required=False,
        empty_label=_("— a new contributor —"), help_text=_("Two people may share a name: choose the right one."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Contributor.Kind.choices, initial=Contributor.Kind.OUTSIDE)
    unit = forms.CharField(label=_("unit"), max_length=100, required=False)


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    """Every credit, read-only; one-off names are confirmed into contributors from here or the story."""

    list_display = ["display", "role", "article", "confirm"]
    list_filter = [("contributor", admin.EmptyFieldListFilter), "role"]
    search_fields = ["name", "contributor__name", "article__headline"]
    list_select_related = ["contributor", "article"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("name"))
    def display(self, credit: Credit) -> str:
        return credit.display_name if credit.contributor_id else format_html("{} <em>({})</em>", credit.name, _("one-off"))

    @admin.display(description=_("confirm"))
    def confirm(self, credit: Credit) -> str:
        return CreditInline.confirm(None, credit)

    def get_urls(self):
        return [
            path("<int:pk>/confirm/", self.admin_site.admin_view(self.confirm_view), name="contributors_credit_confirm"),
        ] + super().get_urls()

    def confirm_view(self, request, pk: int):
        if not request.user.has_perm("contributors.add_contributor"):
            raise PermissionDenied
        credit = get_object_or_404(Credit.objects.select_related("article"), pk=pk)
        if credit.contributor_id:
            self.message_user(request, _("This credit already names a contributor."), messages.INFO)
            return HttpResponseRedirect(self._back(credit))
        form = ConfirmForm(request.POST or None)
        form.fields["contributor"].queryset = Contributor.objects.filter(name=credit.name)
        if request.method == "POST" and form.is_valid():
            try:
                contributor = credit_confirm(
                    credit=credit, contributor=form.cleaned_data["contributor"], kind=form.cleaned_data["kind"],
                    unit=form.cleaned_data["unit"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, _("“{name}” is now the contributor {contributor}.").format(
                        name=credit.name, contributor=contributor), messages.SUCCESS,
                )
                return HttpResponseRedirect(self._back(credit))
        return TemplateResponse(request, "admin/contributors/credit_confirm.html", {
            **self.admin_site.each_context(request), "title": _("Confirm “{name}” as a contributor").format(
                name=credit.name), "credit": credit, "form": form, "opts": self.model._meta,
        })

    @staticmethod
    def _back(credit: Credit) -> str:
        if credit.article_id:
            return reverse("admin:articles_article_change", args=[credit.article_id])
        return reverse("admin:contributors_credit_changelist")


class BandFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        bands = [
            RateBand(min_chars=f.cleaned_data["min_chars"], max_chars=f.cleaned_data.get("max_chars"),
                     amount=f.cleaned_data["amount"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("min_chars") is not None
        ]
        check_bands(bands)
        self.bands = [(b.min_chars, b.max_chars, b.amount) for b in bands]


class RateBandInline(admin.TabularInline):
    model = RateBand
    formset = BandFormSet
    fields = ["min_chars", "max_chars", "amount"]
    extra = 3

    # The bands are the table's: whoever may edit the table edits its bands (rate_table_save replaces them).
    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("contributors.change_ratetable") or request.user.has_perm(
            "contributors.add_ratetable")

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("contributors.view_ratetable")


@admin.register(RateTable)
class RateTableAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "note", "photo_amount", "front_page_extra", "commentary_extra"]
    inlines = [RateBandInline]

    def save_model(self, request, obj, form, change):
        self._table = obj  # saved with its bands in save_related, in one service call

    def save_related(self, request, form, formsets, change):
        formset = next(f for f in formsets if f.model is RateBand)
        rate_table_save(table=form.instance, bands=formset.bands)
        # The change message reads what the formset saved: rate_table_save replaced the bands.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = list(form.instance.bands.all()), [], []

    def save_formset(self, request, form, formset, change):
        pass  # the bands were saved by rate_table_save


def parse_month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise Http404 from None


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    """The monthly 稿费 statement: a list of months, each month's lines, its downloads and its payment."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<str:month>/", wrap(self.month_view), name="contributors_statement_month"),
            path("<str:month>/xlsx/", wrap(self.xlsx_view), name="contributors_statement_xlsx"),
            path("<str:month>/csv/", wrap(self.csv_view), name="contributors_statement_csv"),
            path("<str:month>/pay/", wrap(self.pay_view), name="contributors_statement_pay"),
            path("<str:month>/print/", wrap(self.print_view), name="contributors_statement_print"),
        ] + super().get_urls()

    def _statement(self, request, month: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return month_statement(parse_month(month))

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        paid = {s.month: s for s in Statement.objects.select_related("paid_by")}
        months = [(month, paid.get(month)) for month in statement_months()]
        return TemplateResponse(request, "admin/contributors/statement_months.html", {
            **self.admin_site.each_context(request), "title": _("Monthly 稿费 statements"), "months": months,
            "opts": self.model._meta,
        })

    def month_view(self, request, month: str):
        statement = self._statement(request, month)
        return TemplateResponse(request, "admin/contributors/statement_month.html", {
            **self.admin_site.each_context(request),
            "title": _("稿费 statement for {month}").format(month=statement.month.strftime("%Y-%m")),
            "statement": statement, "month": statement.month.strftime("%Y-%m"), "opts": self.model._meta,
            "can_pay": request.user.has_perm("contributors.pay_statement") and not statement.paid,
        })

    def print_view(self, request, month: str):
        """One sheet a person, with a line to sign for the money: for the finance office's printer."""
        statement = self._statement(request, month)
        return TemplateResponse(request, "admin/contributors/statement_print.html", {
            "statement": statement, "month": statement.month.strftime("%Y-%m"),
        })

    def xlsx_view(self, request, month: str):
        statement = self._statement(request, month)
        response = HttpResponse(
            statement_xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="statement-{month}.xlsx"'
        return response

    def csv_view(self, request, month: str):
        statement = self._statement(request, month)
        response = HttpResponse(statement_csv(statement), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="statement-{month}.csv"'
        return response

    def pay_view(self, request, month: str):
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:contributors_statement_month", args=[month]))
        if not request.user.has_perm("contributors.pay_statement"):
            raise PermissionDenied
        try:
            statement_mark_paid(month=parse_month(month), user=request.user)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
        else:
            self.message_user(request, _("{month} is marked paid: its statement is frozen.").format(month=month),
                              messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:contributors_statement_month", args=[month]))
