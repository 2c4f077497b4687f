"""Test-load an unpacked Argos package before it is activated: model, tokenizer, one probe sentence.

A package that argostranslate can list may still be unusable: a missing or truncated model.bin,
a garbage sentencepiece.model or bpe.model, a vocabulary shorter than the tokenizer's, or a package labelled
with the wrong target language. Each is caught here, in the staging folder, so the model that was
installed before stays active.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jointcampaign.errors import UserInputError
from jointcampaign.translate.decoding import decode_sentencepiece
from jointcampaign.translate.languages import dominant_script, expected_scripts

PROBE_SENTENCE = "Hello, welcome to our shop."
_REFETCH = "download the package again (or rebuild it with `jointcampaign models build`)"


def probe_package(folder: Path, archive: Path, metadata: dict[str, Any]) -> str:
    """Load `folder`'s model and tokenizer and translate one sentence; return the translation.

    Raises UserInputError naming the archive, the part that failed and the fix.
    """
    import ctranslate2
    import sentencepiece

    def refuse(message: str, fix: str = _REFETCH) -> UserInputError:
        return UserInputError.single(archive, message, fix)

    pair = f"{metadata['from_code']}→{metadata['to_code']}"
    model_dir = folder / "model"
    if not (model_dir / "model.bin").is_file():
        raise refuse(f"the {pair} package has no model/model.bin (the CTranslate2 weights)")
    try:
        translator = ctranslate2.Translator(str(model_dir), device="cpu", intra_threads=1)
    except Exception as err:  # ctranslate2 raises RuntimeError/ValueError with its own text
        raise refuse(f"CTranslate2 cannot load the {pair} model (model.bin truncated or damaged?): {err}") from err
    spm_path, bpe_path = folder / "sentencepiece.model", folder / "bpe.model"
    if spm_path.is_file():
        try:
            processor = sentencepiece.SentencePieceProcessor(model_file=str(spm_path))
        except Exception as err:  # sentencepiece raises RuntimeError/OSError for a bad file
            raise refuse(f"sentencepiece.model of the {pair} package is not a SentencePiece model: {err}") from err
        _check_vocabulary(model_dir, processor.get_piece_size(), pair, refuse)

        def encode(text: str) -> list[str]:
            return list(processor.encode(text, out_type=str))

        def decode(tokens: list[str]) -> str:
            return decode_sentencepiece(processor, tokens, metadata["to_code"])

    elif bpe_path.is_file():  # the older layout: Moses tokenization + BPE codes, as argostranslate reads it
        from argostranslate.tokenizer import BPETokenizer

        bpe = BPETokenizer(bpe_path, metadata["from_code"], metadata["to_code"])
        try:
            bpe.lazy_load()
        except Exception as err:  # apply_bpe raises ValueError/IndexError for a file that is not BPE codes
            raise refuse(f"bpe.model of the {pair} package is not a BPE codes file: {err}") from err
        encode, decode = bpe.encode, bpe.decode
    else:
        raise refuse(f"the {pair} package has no tokenizer (sentencepiece.model or bpe.model)")
    try:
        result = translator.translate_batch([encode(PROBE_SENTENCE)], beam_size=1)
        output = decode(list(result[0].hypotheses[0]))
    except Exception as err:
        raise refuse(f"the {pair} model fails to translate a probe sentence: {err}") from err
    wanted = expected_scripts(metadata["to_code"])
    written = dominant_script(output)
    if wanted is not None and written not in wanted:
        raise refuse(
            f"the package says it translates into {metadata['to_code']!r} ({'/'.join(sorted(wanted))} "
            f"script), but it translated {PROBE_SENTENCE!r} to {output!r} ({written or 'no letters'}): "
            "it is mislabelled or broken",
            "check the package's metadata.json to_code, or use the package for the right language",
        )
    return output


def _check_vocabulary(model_dir: Path, pieces: int, pair: str, refuse: Any) -> None:
    """A vocabulary shorter than the tokenizer's piece list makes CTranslate2 map real pieces to <unk>."""
    for name in ("shared_vocabulary.json", "target_vocabulary.json", "shared_vocabulary.txt"):
        path = model_dir / name
        if not path.is_file():
            continue
        try:
            if name.endswith(".json"):
                size = len(json.loads(path.read_text(encoding="utf-8")))
            else:
                size = sum(1 for _ in path.open(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise refuse(f"the {pair} model's {name} cannot be read: {err}") from err
        if size < pieces:
            raise refuse(
                f"the {pair} model's {name} has {size} entries but its tokenizer has {pieces} pieces: "
                "the vocabulary does not belong to this tokenizer"
            )
        return
