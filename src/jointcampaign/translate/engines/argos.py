"""Translate with installed Argos packages: CTranslate2 + SentencePiece, split by our own splitter.

argostranslate's `translate` module is not used: its sentence splitter loads (and downloads)
stanza/spacy/minisbd models, its ARGOS_CHUNK_TYPE=NONE switch drops every package instead of
disabling the splitter, and it reads its packages folder from the environment once at import.
Each package folder is opened with argostranslate's `Package` class instead (explicit path), and
its CTranslate2 model and tokenizer are driven directly, one batched call per model.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jointcampaign.errors import ToolMissingError
from jointcampaign.translate.decoding import decode_sentencepiece
from jointcampaign.translate.languages import sentence_separator
from jointcampaign.translate.models.shelf import ModelShelf
from jointcampaign.translate.models.store import INSTALL_FIX, InstalledModel, missing_pair_error, plan_route
from jointcampaign.translate.protocol import TranslationBatch
from jointcampaign.translate.sentences import split_sentences

_LINE_BREAK_KEPT = re.compile(r"(\r\n|[\r\n\u2028\u2029\x85])")
_MAX_BATCH = 64


@dataclass
class _LoadedModel:
    version: str
    translator: Any  # ctranslate2.Translator (no type stubs)
    encode: Callable[[str], list[str]]
    decode: Callable[[list[str]], str]
    target_prefix: str
    name: str = "the model"

    def translate_scored(self, sentences: list[str], beam_size: int) -> list[tuple[str, float]]:
        """Like _translate_scored; a failure inside the engines names the model and the fix."""
        try:
            return self._translate_scored(sentences, beam_size)
        except Exception as err:  # ctranslate2/sentencepiece/sacremoses raise RuntimeError, IndexError…
            raise ToolMissingError(
                f"{self.name} failed while translating: {type(err).__name__}: {err}\n"
                "    fix: the package is damaged or does not match its tokenizer; check it with "
                f"`jointcampaign models install` again ({INSTALL_FIX}) or remove it with "
                "`jointcampaign models remove FROM TO`"
            ) from err

    def translate(self, sentences: list[str], beam_size: int) -> list[str]:
        return [text for text, _ in self.translate_scored(sentences, beam_size)]

    def _translate_scored(self, sentences: list[str], beam_size: int) -> list[tuple[str, float]]:
        """Each translation with its score: CTranslate2's length-normalised log-probability."""
        if not sentences:
            return []
        prefix = [[self.target_prefix]] * len(sentences) if self.target_prefix else None
        results = self.translator.translate_batch(
            [self.encode(sentence) for sentence in sentences],
            target_prefix=prefix,
            beam_size=beam_size,
            max_batch_size=_MAX_BATCH,
            batch_type="examples",
            replace_unknowns=True,
            return_scores=True,
        )
        outputs = []
        for result in results:
            tokens = list(result.hypotheses[0])
            if self.target_prefix and tokens[:1] == [self.target_prefix]:
                tokens = tokens[1:]
            outputs.append((self.decode(tokens).strip(), float(result.scores[0])))
        return outputs


