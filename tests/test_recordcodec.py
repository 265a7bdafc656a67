"""The record cache keeps records as plain data (registry.recordcodec) and rebuilds them without
validating: what it rebuilds must be exactly the record validation made — the same values of
the same types at every level, the same nested models, the same field sets (the shared
objects), the same instance dicts in the same order — and check/diff must say exactly what they
say without the cache. Differential: shipped records, Hypothesis-generated ones, and real git
repositories with a warm cache against ``REGISTRY_NO_CACHE=1``."""
from __future__ import annotations

import contextlib
import datetime as dt
import enum
import io
import os
import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from cachekit import own_signing_key  # noqa: F401  (autouse fixture)
from fuzz.strategies import record_data, to_yaml
from gitrepo import GitRepo
from registry import cachestore, loader, recordcache, recordcodec
from registry.cachestore import StaleCache, Store
from registry.cli import main
from registry.models import Project, System
from test_diff import CLERK, TODAY, record, seeded

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
KINDS = {"systems/czj/czj-gen.yaml": (System, {"id": "czj-gen", "unit": "czj"}),
         "projects/czj/2025-czj-001.yaml": (Project, {"id": "2025-czj-001", "unit": "czj", "year": 2025})}


def assert_identical(got: Any, want: Any, where: str = "record") -> None:
    """``got`` is ``want`` rebuilt: same types and values all the way down, same field sets (the
    shared objects the loader leaves), same instance-dict order, nothing else on a model."""
    assert type(got) is type(want), f"{where}: {type(got).__name__} ≠ {type(want).__name__}"
    if isinstance(want, BaseModel):
        assert list(got.__dict__) == list(want.__dict__), where
        assert got.__pydantic_fields_set__ == want.__pydantic_fields_set__, where
        assert type(got.__pydantic_fields_set__) is type(want.__pydantic_fields_set__), where
        if isinstance(want.__pydantic_fields_set__, loader.FieldNames):
            assert got.__pydantic_fields_set__ is want.__pydantic_fields_set__, f"{where}: not the shared field set"
        assert got.__pydantic_extra__ == want.__pydantic_extra__ and got.__pydantic_private__ == want.__pydantic_private__
        for name, value in want.__dict__.items():
            assert_identical(got.__dict__[name], value, f"{where}.{name}")
    elif isinstance(want, list):
        assert len(got) == len(want), where
        for i, (a, b) in enumerate(zip(got, want)):
            assert_identical(a, b, f"{where}[{i}]")
    elif isinstance(want, float):
        assert repr(got) == repr(want), where  # -0.0 stays -0.0
    elif isinstance(want, enum.Enum):
        assert got is want, where
    else:
        assert got == want, where


def json_of(record: BaseModel) -> str:
    """``model_dump_json``, or what it raised (a lone surrogate is no JSON: both must say so)."""
    try:
        return record.model_dump_json()
    except Exception as exc:  # noqa: BLE001
        return f"{type(exc).__name__}: {exc}"


def round_trip(record: BaseModel) -> None:
    data = recordcodec.dumps(record)
    assert data is not None, f"{record!r} was not encoded"
    back = recordcodec.loads(data)
    assert_identical(back, record)
    assert back == record
    assert back.model_dump() == record.model_dump()
    assert json_of(back) == json_of(record)
    assert back.model_fields_set == record.model_fields_set


def shipped_records() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PROJECT_ROOT.glob("**/*.yaml")):
        relative = path.relative_to(PROJECT_ROOT)
        if ".venv" in relative.parts or "node_modules" in relative.parts:
            continue
        parts = relative.parts
        for i, part in enumerate(parts[:-2]):
            if part in loader.RECORD_FOLDERS and len(parts) - i == 3:
                found.append(("/".join(parts[i:]), path))
    return found


def test_every_shipped_record_comes_back_exactly() -> None:
    records = 0
    for relative, path in shipped_records():
        loaded = loader.load_record(relative, path.read_bytes())
        if isinstance(loaded, BaseModel):
            round_trip(loaded)
            records += 1
    assert records > 100


def test_every_model_class_of_a_record_has_a_plan() -> None:
    """A class without a plan would quietly never be cached: every class a record holds has one."""
    seen: set[type[BaseModel]] = set()
    pending: list[type[BaseModel]] = [System, Project]
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        plan = recordcodec.plan_of(cls)
        assert plan is not None, cls
        assert plan.names == tuple(cls.model_fields)
        for _, kind in plan.special:
            while kind[0] in (recordcodec.LIST, recordcodec.OPTIONAL):
                kind = kind[1]
            if kind[0] == recordcodec.MODEL:
                pending.append(kind[1])
    assert len(seen) > 20


