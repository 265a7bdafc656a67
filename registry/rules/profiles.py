"""The five regulations (rule profiles) and the pseudo-profile of the common rules."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Profile:
    id: str
    jurisdiction: str
    regulation: str  # full title, as cited
    document: str  # document number or status of the text
    prefix: str  # rule ID prefix


PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile("common", "通用", "通用规则", "", "REG"),
        Profile("quxian", "四川省渠县", "渠县信息化项目管理办法", "渠府发〔2022〕12号", "QX"),
        Profile("potou", "广东省湛江市坡头区", "坡头区区级政务信息化服务项目管理办法", "试行，征求意见稿", "PT"),
        Profile("dashiqiao", "辽宁省大石桥市", "大石桥市政务信息化项目管理暂行办法", "2025年4月15日印发", "DSQ"),
        Profile("dalad", "内蒙古达拉特旗", "达拉特旗数字城市建设项目管理办法", "征求意见稿", "DLT"),
        Profile("jinxiang", "山东省金乡县", "金乡县政务信息化项目建设管理办法", "金政字〔2024〕80号", "JX"),
    )
}

SELECTABLE = tuple(p for p in PROFILES if p != "common")
