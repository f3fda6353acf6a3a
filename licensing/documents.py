"""Checks on uploaded documents: a size cap and a type allow-list read from the content."""

from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile


def validate_upload(file: UploadedFile) -> str:
    """Return the file's real content type, or raise a ValidationError naming the problem."""
    size = file.size or 0
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": f"The file is {size / 1_048_576:.1f} MB; the limit is "
                f"{limit / 1_048_576:.0f} MB."
            }
        )
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    allowed = settings.UPLOAD_ALLOWED_TYPES
    extension = PurePath(file.name or "").suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            {
                "file": f"Files of type '.{extension}' are not accepted; upload "
                f"{', '.join('.' + e for e in sorted(allowed))}."
            }
        )
    # The extension can lie: read the content's own signature.
    head = file.read(4096)
    file.seek(0)
    try:
        detected = puremagic.from_string(head, mime=True)
    except puremagic.PureError:
        detected = "an unrecognised format"
    if detected != allowed[extension]:
        raise ValidationError(
            {"file": f"The file is named .{extension} but its content is {detected}."}
        )
    return str(detected)
