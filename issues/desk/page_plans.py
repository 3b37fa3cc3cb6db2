"""The paper's standing layouts (四开八版, 周末四版…) on the desk; saves go through issues.services."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from issues.desk.people import editor_choices, editor_field
from issues.models import PagePlan, PlannedPage
from issues.services import page_plan_delete, page_plan_save, planned_page_delete, planned_page_save


class PlannedPageInline(admin.TabularInline):
    model = PlannedPage
    extra = 0
    fields = ["number", "name", "editor", "capacity_chars", "photo_area"]
    ordering = ["number"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "editor":
            kwargs["queryset"] = editor_choices()
            return editor_field(super().formfield_for_foreignkey(db_field, request, **kwargs))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PagePlan)
class PagePlanAdmin(admin.ModelAdmin):
    inlines = [PlannedPageInline]
    list_display = ["name", "weekdays", "active", "page_count"]
    fields = ["name", "weekdays", "dates", "active"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(slot_total=Count("slots"))

    @admin.display(description=_("pages"), ordering="slot_total")
    def page_count(self, plan: PagePlan) -> int:
        return plan.slot_total

    def save_model(self, request, obj, form, change):
        page_plan_save(plan=obj)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for slot in formset.deleted_objects:
            planned_page_delete(slot=slot)
        for slot in [*formset.new_objects, *(slot for slot, _changed in formset.changed_objects)]:
            slot.plan = form.instance
            planned_page_save(slot=slot)

    def delete_model(self, request, obj):
        page_plan_delete(plan=obj)

    def delete_queryset(self, request, queryset):
        for plan in queryset:
            page_plan_delete(plan=plan)
