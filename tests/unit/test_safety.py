"""Safety help after a violence or self-harm signal (portal.domain.safety)."""
from portal.domain.profiles import profile_ids
from portal.domain.safety import safety_help, safety_signals


def test_signals_come_from_the_rules_that_fired():
    routing = {"evidence": [
        {"label": "threats", "text": "break my legs", "start": 3, "end": 16, "source": "model"},
        {"label": "violence_threat", "text": "break my legs", "start": 3, "end": 16, "source": "rule"},
    ]}
    assert safety_signals(routing) == ("violence_threat",)
    assert safety_signals({"evidence": [{"label": "self_harm", "source": "rule"}]}) == ("self_harm",)
    assert safety_signals({"evidence": [{"label": "ongoing_harassment", "source": "rule"}]}) == ()
    assert safety_signals(None) == ()
    assert safety_signals({"evidence": None}) == ()


def test_a_complaint_the_model_alone_made_critical_gets_help_too():
    # "everybody would be better off if I just wasn't around", inside a dispute
    # about fees: no rule knows the words, the sentence pass made it critical.
    routing = {"urgency": "critical", "evidence": [
        {"label": "cue:wrong_amount", "text": "fees", "start": 10, "end": 14, "source": "rule"},
        {"label": "critical_unsure", "text": "everybody would be better off if I just wasn't around", "start": 40,
         "end": 93, "source": "model"},
    ]}
    assert safety_signals(routing) == ("model_critical",)
    routing["evidence"][1]["label"] = "critical"
    assert safety_signals(routing) == ("model_critical",)
    # A model word for a high urgency is no such sign, nor a critical word on a complaint routed lower.
    assert safety_signals({"urgency": "high", "evidence": [{"label": "high", "source": "model"}]}) == ()
    assert safety_signals({"urgency": "high", "evidence": [{"label": "critical", "source": "model"}]}) == ()


def _numbers(profile, language="en"):
    return [(line.kind, line.number) for line in safety_help(profile, language).lines]


def test_each_jurisdiction_has_its_real_numbers():
    assert _numbers("us-cfpb") == [("emergency", "911"), ("crisis", "988")]
    assert _numbers("cn-nfra") == [("emergency", "110"), ("crisis", "12356"), ("crisis", "400-161-9995")]
    assert _numbers("uk-fca") == [("emergency", "999"), ("crisis", "116 123")]
    assert all(safety_help(p, "en") is not None for p in profile_ids())  # no profile without help


def test_help_reads_in_the_cardholders_language():
    chinese = safety_help("cn-nfra", "zh_Hans")
    assert chinese.country == "中国大陆"
    assert chinese.lines[1].name == "全国统一心理援助热线"
    assert safety_help("uk-fca", "zh_Hans").country == "英国"
    assert safety_help("us-cfpb", "en").lines[1].name.startswith("988 Suicide & Crisis Lifeline")
    assert safety_help("xx-none", "en") is None