@SETTINGS
@given(path=st.sampled_from(sorted(KINDS)), data=st.data())
def test_generated_records_come_back_exactly(path: str, data: st.DataObject) -> None:
    model, fixed = KINDS[path]
    values = {**data.draw(record_data(model)), **fixed}
    loaded = loader.load_record(path, to_yaml(values))  # through YAML, as a registry holds it
    if isinstance(loaded, BaseModel):
        round_trip(loaded)
    try:
        direct = model.model_validate(values)  # and straight from Python values (ints in float fields …)
    except Exception:  # noqa: BLE001  (generated data may be invalid: nothing to cache then)
        return
    loader.share_field_sets(direct)  # as the loader leaves every record it validates
    round_trip(direct)


class Text(str):
    pass


class Whenever(dt.date):
    pass


@pytest.mark.parametrize("update", [
    {"name": Text("子类文本")},  # marshal writes exact types only
    {"online_since": Whenever(2025, 1, 1)},  # a date subclass
    {"online_since": dt.datetime(2025, 1, 1, 12, 0)},  # a time would be lost
    {"online_since": "2025-01-01"},  # text where a date belongs
    {"status": "operating"},  # text where an enumeration member belongs
    {"security": {"mlps_level": 2}},  # a dict where a model belongs
    {"platforms": ("smart_city",)},  # a tuple where a list belongs
])
def test_a_value_that_could_not_come_back_exactly_is_not_encoded(update: dict[str, Any]) -> None:
    good = System.model_validate({"id": "czj-a", "name": "甲", "unit": "czj", "status": "operating",
                                  "deployment": "county_cloud", "platforms": ["smart_city"]})
    assert recordcodec.dumps(good) is not None
    bad = good.model_copy(update=update)
    assert recordcodec.dumps(bad) is None


def test_a_model_with_an_extra_attribute_or_not_a_record_is_not_encoded() -> None:
    good = System.model_validate({"id": "czj-a", "name": "甲", "unit": "czj", "status": "operating",
                                  "deployment": "county_cloud"})
    odd = good.model_copy()
    object.__setattr__(odd, "__dict__", {**good.__dict__, "surplus": 1})
    assert recordcodec.dumps(odd) is None
    assert recordcodec.dumps(good.security) is None  # only whole records are written


@pytest.mark.parametrize("data", [
    b"",
    b"rec1",
    b"rec1X" + b"\x00",
    pickle.dumps("not a record"),
    b"rec1S" + b"\xff\xfe",
])
def test_bytes_of_another_format_are_never_taken_for_a_record(data: bytes) -> None:
    with pytest.raises(StaleCache):
        recordcodec.loads(data)


def test_a_record_of_another_shape_is_refused_not_misread() -> None:
    """Bytes of a System read as a Project (or cut short) raise, never build a wrong record."""
    system = System.model_validate({"id": "czj-a", "name": "甲", "unit": "czj", "status": "operating",
                                    "deployment": "county_cloud"})
    data = recordcodec.dumps(system)
    assert data is not None
    for wrong in (data[:4] + b"P" + data[5:], data[:-3]):
        with pytest.raises(StaleCache):
            recordcodec.loads(wrong)


# -- in real repositories: warm cache == no cache ------------------------------------------------


