"""JX 规则：本配置多章规则共用的判断。"""
from __future__ import annotations

from registry.enums import (
    Deployment,
)

GOVERNMENT_CLOUDS = frozenset({Deployment.county_cloud, Deployment.city_cloud, Deployment.province_cloud})
