"""Training twice gives the same version and the same predictions."""

from classifiers import get_router, model

SAMPLES = [
    "They keep calling my boss about this card.",
    "这不是我的欠款，我从来没有办过这张卡。",
    "The amount is wrong, they added fees.",
]


def test_training_is_deterministic(tmp_path):
    # A small slice keeps this fast; the full corpus trains the same way.
    v1 = model.train(tmp_path / "a", limit=60)
    v2 = model.train(tmp_path / "b", limit=60)
    assert v1 == v2 == model.compute_version(limit=60)
    r1 = get_router(tmp_path / "a")
    r2 = get_router(tmp_path / "b")
    for text in SAMPLES:
        a, b = r1.route(text).to_dict(), r2.route(text).to_dict()
        assert a == b
    assert (tmp_path / "a" / "en" / "textcat" / "model").read_bytes() == (
        tmp_path / "b" / "en" / "textcat" / "model"
    ).read_bytes()


def test_version_changes_with_the_corpus(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in model.CORPUS_FILES:
        if (model.DATA_DIR / name).exists():
            (data / name).write_bytes((model.DATA_DIR / name).read_bytes())
    before = model.compute_version(data)
    with (data / "own.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"text": "new", "language": "en", "category": "other", "urgency": "low", "split": "train"}\n')
    assert model.compute_version(data) != before
