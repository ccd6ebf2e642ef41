"""Registry codes (domain CODES.md: sectors, departments)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectorCode(models.TextChoices):
    INDUSTRY_TRADE = "industry_trade", _("Industry and trade")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals")
    CONFINED_SPACE = "confined_space", _("Confined spaces")
    ROAD_TRAFFIC = "road_traffic", _("Road traffic and transport")
    WATER_TRANSPORT = "water_transport", _("Water transport")
    CONSTRUCTION = "construction", _("Construction, incl. work at heights")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment")
    CIVIL_EXPLOSIVES = "civil_explosives", _("Civil explosives")
    FIRE = "fire", _("Fire safety")
    GAS = "gas", _("Gas")


# (code, Chinese name, English name, supervising department codes) — CODES.md "Sectors".
SECTORS = [
    ("industry_trade", "工贸", "Industry and trade", ["emergency"]),
    ("hazardous_chemicals", "危险化学品", "Hazardous chemicals", ["emergency"]),
    ("confined_space", "有限空间", "Confined spaces", ["emergency"]),
    ("road_traffic", "道路交通运输", "Road traffic and transport", ["transport", "public_security"]),
    ("water_transport", "水上交通运输", "Water transport", ["transport"]),
    ("construction", "建筑施工（含高处作业）", "Construction, incl. work at heights", ["housing"]),
    ("special_equipment", "特种设备", "Special equipment", ["market"]),
    ("civil_explosives", "民用爆炸物品", "Civil explosives", ["industry_it", "public_security"]),
    ("fire", "消防", "Fire safety", ["fire_rescue"]),
    ("gas", "燃气", "Gas", ["housing", "market"]),
]

# Short names people type in spreadsheets (import), besides the full Chinese names.
SECTOR_ALIASES = {
    "工贸": "industry_trade",
    "工贸行业": "industry_trade",
    "危化": "hazardous_chemicals",
    "危化品": "hazardous_chemicals",
    "危险化学品": "hazardous_chemicals",
    "有限空间": "confined_space",
    "道路交通": "road_traffic",
    "道路运输": "road_traffic",
    "道路交通运输": "road_traffic",
    "水上交通": "water_transport",
    "水上交通运输": "water_transport",
    "水运": "water_transport",
    "建筑施工": "construction",
    "建筑施工（含高处作业）": "construction",
    "高处作业": "construction",
    "特种设备": "special_equipment",
    "民爆": "civil_explosives",
    "民用爆炸物品": "civil_explosives",
    "消防": "fire",
    "燃气": "gas",
}

# (code, Chinese name, English name) — CODES.md "Departments".
DEPARTMENTS = [
    ("emergency", "应急管理局", "Emergency Management Bureau"),
    ("transport", "交通运输局", "Transport Bureau"),
    ("public_security", "公安分局", "Public Security Sub-bureau"),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    ("market", "市场监督管理局", "Market Supervision Administration"),
    ("industry_it", "工业和信息化局", "Industry and Information Technology Bureau"),
    ("fire_rescue", "消防救援大队", "Fire and Rescue Brigade"),
    ("natural_resources", "自然资源局", "Natural Resources Bureau"),
    ("water", "水利局", "Water Resources Bureau"),
]


# CODES.md: the district's flood-control office (三防办) sits in the Emergency Management Bureau, not in the
# water bureau (which keeps the water works).
FLOOD_CONTROL_DEPARTMENT = "emergency"


class StandardisationGrade(models.TextChoices):
    """R-REG-4: work-safety standardisation grades (安全生产标准化)."""

    ONE = "1", _("Grade one")
    TWO = "2", _("Grade two")
    THREE = "3", _("Grade three")
    SMALL = "small", _("Small and micro")


class WorkFlag(models.TextChoices):
    """R-REG-4: cross-industry work that campaigns and checklists target."""

    CONFINED_SPACE = "confined_space", _("Confined-space work")
    DUST_EXPLOSION = "dust_explosion", _("Dust-explosion risk")
    AMMONIA = "ammonia_refrigeration", _("Ammonia refrigeration")
    HEIGHTS = "work_at_heights", _("Work at heights")
    HOT_WORK = "hot_work", _("Hot work")
    CHEMICALS = "hazardous_chemicals_use", _("Hazardous-chemical use")


class LicenceKind(models.TextChoices):
    SAFETY_PRODUCTION = "safety_production", _("Safety production licence")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Hazardous chemicals operation licence")
    GAS = "gas", _("Gas operation licence")
    OTHER = "other", _("Other licence")


class SubSector(models.TextChoices):
    """Industry-and-trade sub-sectors (CODES.md)."""

    METALLURGY = "metallurgy", _("Metallurgy")
    NONFERROUS = "nonferrous", _("Non-ferrous metals")
    BUILDING_MATERIALS = "building_materials", _("Building materials")
    MACHINERY = "machinery", _("Machinery")
    LIGHT_INDUSTRY = "light_industry", _("Light industry")
    TEXTILE = "textile", _("Textile")
    TOBACCO = "tobacco", _("Tobacco")
    COMMERCE = "commerce", _("Commerce")


class JurisdictionKind(models.TextChoices):
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    STREET = "street", _("Street")
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")


TOWN_KINDS = (JurisdictionKind.TOWN, JurisdictionKind.STREET)


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended (ordered to stop)")
    SHUTDOWN = "shutdown", _("Production halted")
    CLOSED = "closed", _("Closed / deregistered")


class EnterpriseScale(models.TextChoices):
    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
