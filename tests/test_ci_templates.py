"""The CI templates: valid for GitHub Actions and GitLab CI (the SchemaStore schemas that
check-jsonschema ships), wired as documented, and every ``registry`` command they run parses
with the real command line."""
from __future__ import annotations

import importlib.resources
import json
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from gitrepo import GitRepo
from registry.cli import COMMANDS, build_parser

REPO = Path(__file__).resolve().parent.parent
GITHUB = REPO / ".github" / "workflows" / "registry.yml"
GITLAB = REPO / ".gitlab-ci.yml"
# What the templates' variables hold at run time, for parsing their command lines.
SAMPLE_VALUES = {
    "$BASE": "origin/main", "$TARGET": "origin/main", "$CI_DEFAULT_BRANCH": "main",
    "$REGISTRY_INSTALL": ".", "$PR": "1",
}
_OPERATORS = {"||", "&&", "|", ";", "&"}
_REDIRECTIONS = {">", ">>", "<", "2>", "2>&1"}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # YAML 1.2: `on` stays a key
    return data


def vendored_schema(name: str) -> dict[str, Any]:
    text = importlib.resources.files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def github_scripts(workflow: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                yield job_id, step["run"]


def gitlab_scripts(pipeline: dict[str, Any]) -> Iterator[tuple[str, str]]:
    default = pipeline.get("default", {})
    for key in ("before_script", "script", "after_script"):
        for line in default.get(key, []):
            yield "default", line
    for job_id, job in pipeline.items():
        if isinstance(job, dict) and job_id not in ("default", "variables", "workflow", "cache"):
            for key in ("before_script", "script", "after_script"):
                for line in job.get(key, []):
                    yield job_id, line


def commands(script: str) -> Iterator[list[str]]:
    """Simple commands of a shell script: split at operators, redirections dropped."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        current: list[str] = []
        skip = False
        for token in tokens:
            if skip:
                skip = False
            elif token in _OPERATORS:
                if current:
                    yield current
                current = []
            elif token in _REDIRECTIONS:
                skip = True
            else:
                current.append(token)
        if current:
            yield current


def registry_calls(scripts: Iterator[tuple[str, str]]) -> list[tuple[str, list[str]]]:
    return [(job, cmd) for job, script in scripts for cmd in commands(script) if cmd[0] == "registry"]


def _expand(token: str) -> str:
    for name, value in SAMPLE_VALUES.items():
        token = token.replace(name, value)
    assert "$" not in token, f"unknown variable in {token}"
    return token


def test_github_workflow_is_valid_for_github_actions() -> None:
    jsonschema.Draft7Validator(vendored_schema("github-workflows")).validate(load(GITHUB))


def test_gitlab_pipeline_is_valid_for_gitlab_ci() -> None:
    jsonschema.Draft7Validator(vendored_schema("gitlab-ci")).validate(load(GITLAB))


@pytest.mark.parametrize("template", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_every_registry_command_exists_and_parses(template: Path, tmp_path: Path) -> None:
    data = load(template)
    calls = registry_calls(github_scripts(data) if template == GITHUB else gitlab_scripts(data))
    assert {cmd[1] for _, cmd in calls} >= {"check", "diff", "codeowners", "audit"}
    for job, cmd in calls:
        assert cmd[1] in COMMANDS, f"{template.name} job {job}: unknown command {cmd}"
        args = build_parser().parse_args(["--root", str(tmp_path), *(_expand(t) for t in cmd[1:])])
        assert callable(args.handler)


def test_github_pull_requests_check_with_full_history_and_post_the_summary() -> None:
    workflow = load(GITHUB)
    assert "pull_request" in workflow["on"] and workflow["on"]["push"]["branches"] == ["main"]
    check = workflow["jobs"]["check"]
    assert check["if"] == "github.event_name == 'pull_request' || github.event_name == 'merge_group'"
    checkout = next(s for s in check["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert check["env"]["TARGET"] == "${{ github.base_ref || github.event.merge_group.base_ref }}"
    assert any(s.get("run") == 'echo "BASE=origin/${TARGET#refs/heads/}" >> "$GITHUB_ENV"' for s in check["steps"])
    calls = [cmd for _, cmd in registry_calls(github_scripts({"jobs": {"check": check}}))]
    assert ["registry", "check", "--base", "$BASE", "--format", "github"] in calls
    assert ["registry", "diff", "--base", "$BASE", "--format", "markdown"] in calls
    comment = next(s for s in check["steps"] if "gh pr comment" in s.get("run", ""))
    assert "--body-file registry-diff.md" in comment["run"]
    assert check["permissions"]["pull-requests"] == "write"


def test_github_main_builds_the_site_and_publishes_to_pages() -> None:
    jobs = load(GITHUB)["jobs"]
    site_steps = jobs["site"]["steps"]
    assert any("mkdocs build" in s.get("run", "") for s in site_steps)
    upload = next(s for s in site_steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "public"
    deploy = jobs["deploy"]
    assert deploy["needs"] == "site" and "refs/heads/main" in deploy["if"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_gitlab_merge_requests_get_a_junit_report_and_pages_on_the_default_branch() -> None:
    pipeline = load(GITLAB)
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    assert {"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'} in pipeline["workflow"]["rules"]
    check = pipeline["registry-check"]
    assert check["extends"] == ".merge_request"
    assert check["artifacts"]["reports"]["junit"] == "registry-junit.xml"
    assert check["artifacts"]["when"] == "always"
    assert any("--format junit > registry-junit.xml" in line for line in check["script"])
    fetch = " ".join(pipeline[".merge_request"]["before_script"])
    assert "refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/remotes/$TARGET" in fetch
    diff = pipeline["registry-diff"]
    assert any("merge_requests/$CI_MERGE_REQUEST_IID/notes" in line for line in diff["script"])
    assert diff["artifacts"]["paths"] == ["registry-diff.md"]
    pages = pipeline["pages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert any(line.startswith("mkdocs build") for line in pages["script"])


def test_the_command_splitter_sees_through_shell_syntax() -> None:
    script = 'registry check --base "$TARGET" \\\n  --format junit > out.xml || true\ncat a.md >> "$GITHUB_STEP_SUMMARY"'
    assert list(commands(script)) == [
        ["registry", "check", "--base", "$TARGET", "--format", "junit"], ["true"], ["cat", "a.md"]]


# -- the checker that judges a change is trusted (issue #9) -----------------------------------

def _install_steps(steps: list[dict[str, Any]]) -> list[str]:
    return [s["run"] for s in steps if "pip install" in s.get("run", "")]


def test_github_merge_queue_and_up_to_date_branches_re_run_the_check() -> None:
    workflow = load(GITHUB)
    assert "merge_group" in workflow["on"]
    text = GITHUB.read_text(encoding="utf-8")
    assert "Require branches to be up to date before merging" in text and "合并队列" in text


def test_github_pull_requests_are_judged_by_the_target_branchs_checker() -> None:
    workflow = load(GITHUB)
    assert workflow["env"]["REGISTRY_INSTALL"] == "."  # this repository: the target branch's checkout
    (install,) = _install_steps(workflow["jobs"]["check"]["steps"])
    assert 'git worktree add --detach "$RUNNER_TEMP/registry-checker" "$BASE"' in install
    assert 'pip install "$RUNNER_TEMP/registry-checker"' in install
    assert not any(line.strip() in ("pip install .", 'pip install "."') for line in install.splitlines())
    for job in ("site", "audit"):  # on the main branch, main itself is the target
        assert _install_steps(workflow["jobs"][job]["steps"]) == ['pip install "$REGISTRY_INSTALL"']
        assert workflow["jobs"][job]["if"] == "github.event_name != 'pull_request'"


def test_github_runs_the_test_suite_when_a_pull_request_changes_the_tool() -> None:
    workflow = load(GITHUB)
    tests = workflow["jobs"]["tests"]
    assert "pull_request" in tests["if"] and "merge_group" in tests["if"]
    assert set(workflow["env"]["TOOL_PATHS"].split()) >= {"registry", "pyproject.toml", "tests"}
    detect = next(s for s in tests["steps"] if s.get("id") == "tool")
    assert 'git diff --quiet "$BASE"...HEAD -- $TOOL_PATHS' in detect["run"]
    run = next(s for s in tests["steps"] if s.get("run") == "bash scripts/test.sh")
    assert run["if"] == "steps.tool.outputs.changed == 'true'"


def test_gitlab_merge_requests_are_judged_by_the_target_branchs_checker() -> None:
    pipeline = load(GITLAB)
    assert pipeline["variables"]["REGISTRY_INSTALL"] == "."
    before = pipeline[".merge_request"]["before_script"]
    install = next(line for line in before if "pip install" in line)
    assert 'git worktree add --detach /tmp/registry-checker "$TARGET"' in install
    assert before.index(install) > next(i for i, line in enumerate(before) if line.startswith("git fetch"))
    assert pipeline["default"]["before_script"] == ['pip install "$REGISTRY_INSTALL"']
    for job in ("registry-check", "registry-diff"):
        assert pipeline[job]["extends"] == ".merge_request" and "before_script" not in pipeline[job]
    tests = pipeline["registry-tests"]
    assert tests["script"] == ["bash scripts/test.sh"] and tests["before_script"] == []
    assert "registry/**/*" in tests["rules"][0]["changes"]
    text = GITLAB.read_text(encoding="utf-8")
    assert "合并结果流水线" in text and "merged results pipelines" in text and "merge trains" in text


@pytest.mark.parametrize("template", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_the_install_step_installs_the_target_branch_not_the_pull_request(template: Path, tmp_path: Path) -> None:
    """Run the template's own install script in a real repository where the pull request changed
    the tool: what gets installed is the target branch's version."""
    repo = GitRepo.init(tmp_path / "work")
    repo.write("registry/__init__.py", "VERSION = 'target'\n")
    repo.commit("tool on main")
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    repo.branch("pr")
    repo.write("registry/__init__.py", "VERSION = 'pull request'\n")
    repo.commit("the pull request changes the tool")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stub = '#!/bin/sh\nif [ -d "$2" ]; then cat "$2/registry/__init__.py"; else echo "$2"; fi > "$INSTALLED"\n'
    (bin_dir / "pip").write_text(stub, encoding="utf-8")
    (bin_dir / "pip").chmod(0o755)
    if template == GITHUB:
        script = _install_steps(load(GITHUB)["jobs"]["check"]["steps"])[0]
    else:
        script = next(line for line in load(GITLAB)[".merge_request"]["before_script"] if "pip install" in line)
        script = script.replace("/tmp/registry-checker", str(tmp_path / "checker"))
    env = {**repo.env(), "PATH": f"{bin_dir}:/usr/bin:/bin", "REGISTRY_INSTALL": ".", "BASE": "origin/main",
           "TARGET": "origin/main", "RUNNER_TEMP": str(tmp_path), "INSTALLED": str(tmp_path / "installed")}
    subprocess.run(["bash", "-euc", script], cwd=repo.path, env=env, check=True, capture_output=True)
    assert (tmp_path / "installed").read_text(encoding="utf-8") == "VERSION = 'target'\n"
    # a county's repository pins a release instead (registry init writes the pin)
    subprocess.run(["bash", "-euc", script], cwd=repo.path, env={**env, "REGISTRY_INSTALL": "zhengwu-registry==0.2.0"},
                   check=True, capture_output=True)
    assert (tmp_path / "installed").read_text(encoding="utf-8") == "zhengwu-registry==0.2.0\n"
