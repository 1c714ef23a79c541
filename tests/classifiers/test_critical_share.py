"""The critical queue stays an urgent queue on real long text; the urgency
model learns nothing from labels a row does not have; Chinese loads only
when needed; model evidence words say something."""

import json
import os
from pathlib import Path

import pytest
from spacy.training import Example

from classifiers import model, version
from classifiers.router import Router

ROOT = Path(__file__).resolve().parents[2]
CFPB = Path(os.environ.get("REDRESS_CFPB_DIR") or ROOT.parent / "shared" / "data" / "cfpb")


@pytest.mark.skipif(not (CFPB / "unlabeled.jsonl").exists(), reason="shared CFPB data not present")
def test_few_real_narratives_go_to_the_critical_queue(router):
    with (CFPB / "unlabeled.jsonl").open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    routed = router.route_many(texts)
    critical = [r for r in routed if r.urgency == "critical"]
    # Consumers' collection complaints rarely describe a critical signal: the
    # model was sending 28% of them to the critical queue.
    assert len(critical) < 0.08 * len(texts), len(critical)
    # Every rule-critical stays critical (the rule floor).
    assert all(r.urgency == "critical" for r in routed if r.rule_urgency == "critical")


def test_a_row_without_an_urgency_does_not_train_the_urgency_model(router):
    nlp = router.nlps["en"]
    pipe = nlp.get_pipe("urgency")
    doc = nlp.make_doc("They keep sending letters about a balance I already paid.")
    scores = pipe.model.predict([model.pad_for_model(doc, nlp)])
    # Only a category: nothing to learn for the urgency levels.
    eg = Example.from_dict(doc, {"cats": {"other": 1.0}})
    _loss, grad = pipe.get_loss([eg], scores)
    assert float(abs(grad).sum()) == 0.0
    # "Not critical" only: the critical score is trained, the others are not.
    eg = Example.from_dict(doc, {"cats": {"critical": 0.0}})
    _loss, grad = pipe.get_loss([eg], scores)
    col = list(pipe.labels).index("critical")
    assert float(abs(grad[0, col])) > 0.0
    assert all(float(grad[0, j]) == 0.0 for j in range(len(pipe.labels)) if j != col)


def test_cfpb_rows_are_taught_not_critical_unless_a_critical_rule_fires():
    cfpb = {"text": "x", "category": "not_owed", "source": "cfpb"}
    assert model.not_critical(cfpb, ["legal_threat"])
    assert not model.not_critical(cfpb, ["legal_threat", "self_harm"])
    assert not model.not_critical(cfpb | {"urgency": "high"}, [])
    assert not model.not_critical({"text": "x", "category": "other", "source": "written"}, [])


def test_chinese_pipeline_loads_with_the_first_chinese_complaint(router):
    fresh = Router(version.DEFAULT_MODEL_DIR)
    assert fresh.route("They called my work three times today.").language == "en"
    assert fresh.scan_conduct_language("他说要打断你的腿") != []
    assert not fresh.nlps.is_loaded("zh")
    r = fresh.route("催收员说明天去我单位找我领导。")
    assert fresh.nlps.is_loaded("zh")
    assert r == router.route("催收员说明天去我单位找我领导。")


def test_model_evidence_words_are_content_words_the_model_weighs(router):
    for lang, labels in router.lexicon.items():
        for label, words in labels.items():
            assert words, (lang, label)
            assert not set(words) & model.LIGHT_WORDS, (lang, label)
            assert min(words.values()) >= model.MIN_LEXICON_GAIN
    r = router.route("The collector said he would sue me and said I would lose my house, he said it twice.")
    shown = {e.text.lower() for e in r.evidence if e.source == "model" and e.label != "critical_unsure"}
    assert shown and "said" not in shown