class ArgosTranslator:
    """The Translator protocol over the Argos packages installed in `models_dir` (one folder or a shelf)."""

    name = "argos"

    def __init__(self, models_dir: Path | ModelShelf, threads: int = 1, beam_size: int = 1) -> None:
        self.models_dir = models_dir
        self.threads = max(1, threads)
        self.beam_size = max(1, beam_size)
        self._loaded: dict[Path, _LoadedModel] = {}
        self._lock = threading.Lock()

    def version(self, source: str, target: str) -> str:
        route = self._route(source, target)
        if not route:
            return "identity"
        return " > ".join(f"argos:{model.from_code}-{model.to_code}@{model.version}" for model in route)

    def direct_pair(self, source: str, target: str) -> bool:
        """Whether one installed model translates source→target (no pivot): used for round trips."""
        route = plan_route(self.models_dir, source, target)
        return route is not None and len(route) == 1

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> TranslationBatch:
        route = self._route(source, target)
        if not route:
            return TranslationBatch(texts=list(texts))
        layout = _Layout(texts)
        sentences = layout.sentences
        scores = [0.0] * len(sentences)
        for model in route:
            scored = self._load(model).translate_scored(sentences, self.beam_size)
            sentences = [text for text, _ in scored]
            # Log-probabilities add up along a pivot: the route is as sure as both legs together.
            scores = [total + score for total, (_, score) in zip(scores, scored, strict=True)]
        notes = []
        if len(route) > 1:
            notes.append(f"pivoted through English: no direct {source}→{target} model installed")
        return TranslationBatch(
            texts=layout.rebuild(sentences, sentence_separator(target)),
            notes=notes,
            scores=layout.weakest(scores),
        )

    def _route(self, source: str, target: str) -> list[InstalledModel]:
        route = plan_route(self.models_dir, source, target)
        if route is None:
            raise missing_pair_error(self.models_dir, source, target)
        return route

    def _load(self, model: InstalledModel) -> _LoadedModel:
        with self._lock:
            loaded = self._loaded.get(model.path)
            if loaded is None or loaded.version != model.version:
                loaded = self._open(model)
                self._loaded[model.path] = loaded
            return loaded

    def _open(self, model: InstalledModel) -> _LoadedModel:
        import ctranslate2
        import sentencepiece
        from argostranslate.package import Package

        try:
            package = Package(model.path)
            translator = ctranslate2.Translator(
                str(model.path / "model"),
                device="cpu",
                inter_threads=1,
                intra_threads=self.threads,
                compute_type="default",
            )
        except Exception as err:  # ctranslate2 and argostranslate raise plain RuntimeError/Exception
            raise ToolMissingError(
                f"The {model.pair} model in {model.path} cannot be loaded: {err}\n"
                f"    fix: {_reinstall(model)}"
            ) from err
        spm_path = model.path / "sentencepiece.model"
        if spm_path.exists():
            try:
                processor = sentencepiece.SentencePieceProcessor(model_file=str(spm_path))
            except Exception as err:  # sentencepiece raises RuntimeError/OSError for a damaged file
                raise ToolMissingError(
                    f"The {model.pair} model's tokenizer {spm_path} cannot be loaded: {err}\n"
                    f"    fix: {_reinstall(model)}"
                ) from err

            def encode(text: str) -> list[str]:
                pieces: list[str] = processor.encode(text, out_type=str)
                return pieces

            def decode(tokens: list[str]) -> str:
                return decode_sentencepiece(processor, tokens, model.to_code)

        else:  # BPE packages: argostranslate's Moses + BPE tokenizer
            encode, decode = package.tokenizer.encode, package.tokenizer.decode
        return _LoadedModel(
            version=model.version,
            translator=translator,
            encode=encode,
            decode=decode,
            target_prefix=package.target_prefix,
            name=f"The {model.pair} model in {model.path}",
        )


def _reinstall(model: InstalledModel) -> str:
    if model.origin == "demo":
        return f"remove it (`jointcampaign models remove {model.from_code} {model.to_code}`) and run `jointcampaign models demo`"
    return f"install the package again: {INSTALL_FIX}"


class _Layout:
    """Where each sentence of each input came from, so translations go back in the same places.

    Line breaks and each line's outer whitespace are kept; repeated sentences are translated once.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        self.sentences: list[str] = []
        index_of: dict[str, int] = {}
        self._texts: list[list[tuple[str, list[int], str] | str]] = []
        for text in texts:
            parts: list[tuple[str, list[int], str] | str] = []
            for position, piece in enumerate(_LINE_BREAK_KEPT.split(text)):
                if position % 2 or not piece.strip():
                    parts.append(piece)  # a line break, or a line with nothing to translate
                    continue
                indices = []
                for sentence in split_sentences(piece):
                    if sentence not in index_of:
                        index_of[sentence] = len(self.sentences)
                        self.sentences.append(sentence)
                    indices.append(index_of[sentence])
                lead = piece[: len(piece) - len(piece.lstrip())]
                trail = piece[len(piece.rstrip()) :]
                parts.append((lead, indices, trail))
            self._texts.append(parts)

    def weakest(self, scores: list[float]) -> list[float | None]:
        """Per text, the lowest score of its sentences (None for a text with nothing translated)."""
        weakest: list[float | None] = []
        for parts in self._texts:
            own = [scores[index] for part in parts if not isinstance(part, str) for index in part[1]]
            weakest.append(min(own) if own else None)
        return weakest

    def rebuild(self, translated: list[str], separator: str) -> list[str]:
        texts = []
        for parts in self._texts:
            pieces = []
            for part in parts:
                if isinstance(part, str):
                    pieces.append(part)
                else:
                    lead, indices, trail = part
                    sentences = [translated[index] for index in indices if translated[index]]
                    pieces.append(lead + separator.join(sentences) + trail)
            texts.append("".join(pieces))
        return texts
