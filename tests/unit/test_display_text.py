"""Stored text and time zones as a reader sees them (portal.domain.display_text)."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from portal.domain.display_text import localise_mask_markers, snippet, stored_mask_markers, zone_name, zone_title


def test_mask_markers_read_in_chinese_where_chinese_is_read():
    text = "我的卡号是 [card •••• 1111]，身份证 [ID •••• 002X]。"
    assert localise_mask_markers(text, "zh_Hans") == "我的卡号是 [卡号 •••• 1111]，身份证 [身份证号 •••• 002X]。"
    # A Chinese narrative reads the same to an English reader.
    assert localise_mask_markers(text, "en") == "我的卡号是 [卡号 •••• 1111]，身份证 [身份证号 •••• 002X]。"
    assert localise_mask_markers("My card [card •••• 1111]", "zh_Hans") == "My card [卡号 •••• 1111]"
    assert localise_mask_markers("My card [card •••• 1111]", "en") == "My card [card •••• 1111]"
    assert localise_mask_markers(None, "en") == ""


def test_zones_are_named_clearly_never_cst():
    winter = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
    shanghai = winter.astimezone(ZoneInfo("Asia/Shanghai"))
    assert shanghai.tzname() == "CST"  # what the zone database calls it
    assert zone_name("Asia/Shanghai", shanghai.tzname(), "zh_Hans") == "北京时间"
    assert zone_name("Asia/Shanghai", shanghai.tzname(), "en") == "Beijing time"
    chicago = winter.astimezone(ZoneInfo("America/Chicago"))
    assert zone_name("America/Chicago", chicago.tzname(), "en") == "US Central time"
    assert zone_name("America/New_York", "EST", "en") == "EST"
    assert zone_name("Europe/London", "GMT", "zh_Hans") == "GMT"
    assert zone_name("Asia/Kolkata", "IST", "en") == "Asia/Kolkata"  # IST is ambiguous too
    assert zone_name("Asia/Dubai", "+04", "en") == "UTC+04"


def test_a_snippet_gives_chinese_half_the_characters_of_english():
    chinese = "催收员每天给我打二十多次电话，还打到我单位。" * 10
    english = "The collector called me twenty times a day at work. " * 10
    short_zh, short_en = snippet(chinese, 110), snippet(english, 110)
    assert short_zh.endswith("…") and len(short_zh) == 56  # 55 characters of two columns, and the mark
    assert short_en.endswith("…") and len(short_en) <= 111 and not short_en[:-1].endswith(" ")
    assert english.startswith(short_en[:-1])  # cut at a space, nothing changed before it
    assert snippet("Called twice.", 110) == "Called twice."


def test_markers_shown_in_chinese_go_back_to_their_stored_form():
    stored = "我的卡号是 [card •••• 1111]，身份证 [ID •••• 002X]"
    shown = localise_mask_markers(stored, "zh_Hans")
    assert shown != stored and stored_mask_markers(shown) == stored


def test_a_zone_is_named_in_words_with_its_iana_name():
    assert zone_title("America/New_York", "en") == "Eastern Time (America/New_York)"
    assert zone_title("America/New_York", "zh_Hans") == "北美东部时间（America/New_York）"
    assert zone_title("Asia/Shanghai", "en") == "Beijing time" and zone_title("UTC", "zh_Hans") == "UTC"
