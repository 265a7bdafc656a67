"""The built-in profiles' declarations (``profile.toml``) as Python: written by
scripts/profile_declarations.py, do not edit. Each entry holds the exact text of the file it
was made from; :meth:`registry.rules.profiles.Profile.declared_in` uses an entry only while the
package's ``profile.toml`` still holds that text, and parses the file otherwise."""
from registry.rules.profiles import Profile

DECLARED: dict[str, tuple[str, Profile]] = {
    'registry.rules.dalad': (
        '# 规则配置 dalad 的声明：registry/rules/profiles.py 中 Profile 的各字段（见 CONTRIBUTING.md）。\nid = "dalad"\njurisdiction = "内蒙古达拉特旗"\nregulation = "达拉特旗数字城市建设项目管理办法"\ndocument = "征求意见稿"\nprefix = "DLT"\nshort_names = ["达拉特旗", "达拉特"]\ndata_authority = "大数据中心"\nauthorities = ["finance", "development_reform", "audit", "cyberspace"]\nwhole_jurisdiction = true\n',
        Profile(id='dalad', jurisdiction='内蒙古达拉特旗', regulation='达拉特旗数字城市建设项目管理办法', document='征求意见稿', prefix='DLT', short_names=('达拉特旗', '达拉特'), data_authority='大数据中心', authorities=('finance', 'development_reform', 'audit', 'cyberspace'), whole_jurisdiction=True),
    ),
    'registry.rules.dashiqiao': (
        '# 规则配置 dashiqiao 的声明：registry/rules/profiles.py 中 Profile 的各字段（见 CONTRIBUTING.md）。\nid = "dashiqiao"\njurisdiction = "辽宁省大石桥市"\nregulation = "大石桥市政务信息化项目管理暂行办法"\ndocument = "2025年4月15日印发"\nprefix = "DSQ"\nshort_names = ["大石桥市", "大石桥"]\ndata_authority = "数据局"\nauthorities = ["finance", "development_reform", "audit", "cyberspace", "crypto"]\nwhole_jurisdiction = true\n',
        Profile(id='dashiqiao', jurisdiction='辽宁省大石桥市', regulation='大石桥市政务信息化项目管理暂行办法', document='2025年4月15日印发', prefix='DSQ', short_names=('大石桥市', '大石桥'), data_authority='数据局', authorities=('finance', 'development_reform', 'audit', 'cyberspace', 'crypto'), whole_jurisdiction=True),
    ),
    'registry.rules.jinxiang': (
        '# 规则配置 jinxiang 的声明：registry/rules/profiles.py 中 Profile 的各字段（见 CONTRIBUTING.md）。\nid = "jinxiang"\njurisdiction = "山东省金乡县"\nregulation = "金乡县政务信息化项目建设管理办法"\ndocument = "金政字〔2024〕80号"\nprefix = "JX"\nshort_names = ["金乡县", "金乡"]\ndata_authority = "大数据局"\nauthorities = ["finance", "audit", "cyberspace", "crypto"]\nwhole_jurisdiction = true\n',
        Profile(id='jinxiang', jurisdiction='山东省金乡县', regulation='金乡县政务信息化项目建设管理办法', document='金政字〔2024〕80号', prefix='JX', short_names=('金乡县', '金乡'), data_authority='大数据局', authorities=('finance', 'audit', 'cyberspace', 'crypto'), whole_jurisdiction=True),
    ),
    'registry.rules.potou': (
        '# 规则配置 potou 的声明：registry/rules/profiles.py 中 Profile 的各字段（见 CONTRIBUTING.md）。\nid = "potou"\njurisdiction = "广东省湛江市坡头区"\nregulation = "坡头区区级政务信息化服务项目管理办法"\ndocument = "试行，征求意见稿"\nprefix = "PT"\nshort_names = ["坡头区", "坡头"]\ndata_authority = "政务服务数据管理局"\nauthorities = ["finance", "development_reform", "audit", "crypto"]\nwhole_jurisdiction = true\n',
        Profile(id='potou', jurisdiction='广东省湛江市坡头区', regulation='坡头区区级政务信息化服务项目管理办法', document='试行，征求意见稿', prefix='PT', short_names=('坡头区', '坡头'), data_authority='政务服务数据管理局', authorities=('finance', 'development_reform', 'audit', 'crypto'), whole_jurisdiction=True),
    ),
    'registry.rules.quxian': (
        '# 规则配置 quxian 的声明：registry/rules/profiles.py 中 Profile 的各字段（见 CONTRIBUTING.md）。\nid = "quxian"\njurisdiction = "四川省渠县"\nregulation = "渠县信息化项目管理办法"\ndocument = "渠府发〔2022〕12号"\nprefix = "QX"\nshort_names = ["渠县"]\ndata_authority = "大数据中心"\nauthorities = ["finance", "development_reform", "audit", "cyberspace"]\nwhole_jurisdiction = true\n',
        Profile(id='quxian', jurisdiction='四川省渠县', regulation='渠县信息化项目管理办法', document='渠府发〔2022〕12号', prefix='QX', short_names=('渠县',), data_authority='大数据中心', authorities=('finance', 'development_reform', 'audit', 'cyberspace'), whole_jurisdiction=True),
    ),
}
