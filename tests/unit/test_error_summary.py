"""The error summary's lines (portal.intake.error_summary)."""
from types import SimpleNamespace

from portal.intake.error_summary import field_name, summary_lines


def _field(id_, label, errors):
    return SimpleNamespace(id=id_, label=SimpleNamespace(text=label), errors=errors)


def test_each_line_is_the_fields_own_message():
    form = [
        _field("narrative", "What happened?", ["Please tell us what happened."]),
        _field("consent", "I agree that Redress may use what I have written to handle my complaint.",
               ["Please tick this box so we can handle your complaint."]),
        _field("email", "Your e-mail address", []),
    ]
    lines = summary_lines([form])
    assert [(line.field_id, line.text) for line in lines] == [
        ("narrative", "Please tell us what happened."),
        ("consent", "Please tick this box so we can handle your complaint."),
    ]


def test_a_message_shared_by_several_fields_names_its_field():
    form = [
        _field("agency", "Which company or collection agency contacted you?", ["Please keep this under 200 characters."]),
        _field("agent_name", "The name the person gave, if any", ["Please keep this under 200 characters."]),
    ]
    assert [line.text for line in summary_lines([form])] == [
        "Which company or collection agency contacted you: Please keep this under 200 characters.",
        "The name the person gave, if any: Please keep this under 200 characters.",
    ]
    chinese = [_field("agency", "是哪家公司或催收机构联系了您？", ["请不要超过 200 个字。"]),
               _field("agent_name", "对方自称的姓名（如有）", ["请不要超过 200 个字。"])]
    assert summary_lines([chinese], "zh_Hans")[0].text == "是哪家公司或催收机构联系了您：请不要超过 200 个字。"


def test_several_forms_and_missing_ones():
    one = [_field("body", "What would you like to add?", ["Please write something or attach a file."])]
    assert [line.field_id for line in summary_lines([one, None, []])] == ["body"]
    assert field_name("What happened?") == "What happened"
    assert field_name("发生了什么？") == "发生了什么"