def run(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch, cached: bool = True) -> tuple[int, str, str]:
    """``registry ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with monkeypatch.context() as env, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        if cached:
            env.delenv("REGISTRY_NO_CACHE", raising=False)
        else:
            env.setenv("REGISTRY_NO_CACHE", "1")
        code = main(["--root", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def cold_warm_plain(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """The run with an empty cache, then again with the record cache filled (but under another
    run key: ``--today`` moved by a day, so the records themselves are read back from the
    cache), each equal to a run without any cache."""
    shutil.rmtree(root / ".registry-cache", ignore_errors=True)
    day = dt.date.fromisoformat(TODAY)
    before = str(day - dt.timedelta(days=1))
    first = run(root, *args, "--today", before, monkeypatch=monkeypatch)
    assert first == run(root, *args, "--today", before, monkeypatch=monkeypatch, cached=False)
    warm = run(root, *args, "--today", TODAY, monkeypatch=monkeypatch)
    assert warm == run(root, *args, "--today", TODAY, monkeypatch=monkeypatch, cached=False)
    assert warm[1]
    return warm


def rebuilt_count(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    count = [0]
    real = recordcodec.loads

    def counted(data: bytes) -> Any:
        count[0] += 1
        return real(data)

    monkeypatch.setattr(recordcodec, "loads", counted)
    return count


@settings(max_examples=int(os.environ.get("REGISTRY_FUZZ_REPOS", "6")), deadline=None, database=None,
          derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_check_and_diff_say_the_same_from_the_rebuilt_records(
        tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        tmp_path = tmp_path_factory.mktemp("codec")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        repo = seeded(tmp_path)  # (on branch "change", main holding the seed)
        for n in range(data.draw(st.integers(1, 3))):
            path, (model, fixed) = list(KINDS.items())[n % 2]
            path = path.replace("gen", f"gen{n}").replace("001", f"00{n + 1}")
            fields = {**data.draw(record_data(model)), **fixed, "id": Path(path).stem}
            repo.write(path, fields)
        repo.write("systems/wjw/wjw-his.yaml", record("systems/wjw/wjw-his.yaml", name="改名"))
        repo.commit("生成的记录", as_=CLERK)
        rebuilt = rebuilt_count(monkeypatch)
        check = cold_warm_plain(repo.path, "check", "--base", "main", "--format", "json", monkeypatch=monkeypatch)
        diff = cold_warm_plain(repo.path, "diff", "--base", "main", "--format", "json", monkeypatch=monkeypatch)
        assert check[0] in (0, 1) and diff[0] == 0
        assert rebuilt[0] > 0  # the warm runs did read records back from the cache


def test_an_index_of_the_pickle_format_is_a_miss_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = seeded(tmp_path)
    args = ("check", "--format", "json", "--today", TODAY)
    first = run(repo.path, *args, monkeypatch=monkeypatch)
    directory = next((repo.path / ".registry-cache").glob("*/records.index")).parent
    store = Store(directory, cachestore._signing_key() or b"")
    names, sizes, entries, _ = store.read(recordcache.INDEX)
    old = f"records-{random.randrange(1 << 30)}-0.data"
    pickles = b"".join(pickle.dumps(loader.load_record(path, (repo.path / path).read_bytes()))
                       for path in sorted(str(p.relative_to(repo.path)) for p in repo.path.glob("systems/*/*.yaml")))
    assert store.write_raw(old, iter([pickles]))
    assert store.write(recordcache.INDEX, ([old], [len(pickles)], entries))  # the format before, signed
    for kept in (repo.path / ".registry-cache").rglob("*.run"):
        kept.unlink()
    for summary in directory.glob("records.summary*"):
        summary.unlink()
    rebuilt = rebuilt_count(monkeypatch)
    assert run(repo.path, *args, monkeypatch=monkeypatch) == first
    assert rebuilt[0] == 0  # nothing read through the old index
    index = store.read(recordcache.INDEX)
    assert isinstance(index, tuple) and index[3] == recordcache.FORMAT  # written again in the new format


def test_a_repository_of_every_shipped_record_checks_the_same_warm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped demo registry in a repository: check and diff --base, warm == no cache."""
    repo = GitRepo.init(tmp_path / "demo")
    for path in ["registry.yaml", *(p for p in map(str, Path(PROJECT_ROOT).glob("systems/*/*.yaml"))),
                 *(p for p in map(str, Path(PROJECT_ROOT).glob("projects/*/*.yaml")))]:
        source = PROJECT_ROOT / path
        repo.write(str(source.relative_to(PROJECT_ROOT)), source.read_bytes())
    repo.commit("示例登记簿")
    repo.branch("change")
    first = sorted(repo.path.glob("projects/*/*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("name:", "name: 改", 1), encoding="utf-8")
    repo.commit("改名")
    rebuilt = rebuilt_count(monkeypatch)
    cold_warm_plain(repo.path, "check", "--base", "main", "--format", "json", monkeypatch=monkeypatch)
    cold_warm_plain(repo.path, "diff", "--base", "main", "--format", "json", monkeypatch=monkeypatch)
    assert rebuilt[0] > 0


def test_odd_texts_and_numbers_come_back_exactly() -> None:
    """Text marshal must carry as it is (a lone surrogate, NUL, the last code point) and numbers at
    their edges (a huge whole number in a float field, -0.0, the largest float)."""
    system = System.model_validate({"id": "czj-a", "name": "a\ud800b\x00c" + "长" * 5, "unit": "czj",
                                    "status": "operating", "deployment": "county_cloud", "aliases": ["\U0010ffff", ""]})
    project = Project.model_validate({
        "id": "2025-czj-001", "name": "x", "unit": "czj", "year": 2025, "nature": "new", "delivery": "build",
        "scope": "public", "track": "approval", "budget": {"total_wan": 10**30, "security_wan": -0.0},
        "goals": [{"indicator": "a", "target": 10**40}, {"indicator": "b", "target": 1e308}, {"indicator": "c", "target": "1"}],
        "progress_reports": ["2025-01-01", dt.date(1, 1, 1), dt.date(9999, 12, 31)],
    })
    for record in (system, project):
        loader.share_field_sets(record)
        round_trip(record)
