"""The public check of a document: upload a PDF, compare it with the issued one."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from safkat.forms import Form


class DocumentCheckForm(Form):
    document = FileField(
        _l("The PDF to check"),
        validators=[FileRequired(_l("Choose the PDF file to check."))],
        description=_l("The file is compared with the issued document, then forgotten: it is not kept."),
    )
