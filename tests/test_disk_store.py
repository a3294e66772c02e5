"""On-disk stores for `serve --store`: written whole or not at all, versioned, refused when not a store."""

from pathlib import Path

import pytest

from kraeftgraf.cli.main import main
from kraeftgraf.endpoint.service import start_store
from kraeftgraf.endpoint.settings import EndpointSettings
from kraeftgraf.engines.disk_store import store_version, write_store
from kraeftgraf.errors import DataFileError, KraeftgrafError
from kraeftgraf.graph.build_cache import content_version

from .conftest import TESTS
from .endpoint_support import EX, PROTOCOL_DATA, service_client


def test_a_store_records_the_digest_of_the_files_it_holds(tmp_path: Path) -> None:
    write_store([PROTOCOL_DATA], tmp_path / "store")
    assert store_version(tmp_path / "store") == content_version([PROTOCOL_DATA])


def test_a_failed_load_leaves_the_store_that_was_there_and_no_half_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_store([PROTOCOL_DATA], store)
    before = store_version(store)
    with pytest.raises(DataFileError, match=r"invalid-syntax\.ttl"):
        write_store([PROTOCOL_DATA, TESTS / "data" / "invalid-syntax.ttl"], store)
    assert store_version(store) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_a_folder_that_is_no_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(KraeftgrafError, match="not an Oxigraph store. Write one with `kraeftgraf load"):
        store_version(tmp_path)


def test_serving_a_store_answers_from_every_worker_with_etags(tmp_path: Path) -> None:
    write_store([PROTOCOL_DATA], tmp_path / "store")
    service = start_store(tmp_path / "store", settings=EndpointSettings(workers=2))
    try:
        assert service.summary.graphs == {f"{EX}data1": 4, f"{EX}data2": 4, f"{EX}data3": 5}
        with service_client(service) as client:
            for n in range(4):  # different texts, so that both workers answer rather than the cache
                response = client.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} # {n}"},
                                      headers={"Accept": "text/csv"})
                assert response.status_code == 200
                assert len(response.text.strip().splitlines()) == 1 + 13
                assert response.headers["etag"]
    finally:
        service.close()


def test_load_and_build_write_stores_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", "--store", str(tmp_path / "loaded"), str(PROTOCOL_DATA)]) == 0
    assert "wrote 13 quads" in capsys.readouterr().out
    assert main(["build", "--output", str(tmp_path / "built.trig"), "--store", str(tmp_path / "built")]) == 0
    assert store_version(tmp_path / "built") == content_version([tmp_path / "built.trig"])
