"""The third-party libraries shipped in static/vendor/: pinned, licensed, rebuildable byte for byte, served, and usable.

web/package.json and web/package-lock.json pin them; web/build bundles them (see README, "Front-end libraries").
"""

import hashlib
import json
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .conftest import TESTS
from .endpoint_support import RunningServer

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = TESTS.parent
WEB = ROOT / "web"
VENDOR = ROOT / "src" / "kraeftgraf" / "pages" / "static" / "vendor"
BUNDLES = ("codemirror.js", "chart.js", "sparqljs.js")
# npm's own words for an exact version (https://docs.npmjs.com/cli/v10/configuring-npm/package-json#dependencies):
# "version Must match version exactly"; a range (^, ~, >=, x, *) is anything else.
EXACT_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# The operative sentence of each licence we accept, from its SPDX text (https://spdx.org/licenses/MIT.html).
# A package under another licence fails test 3 until someone has read that licence and added it here.
LICENCE_SENTENCES = {"MIT": "Permission is hereby granted, free of charge, to any person obtaining a copy"}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def manifest() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = read_json(VENDOR / "manifest.json")
    return found


def lockfile() -> dict[str, Any]:
    found: dict[str, Any] = read_json(WEB / "package-lock.json")
    return found


def licence_sections() -> dict[str, str]:
    """LICENSES.txt cut at its "name@version" headings (each between two lines of "="), heading -> text below it."""
    parts = re.split(r"^={20,}\n(\S+@\d[^\s]*)\n={20,}\n", (VENDOR / "LICENSES.txt").read_text(encoding="utf-8"),
                     flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_every_file_in_the_manifest_is_shipped_with_the_sha256_it_gives_and_no_other_script() -> None:
    files = manifest()["files"]
    assert set(BUNDLES) <= set(files)
    for name, digest in files.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert sorted(path.name for path in VENDOR.glob("*.js")) == sorted(name for name in files if name.endswith(".js"))


def test_package_json_pins_every_dependency_exactly_and_the_manifest_has_the_lockfiles_versions() -> None:
    package = read_json(WEB / "package.json")
    pinned = {**package["dependencies"], **package["devDependencies"]}
    assert {name for name, version in pinned.items() if not EXACT_VERSION.match(version)} == set()
    # The lockfile was made from this package.json (npm ci refuses a lockfile that disagrees with it).
    locked = lockfile()["packages"]
    assert {name: locked[f"node_modules/{name}"]["version"] for name in pinned} == pinned
    bundled = manifest()["packages"]
    assert bundled == {name: locked[f"node_modules/{name}"]["version"] for name in bundled}
    # Every library the page asked for ends up in a bundle; the build tool does not.
    assert set(package["dependencies"]) <= set(bundled)
    assert "esbuild" not in bundled


def test_licenses_txt_names_every_bundled_package_with_its_version_and_its_licence_text() -> None:
    sections = licence_sections()
    locked = lockfile()["packages"]
    assert set(sections) == {f"{name}@{version}" for name, version in manifest()["packages"].items()}
    for heading, text in sections.items():
        name = heading.rpartition("@")[0]
        licence = locked[f"node_modules/{name}"]["license"]
        assert licence in LICENCE_SENTENCES, f"{heading} is under {licence}: read it, then add it to LICENCE_SENTENCES"
        assert LICENCE_SENTENCES[licence] in " ".join(text.split()), heading
        assert re.search(r"^Copyright", text, flags=re.MULTILINE | re.IGNORECASE), heading


def test_web_build_rebuilds_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("rebuilding the bundles needs Node.js with npm and the npm registry "
                    "(Debian: apt-get install nodejs npm; or https://nodejs.org/en/download)")
    web = tmp_path / "web"
    shutil.copytree(WEB, web, ignore=shutil.ignore_patterns("node_modules"))
    out = tmp_path / "vendor"
    subprocess.run([str(web / "build"), str(out)], check=True, capture_output=True, timeout=600)
    shipped = sorted(path.name for path in VENDOR.iterdir())
    assert sorted(path.name for path in out.iterdir()) == shipped
    different = [name for name in shipped if (out / name).read_bytes() != (VENDOR / name).read_bytes()]
    assert different == [], f"web/build gives other bytes than the shipped {different}: run web/build and commit"


def test_the_endpoint_serves_the_bundles_as_javascript(embedded_server: RunningServer) -> None:
    for bundle in BUNDLES:
        with urllib.request.urlopen(f"{embedded_server.url}/static/vendor/{bundle}") as response:
            assert response.status == 200
            # RFC 9239: JavaScript is text/javascript (application/javascript is obsolete but still understood).
            assert response.headers.get_content_type() in {"text/javascript", "application/javascript"}, bundle
            assert response.read() == (VENDOR / bundle).read_bytes()


# Runs inside the page: imports the three bundles, builds an editor, a chart, and formats a query.
USE_THE_BUNDLES = """async () => {
  const cm = await import("/static/vendor/codemirror.js");
  const { Chart } = await import("/static/vendor/chart.js");
  const { Parser, Generator } = await import("/static/vendor/sparqljs.js");
  // CodeMirror writes its theme into a <style> element on a document, which style-src 'self' blocks; inside a
  // shadow root it adopts a constructed style sheet instead, which the policy allows.
  const host = document.createElement("div");
  document.body.append(host);
  const root = host.attachShadow({ mode: "open" });
  const view = new cm.EditorView({
    parent: root,
    root,
    state: cm.EditorState.create({ doc: "SELECT ?s WHERE { ?s ?p ?o }",
                                   extensions: [cm.basicSetup, cm.StreamLanguage.define(cm.sparql)] }),
  });
  const canvas = document.createElement("canvas");
  document.body.append(canvas);
  const chart = new Chart(canvas, { type: "bar", options: { animation: false },
                                    data: { labels: ["a", "b"], datasets: [{ label: "n", data: [1, 2] }] } });
  const parsed = new Parser().parse("SELECT * WHERE { ?s ?p ?o }");
  return {
    editorText: view.state.doc.toString(),
    editorLines: root.querySelectorAll(".cm-line").length,
    editorThemed: getComputedStyle(root.querySelector(".cm-editor")).display,
    highlightedTokens: root.querySelectorAll(".cm-line span").length,
    chartBars: chart.getDatasetMeta(0).data.length,
    queryType: parsed.queryType,
    regenerated: new Generator().stringify(parsed),
  };
}"""


def test_a_served_page_imports_the_bundles_and_sparqljs_parses_and_regenerates_a_query(
        page: "Page", embedded_server: RunningServer) -> None:
    page.goto(f"{embedded_server.url}/")
    used = page.evaluate(USE_THE_BUNDLES)
    assert used["editorText"] == "SELECT ?s WHERE { ?s ?p ?o }"
    assert used["editorLines"] == 1
    assert used["editorThemed"] == "flex"  # @codemirror/view's base theme: "&": {display: "flex !important", ...}
    assert used["highlightedTokens"] > 0  # the SPARQL mode marks keywords and variables
    assert used["chartBars"] == 2
    assert used["queryType"] == "SELECT"
    # SPARQL 1.1, 18.2.4.1: SELECT * projects every in-scope variable; the generator writes the query back as such.
    assert " ".join(used["regenerated"].split()) == "SELECT * WHERE { ?s ?p ?o. }"
