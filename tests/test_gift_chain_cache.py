"""The checked chain kept between builds (haihui.gift_chain.cache): an unchanged file, day and
core are not read again; anything else is, and a problem is said again by every build."""

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

import haihui.gift_chain.cache as chain_cache
from haihui.build import ROOT

CHAIN = ROOT / "content/data/gift-chain.yaml"
LANGS = ("en", "zh")
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every time the file itself is read and checked (not taken from the cache)."""
    seen: list[Path] = []
    real = chain_cache.read_gift_chain

    def counted(path, *args):
        seen.append(path)
        return real(path, *args)

    monkeypatch.setattr(chain_cache, "read_gift_chain", counted)
    return seen


def checked(path: Path, cache: Path, today: dt.date = TODAY):
    rules = SimpleNamespace(today=today, languages=LANGS)
    return chain_cache.read_checked_chain(path, LANGS, today, rules, False, cache)


def chain_file(tmp_path: Path, old: str = "", new: str = "") -> Path:
    path = tmp_path / "gift-chain.yaml"
    text = CHAIN.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_an_unchanged_chain_is_read_once_and_the_same_chain_comes_back(tmp_path, reads):
    path, cache = chain_file(tmp_path), tmp_path / "cache"
    first = checked(path, cache)
    second = checked(path, cache)
    assert reads == [path]
    assert first.problems == second.problems == []
    assert second.chain == first.chain and second.chain is not None


def test_a_changed_byte_another_day_or_a_damaged_cache_reads_the_file_again(tmp_path, reads):
    path, cache = chain_file(tmp_path), tmp_path / "cache"
    checked(path, cache)
    path.write_text(path.read_text("utf-8").replace("{en: Jibuguoguo", "{en: Jibu Guoguo"), "utf-8")
    assert "Jibu Guoguo" in checked(path, cache).chain.model_dump_json()
    checked(path, cache, TODAY + dt.timedelta(days=1))
    (kept,) = cache.glob("gift-chain-*.json")  # only the latest chain is kept
    kept.write_text('{"status": "audited"}', "utf-8")  # not a chain: ignored
    assert checked(path, cache, TODAY + dt.timedelta(days=1)).chain is not None
    assert len(reads) == 4


def test_a_chain_with_a_problem_is_never_kept_so_each_build_reports_it(tmp_path, reads):
    path = chain_file(tmp_path, "to: f-0005", "to: f-9999")
    cache = tmp_path / "cache"
    for _ in range(2):
        result = checked(path, cache)
        assert result.chain is None
        assert any("f-9999" in str(problem) for problem in result.problems)
    assert len(reads) == 2
    assert not cache.exists() or not list(cache.iterdir())


def test_a_file_saved_again_while_it_is_read_is_kept_under_the_bytes_that_were_checked(tmp_path, monkeypatch):
    """Staff save the chain while `make serve` reads it: the kept chain is the one its key names."""
    path, cache = chain_file(tmp_path), tmp_path / "cache"
    before = path.read_text("utf-8")
    real = chain_cache.read_gift_chain

    def saved_meanwhile(*args):
        path.write_text(before.replace("{en: Jibuguoguo", "{en: Jibu Guoguo"), "utf-8")
        return real(*args)

    monkeypatch.setattr(chain_cache, "read_gift_chain", saved_meanwhile)
    checked(path, cache)
    monkeypatch.setattr(chain_cache, "read_gift_chain", real)
    path.write_text(before, "utf-8")  # back to the bytes of the first read: the cache answers
    assert "Jibu Guoguo" not in checked(path, cache).chain.model_dump_json()
