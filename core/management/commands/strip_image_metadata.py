"""Write images stored before uploads dropped their metadata (EXIF with GPS and
camera, XMP, ICC profiles) again without it, and drop their renditions; Wagtail
makes them again from the clean file. Run once after upgrading."""

from django.core.management.base import BaseCommand
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from core.uploads.images import stored_image_strip
from core.uploads.validators import IMAGE_EXTENSIONS


class Command(BaseCommand):
    help = (
        "Remove location and camera data (EXIF, XMP, ICC) from stored images and "
        "from documents that are images; their renditions are made again."
    )

    def handle(self, *args, **options):
        changed = 0
        for image in get_image_model().objects.order_by("pk").iterator():
            changed += self._strip(image)
        for document in get_document_model().objects.order_by("pk").iterator():
            if document.file_extension.lower() in IMAGE_EXTENSIONS:
                changed += self._strip(document)
        self.stdout.write(f"{changed} files written again without metadata.")

    def _strip(self, instance) -> bool:
        try:
            if stored_image_strip(instance=instance):
                self.stdout.write(f"{instance._meta.label} {instance.pk}: stripped")
                return True
        except (OSError, ValueError) as error:
            self.stderr.write(f"{instance._meta.label} {instance.pk}: {error}")
        return False
