"""Canned replies per jurisdiction profile and language (``canned_replies.toml``).

Data, read once: each reply fits some profiles (or every one) and has a title
and a text in English and in Simplified Chinese. The case page offers the
replies of the complaint's profile in the cardholder's language; choosing
one fills the response box with its text (the officer edits it before
sending).
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPLIES_FILE = Path(__file__).with_name("canned_replies.toml")
LANGUAGES = ("en", "zh_Hans")
PLACEHOLDERS = ("reference", "name", "days")


@dataclass(frozen=True)
class CannedReply:
    id: str
    profiles: tuple[str, ...]
    titles: dict
    texts: dict

    def fits(self, profile_id: str) -> bool:
        return "*" in self.profiles or profile_id in self.profiles

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    def text(self, language: str, *, reference: str, name: str, days: int) -> str:
        template = self.texts.get(language) or self.texts["en"]
        return template.format(reference=reference, name=name, days=days)


class CannedRepliesError(ValueError):
    pass


def read_replies(path: Path = REPLIES_FILE) -> tuple[CannedReply, ...]:
    """Read and check the file: ids unique, both languages, only known placeholders."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    replies = []
    seen = set()
    for entry in data.get("reply", []):
        reply_id = entry.get("id")
        if not reply_id or reply_id in seen:
            raise CannedRepliesError(f"{path.name}: a reply without an id, or {reply_id!r} twice")
        seen.add(reply_id)
        titles, texts = {}, {}
        for language in LANGUAGES:
            table = entry.get(language)
            if not isinstance(table, dict) or not table.get("title") or not table.get("text"):
                raise CannedRepliesError(f"{path.name}: reply {reply_id!r} lacks a {language} title or text")
            try:
                table["text"].format(**{name: "" for name in PLACEHOLDERS})
            except (KeyError, IndexError, ValueError) as error:
                raise CannedRepliesError(f"{path.name}: reply {reply_id!r} ({language}): {error}") from None
            titles[language], texts[language] = table["title"], table["text"]
        replies.append(CannedReply(reply_id, tuple(entry.get("profiles") or ("*",)), titles, texts))
    return tuple(replies)


@functools.lru_cache(maxsize=1)
def all_replies() -> tuple[CannedReply, ...]:
    return read_replies()


def replies_for(profile_id: str) -> list[CannedReply]:
    return [reply for reply in all_replies() if reply.fits(profile_id)]


def reply_by_id(reply_id: str | None, profile_id: str) -> CannedReply | None:
    return next((r for r in replies_for(profile_id) if r.id == reply_id), None)
