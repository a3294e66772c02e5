"""What `validate` and `verify-sources` check: the checkout being edited, one file in the context of the rest,
and reports a CI can read (GitHub annotations, JUnit XML)."""

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph

from kraeftgraf import resources
from kraeftgraf.cli.main import main
from kraeftgraf.namespaces import KG
from kraeftgraf.resources import ResourceFolders, differing_files, folders_for_checks

from .conftest import REPO, TESTS, subject_line

DATA = resources.data_files()
REFERENCE = [str(p) for p in DATA if p.name.startswith("reference-")]
SJAELLAND = "data/ttl/region-sjaelland-8-punktsplan-2021.ttl"


def _fake_checkout(root: Path, *, name: str = "kraeftgraf") -> Path:
    """A checkout's layout: pyproject.toml naming the project, ontology/, shapes/, data/ttl/, data/sources/."""
    (root / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0"\n', encoding="utf-8")
    for folder, source in (("ontology", REPO / "ontology"), ("shapes", REPO / "shapes"),
                           ("data/ttl", REPO / "data" / "ttl"), ("data/sources", REPO / "data" / "sources")):
        shutil.copytree(source, root / folder)
    return root


# 1. Inside a checkout, its own files are checked, not the copy installed with the package.

def test_inside_a_checkout_or_one_of_its_folders_the_checkouts_files_are_checked(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "work")
    below = checkout / "data" / "ttl"
    folders = folders_for_checks(below)
    assert folders.checkout == checkout.resolve()
    assert [p.resolve() for p in folders.data_files()] == sorted(below.resolve().glob("*.ttl"))
    assert folders.ontology.resolve() == (checkout / "ontology").resolve()
    assert folders.shapes.resolve() == (checkout / "shapes").resolve()


def test_from_the_checkouts_top_its_files_are_named_as_a_pull_request_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(_fake_checkout(tmp_path / "work"))
    assert folders_for_checks().data == Path("data/ttl")


def test_another_projects_folder_is_not_a_checkout(tmp_path: Path) -> None:
    other = _fake_checkout(tmp_path / "other", name="not-kraeftgraf")
    assert folders_for_checks(other).checkout is None
    assert folders_for_checks(tmp_path).checkout is None


def test_the_files_where_the_installed_copy_differs_from_the_checkout_are_named(tmp_path: Path) -> None:
    checkout = _fake_checkout(tmp_path / "work")
    installed_root = tmp_path / "site-packages" / "kraeftgraf_resources"
    shutil.copytree(checkout / "ontology", installed_root / "ontology")
    shutil.copytree(checkout / "shapes", installed_root / "shapes")
    shutil.copytree(checkout / "data" / "ttl", installed_root / "data")
    shutil.copytree(checkout / "data" / "sources", installed_root / "sources")
    installed = ResourceFolders(ontology=installed_root / "ontology", shapes=installed_root / "shapes",
                                data=installed_root / "data", sources=installed_root / "sources")
    folders = folders_for_checks(checkout)
    assert differing_files(folders, installed) == []
    edited = checkout / SJAELLAND
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (checkout / "data" / "ttl" / "new-document.ttl").write_text("", encoding="utf-8")
    (installed_root / "shapes" / "kraeftgraf.ttl").unlink()
    (installed_root / "sources" / "004_d9e0f8e19aaebdd6.txt").write_bytes(b"another text")
    assert differing_files(folders, installed) == [
        "data/sources/004_d9e0f8e19aaebdd6.txt", "data/ttl/new-document.ttl", SJAELLAND, "shapes/kraeftgraf.ttl"]


def test_validate_says_on_its_first_line_which_folder_it_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = _fake_checkout(tmp_path / "work")
    monkeypatch.chdir(checkout)
    assert main(["validate"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"kraeftgraf validate: checking the checkout {checkout.resolve()}: ")
    monkeypatch.chdir(tmp_path)
    assert main(["validate"]) == 0
    installed = resources.resource_dir("data")
    assert f"checking the installed copy in {installed.parent}" in capsys.readouterr().out.splitlines()[0]


def test_a_quote_broken_in_the_checkout_is_found_even_with_an_older_copy_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sources_dir: Path
) -> None:
    checkout = _fake_checkout(tmp_path / "work")
    path = checkout / SJAELLAND
    quote = str(next(Graph().parse(path).objects(None, KG.quote)))
    text = path.read_text(encoding="utf-8")
    assert f'"{quote}"@da' in text
    path.write_text(text.replace(f'"{quote}"@da', f'"{quote} (ændret)"@da', 1), encoding="utf-8")
    monkeypatch.chdir(checkout)
    assert main(["verify-sources", "--sources", str(sources_dir)]) == 1
    captured = capsys.readouterr()
    assert f"{quote} (ændret)" in captured.out
    # The installed copy (this checkout, for an editable install) has the quote as it was.
    assert f"differs from the checkout {checkout.resolve()} in {SJAELLAND}" in captured.err


@pytest.fixture(scope="session")
def installed_copy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of this checkout, and a venv with that copy installed into it as a wheel (not editable): once a run.

    The venv sees this process's packages (a .pth file), so that only kraeftgraf itself is built and installed.
    """
    root = tmp_path_factory.mktemp("installed")
    copy = root / "checkout"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, copy / name)
    for name in ("src", "ontology", "shapes", "data", "queries"):
        shutil.copytree(REPO / name, copy / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True, timeout=60).stdout.strip()
    # Every site-packages folder this process imports from, after the venv's own: the dependencies, wherever they are.
    folders = [entry for entry in sys.path if Path(entry).name == "site-packages" and Path(entry).is_dir()]
    Path(site, "kraeftgraf-test-dependencies.pth").write_text("".join(f"{entry}\n" for entry in folders))
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(copy)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return copy, venv / "bin" / "kraeftgraf"


def test_after_a_non_editable_install_the_checks_read_the_checkout_not_the_installed_copy(
    installed_copy: tuple[Path, Path], sources_dir: Path, tmp_path: Path
) -> None:
    # The tester's case: after `pip install .`, a quote broken in the working tree still gave "881 of 881 found".
    copy, kraeftgraf = installed_copy
    path = copy / SJAELLAND
    quote = str(next(Graph().parse(path).objects(None, KG.quote)))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f'"{quote}"@da', f'"{quote} (ændret)"@da', 1), encoding="utf-8")
    try:
        inside = subprocess.run([str(kraeftgraf), "verify-sources", "--sources", str(sources_dir)], cwd=copy / "data",
                                capture_output=True, text=True, timeout=120, check=False)
        outside = subprocess.run([str(kraeftgraf), "verify-sources", "--sources", str(sources_dir)], cwd=tmp_path,
                                 capture_output=True, text=True, timeout=120, check=False)
    finally:
        path.write_text(text, encoding="utf-8")
    assert inside.returncode == 1, inside.stdout + inside.stderr
    assert inside.stdout.splitlines()[0].startswith(f"kraeftgraf verify-sources: checking the checkout {copy}: ")
    assert f"{quote} (ændret)" in inside.stdout
    assert f"differs from the checkout {copy} in {SJAELLAND}." in inside.stderr
    assert outside.returncode == 0, outside.stdout + outside.stderr
    assert "checking the installed copy in " in outside.stdout.splitlines()[0]
    assert "site-packages" in outside.stdout.splitlines()[0]
    assert outside.stderr == ""


def test_an_installed_copy_checks_its_quotes_against_the_source_texts_installed_with_it(
    installed_copy: tuple[Path, Path], tmp_path: Path
) -> None:
    # No --sources and no seeds folder anywhere near: the texts come from the installed package (non-editable).
    _, kraeftgraf = installed_copy
    done = subprocess.run([str(kraeftgraf), "verify-sources"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    quotes = sum(1 for path in DATA for _ in Graph().parse(path).objects(None, KG.quote))
    assert done.stdout.splitlines()[-1] == (f"kraeftgraf verify-sources: {quotes} of {quotes} quotes found in "
                                            "their source.")


# 4. One file is checked with the rest of the data as context; only its own problems are reported.

def test_one_data_file_checked_alone_is_checked_with_the_others_as_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The tester's case: 28 false violations, for want of the reference data.
    monkeypatch.chdir(REPO)
    assert main(["validate", SJAELLAND]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == (f"kraeftgraf validate: checking {SJAELLAND}, with the other {len(DATA) - 1} data files of "
                        f"the checkout {REPO} as context (problems in those are not reported)")
    assert lines[1:] == [f"kraeftgraf validate: {SJAELLAND} conforms."]


def test_all_quotes_of_one_data_file_are_found_with_the_others_as_context(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], sources_dir: Path
) -> None:
    # The tester's case: 0 of 67 quotes found, for want of the documents described in the reference data.
    monkeypatch.chdir(REPO)
    quotes = len(list(Graph().parse(REPO / SJAELLAND).objects(None, KG.quote)))
    assert main(["verify-sources", "--sources", str(sources_dir), SJAELLAND]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == f"kraeftgraf verify-sources: {quotes} of {quotes} quotes in {SJAELLAND} found in their source."


def test_a_copy_of_a_data_file_takes_the_place_of_the_original_and_only_its_problems_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    checkout = _fake_checkout(tmp_path / "work")
    # A problem in another file of the context: not reported, but counted.
    other = checkout / "data" / "ttl" / "reference-plan-hovedstaden-kraeftplan-del-2.ttl"
    track_in_plan = "    kg:inPlan id:plan-hovedstaden-kraeftplan-del-2 ;\n"
    other.write_text(other.read_text(encoding="utf-8").replace(track_in_plan, "", 1), encoding="utf-8")
    # The copy being edited, outside the checkout, with a misspelt partner.
    copy = tmp_path / Path(SJAELLAND).name
    copy.write_text((REPO / SJAELLAND).read_text(encoding="utf-8").replace("kg:partner ", "kg:partnr ", 1),
                    encoding="utf-8")
    monkeypatch.chdir(checkout)
    assert main(["validate", "--format", "json", str(copy)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(r["source_file"], r["path"]) for r in report["results"]] == [(str(copy), "kg:partnr")]
    assert report["checked"]["context"] == sorted(
        str(p) for p in Path("data/ttl").glob("*.ttl") if p.name != copy.name)
    assert report["hidden_in_context"]["violations"] >= 1


def test_alone_checks_the_given_files_without_context(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(REPO / SJAELLAND)
    assert main(["validate", "--alone", "--format", "json", path]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["checked"]["context"] == []
    assert any("referred to but never described" in r["messages"]["en"] for r in report["results"])


# 7. Reports for CI: GitHub Actions workflow commands and JUnit XML.

BROKEN = [str(TESTS / "broken" / "vocabulary-unknown-property.ttl"),
          str(TESTS / "broken" / "warning-percentage-as-fraction.ttl")]

# https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands:
# ::error file={name},line={line},title={title}::{message}; in values %, CR, LF (and in properties : and ,) escaped.
WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m[1]],
                  text)


def test_github_format_writes_an_annotation_per_finding_in_the_workflow_command_syntax(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--alone", "--format", "github", *REFERENCE, *BROKEN]) == 1
    lines = capsys.readouterr().out.splitlines()
    commands = [WORKFLOW_COMMAND.match(line) for line in lines if line.startswith("::")]
    assert all(commands), lines
    annotations = []
    for match in commands:
        assert match is not None
        properties = dict(item.split("=", 1) for item in (match[2] or "").split(","))
        assert all(re.fullmatch(r"[^:,\r\n]*", value) for value in properties.values())
        assert "\n" not in match[3] and "\r" not in match[3]
        annotations.append((match[1], {k: _unescape(v) for k, v in properties.items()}, _unescape(match[3])))
    assert annotations[0][0] == "notice"  # which folder was checked
    error = next(a for a in annotations if a[0] == "error")
    assert error[1]["file"] == BROKEN[0] and int(error[1]["line"]) == subject_line(Path(BROKEN[0]),
                                                                                 "id:test-initiative") + 1
    assert error[1]["title"] == "Violation: id:test-initiative kg:partnr"
    assert error[2].startswith("kg:partnr is not a property of the ontology")
    warning = next(a for a in annotations if a[0] == "warning")
    assert warning[1]["file"] == BROKEN[1]
    assert warning[2].startswith("The percentage is below 1")


def test_github_format_escapes_what_would_end_a_property_or_the_message() -> None:
    from kraeftgraf.cli.report_formats import _escape_data, _escape_property

    assert _escape_property("a:b,c%d\ne") == "a%3Ab%2Cc%25d%0Ae"
    assert _escape_data("a:b,c%d\r\ne") == "a:b,c%25d%0D%0Ae"


def test_junit_format_writes_a_testcase_per_file_and_a_failure_per_violation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["validate", "--alone", "--format", "junit", *REFERENCE, *BROKEN]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert sorted(str(name) for name in cases) == sorted([*REFERENCE, *BROKEN])
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == "1"
    [failure] = cases[BROKEN[0]].findall("failure")
    assert failure.get("message", "").startswith("kg:partnr is not a property of the ontology")
    assert failure.get("type") == "Violation: id:test-initiative kg:partnr"
    assert cases[BROKEN[1]].findall("failure") == []
    assert "The percentage is below 1" in (cases[BROKEN[1]].findtext("system-out") or "")
    assert all(case.findall("failure") == [] for name, case in cases.items() if name in REFERENCE)
