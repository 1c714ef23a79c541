"""Profiles are parsed once per process and read again when a file changes."""
from __future__ import annotations

import os
import shutil

import pytest

from portal.domain import profiles
from portal.domain.profiles import PROFILES_DIR, ProfileError, load_profile, profile_ids


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A copy of the us-cfpb profile in a folder of its own, looked at on every call."""
    monkeypatch.setattr(profiles, "RECHECK_SECONDS", 0.0)
    shutil.copy(PROFILES_DIR / "us-cfpb.toml", tmp_path / "us-cfpb.toml")
    return tmp_path


def _rewrite(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = path.stat()  # a different modification time even on a coarse clock
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_profile_is_parsed_once(folder, monkeypatch):
    first = load_profile("us-cfpb", folder)
    monkeypatch.setattr(profiles, "read_profile_file", lambda path: pytest.fail("parsed again"))
    assert load_profile("us-cfpb", folder) is first
    assert profile_ids(folder) == ("us-cfpb",)


def test_an_edited_profile_is_read_again(folder):
    before = load_profile("us-cfpb", folder)
    _rewrite(folder / "us-cfpb.toml", "review_window_days = ", "review_window_days = 1")
    after = load_profile("us-cfpb", folder)
    assert after is not before
    assert after.deadlines.review_window_days == int(f"1{before.deadlines.review_window_days}")
    assert load_profile("us-cfpb", folder) is after


def test_added_and_removed_profiles_are_seen(folder):
    assert profile_ids(folder) == ("us-cfpb",)
    text = (folder / "us-cfpb.toml").read_text(encoding="utf-8").replace('id = "us-cfpb"', 'id = "au-afca"')
    (folder / "au-afca.toml").write_text(text, encoding="utf-8")
    assert profile_ids(folder) == ("au-afca", "us-cfpb")
    assert load_profile("au-afca", folder).id == "au-afca"
    (folder / "au-afca.toml").unlink()
    assert profile_ids(folder) == ("us-cfpb",)
    with pytest.raises(ProfileError, match="au-afca"):
        load_profile("au-afca", folder)


def test_between_looks_the_folder_is_not_read(folder, monkeypatch):
    monkeypatch.setattr(profiles, "RECHECK_SECONDS", 3600.0)
    before = load_profile("us-cfpb", folder)
    _rewrite(folder / "us-cfpb.toml", "review_window_days = ", "review_window_days = 1")
    monkeypatch.setattr(profiles, "_signature", lambda directory: pytest.fail("folder read within the interval"))
    assert load_profile("us-cfpb", folder) is before
