"""The older Argos package layout: Moses tokenization + BPE codes (bpe.model) instead of SentencePiece.

A real tiny package of that layout is trained here (BPE codes that merge each word of a small phrase
table whole, a model trained on argostranslate's own BPE tokens, exported to CTranslate2), then
installed through the same test-load as any package and used by the engine, which must decode it
exactly as argostranslate's own tokenizer does."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from jointcampaign.translate.engines.argos import ArgosTranslator
from jointcampaign.translate.models.store import install_model, list_models

pytestmark = pytest.mark.slow

PHRASES = [
    ("Fresh coffee every morning.", "Café fresco cada mañana."),
    ("Flowers for your table.", "Flores para tu mesa."),
    ("Show this code at the counter.", "Muestra este código en el mostrador."),
    ("We open at eight.", "Abrimos a las ocho."),
    ("See you soon!", "¡Hasta pronto!"),
    ("Two shops, one street.", "Dos tiendas, una calle."),
]


def whole_word_codes(texts: list[str]) -> str:
    """BPE codes (subword-nmt format 0.2) that build every word of `texts` whole, left to right."""
    from sacremoses import MosesTokenizer

    merges: dict[tuple[str, str], None] = {}
    for text in texts:
        for word in MosesTokenizer("en").tokenize(text, escape=False):
            symbols = [*word[:-1], word[-1] + "</w>"]
            while len(symbols) > 1:
                merges.setdefault((symbols[0], symbols[1]), None)
                symbols = [symbols[0] + symbols[1], *symbols[2:]]
    return "#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges)


def build_bpe_package(out: Path, work: Path) -> Path:
    from argostranslate.tokenizer import BPETokenizer

    from jointcampaign.translate.training import tiny_nmt

    package = work / "translate-en_es-1_0-bpe"
    package.mkdir(parents=True)
    (package / "bpe.model").write_text(
        whole_word_codes([t for pair in PHRASES for t in pair]), encoding="utf-8"
    )
    source_side = BPETokenizer(package / "bpe.model", "en", "es")
    target_side = BPETokenizer(package / "bpe.model", "es", "es")
    tokenized = [(source_side.encode(s), target_side.encode(t)) for s, t in PHRASES]
    tokens = sorted({token for pair in tokenized for side in pair for token in side})
    vocabulary = tiny_nmt.SPECIAL_TOKENS + tokens
    index = {token: i for i, token in enumerate(vocabulary)}
    encoded = [([index[t] for t in s], [index[t] for t in t_]) for s, t_ in tokenized]
    trainer = tiny_nmt.Trainer(encoded, len(vocabulary), seed=0)
    assert trainer.train(lambda: trainer.steps > 3000) == 0, "the tiny model did not learn its table"
    tiny_nmt.export_ctranslate2(trainer.model, vocabulary, package / "model")
    metadata = {"package_version": "1.0-bpe", "from_code": "en", "to_code": "es", "type": "translate",
                "from_name": "English", "to_name": "Spanish", "argos_version": "1.0"}  # fmt: skip
    (package / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(package.rglob("*")):
            archive.write(path, path.relative_to(work).as_posix())
    return out


@pytest.fixture(scope="module")
def bpe_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bpe-build")
    return build_bpe_package(work / "translate-en_es-1_0-bpe.argosmodel", work)


def test_a_bpe_package_installs_and_translates_as_argostranslate_decodes(
    bpe_archive: Path, tmp_path: Path
) -> None:
    import ctranslate2
    from argostranslate.package import Package

    models = tmp_path / "models"
    model = install_model(bpe_archive, models)  # with the probe: model, bpe.model, one sentence
    assert [m.version for m in list_models(models)] == ["1.0-bpe"]

    engine = ArgosTranslator(models)
    sources = [source for source, _ in PHRASES]
    assert engine.translate_batch(sources, "en", "es").texts == [target for _, target in PHRASES]
    # Two sentences on one line are split by the project's splitter and each translated whole.
    assert engine.translate_batch(["We open at eight. See you soon!"], "en", "es").texts == [
        "Abrimos a las ocho. ¡Hasta pronto!"
    ]
    # argostranslate's own path (its tokenizer, the raw CTranslate2 output) gives the same text.
    package = Package(model.path)
    raw = ctranslate2.Translator(str(model.path / "model"), device="cpu")
    for source, target in PHRASES:
        tokens = raw.translate_batch([package.tokenizer.encode(source)], beam_size=1)[0].hypotheses[0]
        assert package.tokenizer.decode(tokens) == target


def test_a_bpe_package_with_garbage_codes_is_refused_and_nothing_changes(
    bpe_archive: Path, tmp_path: Path
) -> None:
    from jointcampaign.errors import UserInputError

    models = tmp_path / "models"
    install_model(bpe_archive, models)
    before = sorted(p.name for p in models.iterdir())
    broken = tmp_path / "broken.argosmodel"
    with zipfile.ZipFile(bpe_archive) as old, zipfile.ZipFile(broken, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("/bpe.model"):
                data = b"\xff\xfe not codes \x00\n" * 5
            if info.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": "2.0-broken"}).encode()
            new.writestr(info, data)
    with pytest.raises(UserInputError, match=r"bpe\.model of the en→es package is not a BPE codes file"):
        install_model(broken, models)
    assert sorted(p.name for p in models.iterdir()) == before
    assert [m.version for m in list_models(models)] == ["1.0-bpe"]
