"""`python -m bench.report`: a recorded run printed again, and a clear usage error for a file it cannot read."""

import json
from pathlib import Path

import pytest

from bench.report import main

RECORD = Path(__file__).resolve().parents[1] / "bench" / "results" / "latest.json"


def test_help_prints_the_usage_and_reads_no_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    assert "usage: python -m bench.report" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, "{not json"])
def test_a_record_that_cannot_be_read_is_a_usage_error_naming_the_file(
        tmp_path: Path, content: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "run.json"
    if content is not None:
        record.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main([str(record)])
    assert stopped.value.code == 2
    assert f"{record}: cannot read a JSON record" in capsys.readouterr().err


def test_the_kept_record_is_printed_with_each_measured_scale(capsys: pytest.CaptureFixture[str]) -> None:
    scales = json.loads(RECORD.read_text(encoding="utf-8"))["scales"]
    assert main([str(RECORD)]) == 0
    printed = capsys.readouterr().out
    for scale in scales:
        assert f"### ×{scale['scale']}\n" in printed
