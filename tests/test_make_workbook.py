"""``bench/make_workbook.py``'s command line: ``--help`` helps instead of becoming the file it writes."""

from __future__ import annotations

import pytest

from bench.make_workbook import main
from loaders import load_workbook


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_help_writes_no_file(tmp_path, monkeypatch, capsys, option):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main([option])
    assert exited.value.code == 0 and "projects" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [["x.xlsx", "many"], ["x.xlsx", "0"], []])
def test_a_bad_count_or_no_file_is_a_usage_error(tmp_path, monkeypatch, capsys, args):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "usage:" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_it_writes_the_projects_asked_for(tmp_path):
    assert main([str(tmp_path / "w.xlsx"), "3"]) == 0
    assert len(load_workbook(tmp_path / "w.xlsx").projects) == 3
