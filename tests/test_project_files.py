"""The files an open-source public-sector project carries: present, specific to this
project, valid, and consistent with each other (licence, security policy, contribution
guide, changelog, publiccode.yml, third-party notices, dependency updates, hooks)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from devstack import paths

ROOT = paths.ROOT
sys.path.insert(0, str(ROOT / "tools"))
import third_party_notices  # noqa: E402

PROJECT_FILES = [
    "LICENSE",
    "SECURITY.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "publiccode.yml",
    "THIRD-PARTY-NOTICES.md",
    ".editorconfig",
    ".pre-commit-config.yaml",
    "renovate.json",
]
# A placeholder the métropole must fill in is written «<<…>>» and names the métropole.
MARKED_PLACEHOLDER = re.compile(r"<<[^<>]*(MÉTROPOLE|Nom du référent)[^<>]*>>")
TEMPLATE_LEFTOVERS = re.compile(
    r"<<[^<>]*>>|\[(INSERT|YOUR|PROJECT)[ _A-Z]*\]|\bTODO\b|\bTBD\b|lorem ipsum|example\.com", re.IGNORECASE
)


class _YamlWithoutDates(yaml.SafeLoader):
    """YAML as the standard reads it: dates stay strings (PyYAML would make them dates)."""


_YamlWithoutDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _publiccode() -> dict:
    return yaml.load((ROOT / "publiccode.yml").read_text(encoding="utf-8"), Loader=_YamlWithoutDates)


def _leftovers(text: str) -> list[str]:
    return [m.group(0) for m in TEMPLATE_LEFTOVERS.finditer(MARKED_PLACEHOLDER.sub("", text))]


def test_the_project_files_exist_and_the_readme_links_them():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in PROJECT_FILES:
        assert (ROOT / name).is_file(), name
    for name in [
        "LICENSE",
        "SECURITY.md",
        "CONTRIBUTING.md",
        "CHANGELOG.md",
        "publiccode.yml",
        "THIRD-PARTY-NOTICES.md",
    ]:
        assert f"]({name})" in readme, f"README.md does not link {name}"


def test_the_licence_is_the_eupl_1_2_and_every_package_declares_it():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    for pyproject in ["portal_adapter/pyproject.toml", "examples/voirie_app/pyproject.toml"]:
        assert tomllib.loads((ROOT / pyproject).read_text())["project"]["license"] == "EUPL-1.2", pyproject
    assert "<name>EUPL-1.2</name>" in paths.EXTENSION_POM.read_text()
    assert _publiccode()["legal"]["license"] == "EUPL-1.2"


def test_no_template_text_is_left_but_the_metropoles_marked_contacts():
    # The check sees a leftover, and lets a marked placeholder of the métropole through.
    assert _leftovers("Write to [INSERT CONTACT] or TODO") == ["[INSERT CONTACT]", "TODO"]
    assert _leftovers("e-mail `<<ADRESSE À RENSEIGNER PAR LA MÉTROPOLE>>`") == []
    for name in PROJECT_FILES:
        if name != "LICENSE":
            assert _leftovers((ROOT / name).read_text(encoding="utf-8")) == [], name
    # The security contact is the one thing left to the métropole, and it says so.
    assert MARKED_PLACEHOLDER.search((ROOT / "SECURITY.md").read_text(encoding="utf-8"))


def _publiccode_errors(document: dict) -> list[str]:
    schema = json.loads((ROOT / "tests/schemas/publiccode.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(document)]


def test_publiccode_yml_follows_the_standard_in_french_and_english():
    document = _publiccode()
    broken = copy.deepcopy(document)
    del broken["legal"]
    broken["description"]["fr"]["shortDescription"] = "x" * 151
    assert len(_publiccode_errors(broken)) == 2  # the schema does catch a missing or wrong key
    assert _publiccode_errors(document) == []
    assert set(document["description"]) == {"fr", "en"}


def _check_jsonschema(builtin: str, file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(paths.VENV / "bin" / "check-jsonschema"), "--builtin-schema", builtin, str(file)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_renovate_configuration_is_valid_and_watches_keycloak(tmp_path):
    config = json.loads((ROOT / "renovate.json").read_text())
    broken = copy.deepcopy(config)
    broken["enabledManagers"] = ["mavenn"]
    (tmp_path / "renovate.json").write_text(json.dumps(broken))
    assert _check_jsonschema("vendor.renovate", tmp_path / "renovate.json").returncode == 1
    checked = _check_jsonschema("vendor.renovate", ROOT / "renovate.json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert {"maven", "pep621", "npm", "docker-compose", "dockerfile"} <= set(config["enabledManagers"])
    # The Dockerfile's Keycloak tag is matched by the custom manager.
    dockerfile = (ROOT / "deploy/keycloak/Dockerfile").read_text()
    pattern = config["customManagers"][0]["matchStrings"][0].replace("(?<currentValue>", "(?P<currentValue>")
    assert re.search(pattern, dockerfile)


def test_the_pre_commit_configuration_is_valid(tmp_path):
    (tmp_path / "bad.yaml").write_text("repos:\n  - repo: local\n    hooks:\n      - name: no id\n")
    bad = subprocess.run(
        [str(paths.VENV / "bin" / "pre-commit"), "validate-config", str(tmp_path / "bad.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode != 0
    good = subprocess.run(
        [str(paths.VENV / "bin" / "pre-commit"), "validate-config", ".pre-commit-config.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0, good.stdout + good.stderr


def _versions() -> dict[str, str]:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    released = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.M)
    pom = re.search(
        r"<artifactId>hariane-idp-extension</artifactId>\s*<version>([^<]+)</version>", paths.EXTENSION_POM.read_text()
    ).group(1)
    return {
        "CHANGELOG.md": released[0],
        "publiccode.yml": _publiccode()["softwareVersion"],
        "idp_extension/pom.xml": pom,
        **{
            p: tomllib.loads((ROOT / p).read_text())["project"]["version"]
            for p in ["portal_adapter/pyproject.toml", "examples/voirie_app/pyproject.toml"]
        },
    }


def test_one_version_everywhere_and_the_changelog_keeps_its_format():
    versions = _versions()
    assert len(set(versions.values())) == 1, versions
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog
    release_date = _publiccode()["releaseDate"]
    assert f"## [{versions['CHANGELOG.md']}] - {release_date}" in changelog


def test_the_third_party_notices_list_every_run_time_dependency():
    text = (ROOT / "THIRD-PARTY-NOTICES.md").read_text(encoding="utf-8")
    closure = third_party_notices.runtime_closure()
    assert "flask" in closure and "authlib" in closure and "pytest" not in closure
    without_flask = re.sub(r"^\| flask \|.*\n", "", text, flags=re.M)
    assert third_party_notices.missing_from(without_flask) == ["flask"]
    assert third_party_notices.missing_from(text) == [], "run .venv/bin/python tools/third_party_notices.py"


@pytest.mark.parametrize("source, formatted", [("x = {'a':1}\n", False), ('x = {"a": 1}\n', True)])
def test_the_python_format_check_fails_on_unformatted_code(tmp_path, source, formatted):
    (tmp_path / "sample.py").write_text(source)
    checked = subprocess.run(
        [
            str(paths.VENV / "bin" / "python"),
            "-m",
            "ruff",
            "format",
            "--check",
            "--config",
            str(ROOT / "ruff.toml"),
            str(tmp_path / "sample.py"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (checked.returncode == 0) is formatted, checked.stdout
