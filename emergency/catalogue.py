"""The supply catalogue as data (GB/T 38565-2020 categories, R-EMG-5/R-EMG-8).

`default_norm` is the per-town reserve the district applies where it set none: the flood-control
materials' figures follow SL 298-2004's reserve quotas scaled to a town of the district (a plausible
default the district overrides with its own norms); other categories carry no default.
"""

# code, 中文, English, category, unit, shelf life (days) or None, default norm per town
ITEMS = [
    ("FX-001", "编织袋", "Woven bags", "flood", "条", 1825, 5000),
    ("FX-002", "麻袋", "Sandbags (jute)", "flood", "条", 1095, 2000),
    ("FX-003", "土工布", "Geotextile", "flood", "m²", 1825, 1500),
    ("FX-004", "块石", "Stone", "flood", "m³", None, 200),
    ("FX-005", "木桩", "Timber piles", "flood", "根", None, 300),
    ("JS-001", "救生衣", "Life jackets", "lifesaving", "件", 1825, 200),
    ("JS-002", "救生圈", "Life buoys", "lifesaving", "个", 1825, 100),
    ("JS-003", "橡皮艇", "Rubber boats", "lifesaving", "艘", 3650, 2),
    ("JS-004", "冲锋舟", "Assault boats", "lifesaving", "艘", 3650, 1),
    ("ZM-001", "发电机组", "Generators", "power_lighting", "台", None, 2),
    ("ZM-002", "移动照明灯", "Mobile lighting", "power_lighting", "套", None, 10),
    ("PL-001", "移动泵车", "Mobile pump trucks", "waterlogging", "台", None, 0),
    ("PL-002", "潜水泵", "Submersible pumps", "waterlogging", "台", None, 10),
    ("PL-003", "防洪挡板", "Flood barriers", "waterlogging", "块", None, 50),
    ("PL-004", "警示牌", "Warning signs", "waterlogging", "块", None, 40),
    ("XF-001", "灭火器", "Fire extinguishers", "fire", "具", 1825, 0),
    ("XF-002", "消防水带", "Fire hoses", "fire", "盘", 2920, 0),
    ("XF-003", "水枪", "Nozzles", "fire", "支", None, 0),
    ("XF-004", "正压式空气呼吸器", "Breathing apparatus", "fire", "具", 2920, 0),
    ("XF-005", "消防防护服", "Protective suits", "fire", "套", 1825, 0),
    ("JY-001", "救援绳", "Rescue ropes", "rescue", "条", 1825, 0),
    ("YL-001", "急救箱", "First-aid kits", "medical", "个", 730, 0),
    ("SH-001", "救灾帐篷", "Relief tents", "living", "顶", 1825, 0),
    ("SH-002", "折叠床", "Folding beds", "living", "张", None, 0),
    ("SH-003", "瓶装饮用水", "Bottled water", "living", "箱", 365, 0),
    ("TX-001", "卫星电话", "Satellite phones", "communication", "部", None, 0),
]


def seed_catalogue(SupplyItem=None) -> int:
    """Idempotent: missing items are added, existing ones kept as the district edited them."""
    if SupplyItem is None:
        from emergency.models import SupplyItem
    created = 0
    for code, name, name_en, category, unit, shelf, norm in ITEMS:
        _obj, new = SupplyItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "category": category,
                "unit": unit,
                "shelf_life_days": shelf,
                "default_norm": norm,
            },
        )
        created += int(new)
    return created
