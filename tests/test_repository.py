"""The repository's supply chain stays locked: every action a workflow uses is pinned to a commit
with its version in a comment, no workflow grants write access to all its jobs, no checkout keeps
the token, and every Python requirement is pinned with `==` and its files' sha256 hashes.
(`zizmor --offline .github/workflows` in .ci/run checks the workflows more widely.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
REQUIREMENTS = sorted(ROOT.glob("requirements*.txt"))
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)(?P<rest>.*)$")
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^\s+#\s*v\d+(\.\d+)*\s*$")
REQUIREMENT = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+(\s+--hash=sha256:[0-9a-f]{64})+$"
)


def workflow(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def used_actions(flow: dict[str, Any]) -> list[str]:
    """Every `uses:` of the workflow as YAML reads it: steps' actions and reusable workflows."""
    found = []
    for job in flow["jobs"].values():
        found += [job["uses"]] if "uses" in job else []
        found += [step["uses"] for step in job.get("steps", []) if "uses" in step]
    return found


def test_there_are_workflows_and_requirements() -> None:
    assert WORKFLOWS
    assert {path.name for path in REQUIREMENTS} >= {"requirements.txt", "requirements-dev.txt"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = {
        number: match for number, line in enumerate(lines, 1) if (match := USES_LINE.match(line))
    }
    bad = [
        f"{path.name}:{number}: {lines[number - 1].strip()}"
        for number, match in uses.items()
        if not match["ref"].startswith("./")
        and not (PINNED.match(match["ref"]) and VERSION_COMMENT.match(match["rest"]))
    ]
    assert not bad, "not `owner/repo@<40-hex commit> # vX.Y.Z`:\n" + "\n".join(bad)
    # Each `uses:` is on a line of its own, where the check above saw it.
    assert sorted(match["ref"] for match in uses.values()) == sorted(used_actions(workflow(path)))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_workflow_grants_write_access_to_all_its_jobs(path: Path) -> None:
    flow = workflow(path)
    assert "permissions" in flow, f"{path.name}: no top-level permissions (the default may write)"
    permissions = flow["permissions"]
    assert isinstance(permissions, dict), f"{path.name}: top-level permissions: {permissions}"
    writes = {scope: level for scope, level in permissions.items() if level not in ("read", "none")}
    assert not writes, f"{path.name}: top-level permissions grant {writes}; grant them per job"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_checkout_keeps_the_token_in_git_config(path: Path) -> None:
    for name, job in workflow(path)["jobs"].items():
        for step in job.get("steps", []):
            if step.get("uses", "").startswith("actions/checkout@"):
                options = step.get("with") or {}
                assert options.get("persist-credentials") is False, f"{path.name}: job {name}"


def logical_lines(text: str) -> list[str]:
    """The requirement lines as pip reads them: continuations joined, comments and blanks out."""
    joined = re.sub(r"\\\n", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip()[:1] not in ("", "#")]


@pytest.mark.parametrize("path", REQUIREMENTS, ids=lambda path: path.name)
def test_every_requirement_is_pinned_with_hashes(path: Path) -> None:
    lines = logical_lines(path.read_text(encoding="utf-8"))
    requirements = [line for line in lines if not line.startswith("-r ")]
    bad = [line[:80] for line in requirements if not REQUIREMENT.match(line)]
    assert not bad, (
        f"{path.name}: not `name==version --hash=sha256:...` (run scripts/lock_requirements.py):\n"
        + "\n".join(bad)
    )
    for line in lines:
        if line.startswith("-r "):
            assert (path.parent / line[3:].strip()) in REQUIREMENTS, line
