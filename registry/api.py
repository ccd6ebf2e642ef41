from collections.abc import Mapping

from rest_framework import mixins, serializers, viewsets

from core.api import ScopedViewSetMixin, display_field
from core.choices import RiskColour
from core.masking import phone_for
from registry import services
from registry.filters import EnterpriseFilter
from registry.models import Department, Enterprise, Jurisdiction, Sector


class TownSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "code"]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = Sector
        fields = ["code", "name"]


class DepartmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name")
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Department
        fields = ["id", "name", "code", "sectors"]


class TownViewSet(viewsets.ReadOnlyModelViewSet):
    """Towns and streets of the district (public reference data for any signed-in user)."""

    serializer_class = TownSerializer
    queryset = Jurisdiction.objects.towns().filter(is_active=True).order_by("code")


class SectorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SectorSerializer
    queryset = Sector.objects.all()
    lookup_field = "code"


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    queryset = Department.objects.filter(is_active=True).prefetch_related("sectors")


class EnterpriseSerializer(serializers.ModelSerializer):
    town = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.towns())
    village = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.exclude(kind__in=["district", "town", "street"]),
        required=False,
        allow_null=True,
    )
    sectors = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Sector.objects.all())
    status_display = display_field("status")
    # Read-only, so declared: a model field's blank choice ("" until first graded) would be left out.
    risk_level = serializers.ChoiceField(choices=RiskColour.choices, allow_blank=True, read_only=True)
    risk_level_display = display_field("risk_level")
    scale_display = display_field("scale")
    sub_sector_display = display_field("sub_sector")
    town_name = serializers.CharField(source="town.display_name", read_only=True)
    supervising_departments = serializers.SerializerMethodField()
    # Any length reaches the service, which names the length it got (R-REG-1).
    credit_code = serializers.CharField()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "town",
            "town_name",
            "village",
            "address",
            "sectors",
            "sub_sector",
            "sub_sector_display",
            "status",
            "status_display",
            "scale",
            "scale_display",
            "employees",
            "legal_representative",
            "principal_name",
            "principal_phone",
            "safety_manager_name",
            "safety_manager_phone",
            "business_scope",
            "established_on",
            "lat",
            "lng",
            "risk_level",
            "risk_level_display",
            "risk_level_reason",
            "supervising_departments",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "risk_level",
            "risk_level_reason",
            "version",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"name": {"max_length": 120}}

    def get_supervising_departments(self, obj) -> list[int]:
        codes = {s.code for s in obj.sectors.all()}
        return sorted({d.pk for d in self.context["departments"] if codes & d.sector_codes})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        for field in ("principal_phone", "safety_manager_phone"):
            data[field] = phone_for(user, data[field], instance.pk)
        return data


class EnterpriseUpdateSerializer(EnterpriseSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version the client read; a stale one answers 409. Optional (API.md fixes PATCH "
        "without it): when absent, the version this request reads is used.",
    )

    class Meta(EnterpriseSerializer.Meta):
        read_only_fields = ["status", "risk_level", "risk_level_reason", "created_at", "updated_at"]


class EnterpriseViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Enterprises in the caller's scope. Filters `town`, `sector`, `status`, `risk_level`, `q` (API.md)."""

    scoped_model = Enterprise
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def base_queryset(self):
        return Enterprise.objects.select_related("town").prefetch_related("sectors").order_by("name", "id")

    def get_serializer_class(self):
        return EnterpriseUpdateSerializer if self.action == "partial_update" else EnterpriseSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        departments = list(Department.objects.prefetch_related("sectors"))
        for department in departments:
            department.sector_codes = {s.code for s in department.sectors.all()}
        context["departments"] = departments
        return context

    def create(self, request, *args, **kwargs):
        services.check_can_register(request.user)  # API.md: the role (403) before the input (400)
        return super().create(request, *args, **kwargs)

    def partial_update(self, request, *args, **kwargs):
        # API.md's order of checks: visibility (404), role (403), version (409), then the input (400).
        enterprise = self.get_object()
        if isinstance(request.data, Mapping):
            services.check_can_update(request.user, enterprise, set(request.data) - {"version"})
            version = request.data.get("version")
            if isinstance(version, int) and not isinstance(version, bool):
                services.check_version(enterprise, version, actor=request.user)
        return super().partial_update(request, *args, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.register_enterprise(
            actor=self.request.user, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        # API.md fixes `PATCH /enterprises/{id}/` without a version, and the schema documents it as optional:
        # a client that sends none writes over the version this request read (the UPDATE still checks it).
        version = data.pop("version", serializer.instance.version)
        serializer.instance = services.update_enterprise(
            actor=self.request.user, enterprise=serializer.instance, data=data, version=version
        )
