"""`POST /api/v1/attachments/` (API.md): upload one file, get back its id for a later action."""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from attachments.models import Attachment
from attachments.services import store_attachment
from core.choices import Role
from core.errors import NotAllowed, TooLarge


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, required=False, allow_null=True)
    taken_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the photo was taken (its EXIF time, read on the device before it was made smaller).",
    )


class AttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self):
        return Attachment.objects.visible_to(self.request.user)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Refuse an oversized body before it is parsed (the service checks the file size again).
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > settings.UPLOAD_MAX_BYTES + 64 * 1024:
            raise TooLarge()

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    def create(self, request):
        # district_leader reads only (API.md); the role (403) comes before the input (400).
        if not request.user.role_codes - {Role.DISTRICT_LEADER}:
            raise NotAllowed(_("Your role may not upload files."))
        form = UploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        attachment = store_attachment(
            actor=request.user,
            upload=form.validated_data["file"],
            lat=form.validated_data.get("lat"),
            lng=form.validated_data.get("lng"),
            taken_at=form.validated_data.get("taken_at"),
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
