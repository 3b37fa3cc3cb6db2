from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"


def validate_pdf_upload(file) -> None:
    """Refuse, with a reason, a page PDF that is too big, not a PDF, or one that cannot be opened."""
    limit = settings.NEWSROOM["MAX_PDF_BYTES"]
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The PDF is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    position = file.tell() if hasattr(file, "tell") else None
    try:
        file.seek(0)
        data = file.read()
    finally:
        if position is not None:
            file.seek(position)
    # The extension and the browser's content type are the uploader's word; the bytes are not.
    if not data.startswith(PDF_MAGIC):
        raise ValidationError(
            _("The file is not a PDF (it does not start like one). Export the page as PDF and upload that."),
            code="not_pdf",
        )
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise ValidationError(
            _("The PDF is damaged or password-protected and cannot be opened."), code="invalid_pdf"
        )
    try:
        if len(document) < 1:
            raise ValidationError(_("The PDF has no pages."), code="empty_pdf")
    finally:
        document.close()
