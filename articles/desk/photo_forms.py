"""The admin's photo form (the photo screen and the article form's photo inline).

A browser cannot refill a file input, so a photo chosen on a form that then fails validation
(a missing headline, a stale version, another photo's error) would be silently dropped. Instead
the chosen file is kept: when the form is shown again with a fresh upload in it, the upload is
copied to ``stash/`` in the media storage and a signed token for it rides in a hidden input
beside the file input, with a note naming the kept file. The next save uses the kept file unless
another is chosen, and removes it from the stash once saved. No row owns a stashed file, so the
checked media view never serves it; a stashed file nobody comes back for is removed by
``manage.py clearstash`` after STASH_MAX_AGE.
"""

import posixpath
import uuid
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.models import Photo
from newsroom.images.validators import is_new_upload, validate_image_upload

STASH_FOLDER = "stash"
STASH_SALT = "articles.photo_forms.stash"  # unchanged since the module moved: tokens in open forms stay good
# How long a kept upload waits for the form to be saved again.
STASH_MAX_AGE = 24 * 3600


def stash_upload(upload) -> str:
    """Keep an upload the page could not save yet; the signed token that finds it again."""
    extension = PurePath(upload.name or "").suffix.lower()[:10]
    upload.seek(0)
    name = default_storage.save(posixpath.join(STASH_FOLDER, f"{uuid.uuid4().hex}{extension}"), upload)
    upload.seek(0)
    return signing.dumps({"name": name, "original": PurePath(upload.name or "").name}, salt=STASH_SALT)


def stashed_upload(token: str) -> File | None:
    """The kept upload a token stands for, named as it was chosen; None if it is gone or the token is not ours."""
    try:
        kept = signing.loads(token, salt=STASH_SALT, max_age=STASH_MAX_AGE)
    except signing.BadSignature:
        return None
    name = kept.get("name", "")
    if not name.startswith(f"{STASH_FOLDER}/") or not default_storage.exists(name):
        return None
    file = File(default_storage.open(name, "rb"), name=kept.get("original") or posixpath.basename(name))
    file.stash_name, file.stash_token = name, token
    return file


def forget_stashed(file) -> None:
    """Once the save that used a kept upload commits, the kept copy is no longer needed."""
    name = getattr(file, "stash_name", None)
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


class KeepingImageInput(AdminFileWidget):
    """The image input; an upload its page could not save yet is kept, and a hidden token carries it."""

    # The form whose errors say whether the upload itself was refused (a refused file is not kept).
    form: forms.Form | None = None

    @staticmethod
    def token_name(name: str) -> str:
        return f"{name}-kept"

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload:
            return upload
        token = data.get(self.token_name(name))
        kept = stashed_upload(token) if token else None
        return kept or upload

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        # A file field's bound value is always its initial one; the upload is in cleaned_data,
        # and only there when the file itself passed its checks (a refused file is not kept).
        value = getattr(self.form, "cleaned_data", {}).get("image")
        if not value or not is_new_upload(value):
            return html
        # Shown again with a fresh upload in it: this page's save failed. Keep the upload.
        token = getattr(value, "stash_token", None) or stash_upload(value)
        return html + format_html(
            '<input type="hidden" name="{}" value="{}"><p class="help kept-upload">{}</p>',
            self.token_name(name),
            token,
            _("Kept from your last try: {name}. It is saved with the form; choose another file only to replace it.").format(
                name=PurePath(value.name or "").name
            ),
        )


class CheckedImageField(forms.ImageField):
    """Django's image field, with the site's own check first: its refusals name the limit."""

    def to_python(self, data):
        if data and is_new_upload(data):
            validate_image_upload(data)
        return super().to_python(data)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["article", "image", "caption", "credit", "order"]
        widgets = {"image": KeepingImageInput}
        field_classes = {"image": CheckedImageField}

    # Set by the photo admin on the form class it builds per request; the inline needs none (its
    # article's own permissions decide whether its photos may change).
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            self.fields["image"].widget.form = self

    def clean(self):
        cleaned_data = super().clean()
        if self.user is None:
            return cleaned_data
        from articles.photos import photo_refusal

        photo = self.instance if self.instance.pk else None
        # The story the photo belongs to now (if it is saved) and the one it is filed with.
        targets = [self.instance.article] if photo else []
        if "article" in self.fields:
            targets.append(cleaned_data.get("article"))
        for article in targets:
            refusal = photo_refusal(self.user, article=article, photo=photo)
            if refusal is not None:
                raise forms.ValidationError(getattr(refusal, "messages", None) or str(refusal))
        return cleaned_data


class PhotoInlineFormSet(BaseInlineFormSet):
    """The article form's photos: at most MAX_PHOTOS_PER_SAVE new ones in one save."""

    def clean(self):
        super().clean()
        limit = settings.NEWSROOM["MAX_PHOTOS_PER_SAVE"]
        new = sum(
            1
            for form in self.forms
            if "image" in form.changed_data and not (self.can_delete and self._should_delete_form(form))
        )
        if new > limit:
            raise forms.ValidationError(
                _(
                    "At most %(limit)s new photos can be saved at once; this form has %(count)s. "
                    "Save up to %(limit)s, then add the rest."
                ),
                code="too_many_photos",
                params={"limit": limit, "count": new},
            )
