"""The photo admin's own screen: 更正 of the caption of a photo readers can see."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from articles.models import Photo
from articles.photos import can_correct_caption, photo_caption_correct


def photo_admin_urls(model_admin) -> list:
    """URLs under /admin/articles/photo/<id>/ for the caption correction."""
    wrap = model_admin.admin_site.admin_view
    return [
        path(
            "<path:object_id>/correct/",
            wrap(lambda request, object_id: photo_correct_view(model_admin, request, object_id)),
            name="articles_photo_correct",
        )
    ]


class CaptionCorrectionForm(forms.Form):
    caption = forms.CharField(label=_("caption"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(
        label=_("correction note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Readers see this note, dated, under the story or the photo news."),
    )


def photo_correct_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """更正 of a caption readers can see: the new caption and a dated note, at once."""
    photo = model_admin.get_object(request, object_id)
    if photo is None:
        raise Http404(_("No such photo."))
    change_url = reverse("admin:articles_photo_change", args=[photo.pk])
    if not request.user.has_perm("articles.correct_article"):
        messages.error(request, _("Only editors can correct articles."))
        return HttpResponseRedirect(change_url)
    if not can_correct_caption(photo):
        messages.error(request, _("Only a photo readers can see is corrected; edit an unreleased one instead."))
        return HttpResponseRedirect(change_url)
    form = CaptionCorrectionForm(request.POST or None, initial={"caption": photo.caption})
    if request.method == "POST" and form.is_valid():
        try:
            photo_caption_correct(
                photo=photo, user=request.user, caption=form.cleaned_data["caption"], note=form.cleaned_data["note"]
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(change_url)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The correction is published with its note."))
            return HttpResponseRedirect(change_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Photo._meta,
        "original": photo,
        "title": _("Correct the caption of “{photo}”").format(photo=photo),
        "form": form,
        "media": model_admin.media + form.media,
        "change_url": change_url,
    }
    return TemplateResponse(request, "admin/articles/photo/correct.html", context)
