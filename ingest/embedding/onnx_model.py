"""The sentence-transformers model as an ONNX file, for embedding questions without torch.

Loading torch and sentence-transformers takes most of a CLI ``ask`` (about 3.5 s of 5 on two
cores); ``onnxruntime`` and the Rust ``tokenizers`` load in about 0.3 s. So ingest, which has
torch loaded anyway, exports the model's transformer once (:func:`ensure_export`) into the cache
folder (``PA_CACHE_DIR``), and :class:`OnnxEmbeddings` embeds questions with it: the model
folder's own ``tokenizer.json`` (truncated at the model's ``max_seq_length``, padded to the
longest text of a batch), the exported transformer's token embeddings, then the model's mean
pooling over the attention mask and L2 normalisation, in numpy. The vectors match the torch
model's to float precision (cosine ≥ 0.9999999 on the evaluation questions), so an index built
with torch is searched with ONNX query vectors.

Only models whose pipeline is Transformer → mean Pooling → Normalize (all-MiniLM-L6-v2, the
bundled default) are exported; any other model keeps torch (:func:`exportable`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.embedding.base import BaseEmbedder, EmbeddingModelError

log = logging.getLogger(__name__)

EXPORT_VERSION = 1  # bump when the exported graph or its inputs change
ONNX_FILE = "model.onnx"
META_FILE = "export.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def exportable(model_path: str | Path) -> bool:
    """True when the folder is a sentence-transformers model this module reproduces exactly:
    a transformer with a ``tokenizer.json``, mean pooling and normalisation."""
    folder = Path(model_path)
    try:
        modules = [m.get("type", "") for m in _read_json(folder / "modules.json")]
        pooling = _read_json(folder / "1_Pooling" / "config.json")
    except (OSError, ValueError):
        return False
    means = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    return (modules == ["sentence_transformers.models.Transformer",
                        "sentence_transformers.models.Pooling",
                        "sentence_transformers.models.Normalize"]
            and means == ["pooling_mode_mean_tokens"]
            and (folder / "tokenizer.json").is_file())


SAMPLES = 16  # pieces of each weight file hashed, spread evenly over it
SAMPLE_BYTES = 1 << 16


def model_fingerprint(model_path: str | Path) -> str:
    """A short hash of what decides the model's vectors: its config and tokenizer files, and
    each weight file's size and 16 pieces of 64 KiB spread over it (1 MiB read, not 90 MB: a
    fine-tuned copy of the same architecture changes nearly every weight, so the pieces differ;
    a reinstall of the same files keeps the export)."""
    folder = Path(model_path)
    h = hashlib.blake2b(digest_size=8)
    h.update(f"export-v{EXPORT_VERSION}".encode())
    for name in ("config.json", "tokenizer.json", "sentence_bert_config.json", "modules.json",
                 "1_Pooling/config.json"):
        f = folder / name
        h.update(name.encode())
        h.update(f.read_bytes() if f.is_file() else b"-")
    for f in sorted(folder.glob("*.safetensors")) + sorted(folder.glob("*.bin")):
        size = f.stat().st_size
        h.update(f"{f.name}:{size}".encode())
        with f.open("rb") as fh:
            for i in range(SAMPLES):
                fh.seek(max(0, (size - SAMPLE_BYTES) * i // (SAMPLES - 1)))
                h.update(fh.read(SAMPLE_BYTES))
    return h.hexdigest()


def export_dir(cache_dir: Path, model_path: str | Path) -> Path:
    """Where the export of this model lives in the cache folder."""
    return cache_dir / "onnx" / f"{Path(model_path).name}-{model_fingerprint(model_path)}"


def max_seq_length(model_path: str | Path) -> int:
    try:
        return int(_read_json(Path(model_path) / "sentence_bert_config.json")["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 512


def export(model_path: str | Path, cache_dir: Path) -> Path:
    """Export the model's transformer to ``export_dir(cache_dir, model_path)`` and return that
    folder. The file is written beside its final place and renamed, so a reader never sees half
    of one and two exports at once both end with a whole file. Imports torch (ingest time)."""
    import torch
    from transformers import AutoModel

    target = export_dir(cache_dir, model_path)
    target.mkdir(parents=True, exist_ok=True)
    model = AutoModel.from_pretrained(str(model_path), local_files_only=True).eval()

    class _TokenEmbeddings(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones(1, 8, dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "token_embeddings")}
    fd, tmp = tempfile.mkstemp(suffix=".onnx.part", dir=target)
    os.close(fd)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shape-dependent Python code
            torch.onnx.export(_TokenEmbeddings(model), example, tmp, input_names=list(INPUTS),
                              output_names=["token_embeddings"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)
        os.replace(tmp, target / ONNX_FILE)
    finally:
        Path(tmp).unlink(missing_ok=True)
    meta = {"model": Path(model_path).name, "fingerprint": model_fingerprint(model_path),
            "export_version": EXPORT_VERSION, "torch": torch.__version__,
            "max_seq_length": max_seq_length(model_path)}
    part = target / f"{META_FILE}.{os.getpid()}.part"
    part.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.replace(part, target / META_FILE)
    return target


def find_export(model_path: str | Path, cache_dir: Path) -> Path | None:
    """The export folder of this model when a complete export is there, else None."""
    folder = export_dir(cache_dir, model_path)
    return folder if (folder / ONNX_FILE).is_file() and (folder / META_FILE).is_file() else None


TOKENS_PER_TEXT = 32  # a batch holds about batch_size × this many tokens, padding included
MAX_BATCH = 512


def _padded(encoded: list[Any]) -> list[Any]:
    """Encodings padded to the longest of them (the tokenizer's own pad token, id 0)."""
    width = max(len(e.ids) for e in encoded)
    for e in encoded:
        e.pad(width)
    return encoded


class OnnxEmbeddings(BaseEmbedder):
    """Question embedding with the model's ONNX export: the same vectors as
    :class:`~ingest.embedding.sentence_transformer.LocalEmbeddings`, without torch."""

    def __init__(self, model_path: str, export_folder: Path, threads: int = 1,
                 batch_size: int = 32) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EmbeddingModelError(f"the ONNX query runtime needs onnxruntime ({exc}); "
                                      "set PA_QUERY_RUNTIME=torch or reinstall") from exc
        self.model_path = model_path
        self.model_id = Path(model_path).name
        self.batch_size = max(batch_size, 1)
        self.tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        # tokenizer.json carries fixed-length padding (128) from its export; sentence-transformers
        # pads to the longest text of a batch and truncates at max_seq_length: do the same.
        self.tokenizer.enable_truncation(max_seq_length(model_path))
        pad = self.tokenizer.padding or {}
        self.tokenizer.enable_padding(pad_id=int(pad.get("pad_id", 0)),
                                      pad_token=str(pad.get("pad_token", "[PAD]")))
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: on cores shared with other work, spinning
        # threads steal the time the busy one needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(export_folder / ONNX_FILE), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.dim = int(self.session.get_outputs()[0].shape[-1])
        self._lock = threading.Lock()

    def token_embeddings(self, feeds: dict[str, np.ndarray]) -> np.ndarray:
        """The transformer's last hidden state for a padded batch: (batch, tokens, dim)."""
        with self._lock:
            out = self.session.run(None, {k: feeds[k] for k in self.input_names})[0]
        return np.asarray(out, dtype=np.float32)

    def _embed(self, texts: list[str]) -> np.ndarray:
        return self._pool(self.tokenizer.encode_batch(texts))

    def _pool(self, encoded: list[Any]) -> np.ndarray:
        feeds = {
            "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
        }
        tokens = self.token_embeddings(feeds)
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (tokens * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Texts tokenised once, sorted by token count and batched by a token budget: short
        texts (sentences, words) go many to a batch, long passages fewer, so each batch is
        about ``batch_size`` × 32 padded tokens with little padding (small batches
        were faster on two shared cores: 1,024 tokens a batch against 4,096)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unpadded = self.tokenizer.padding
        self.tokenizer.no_padding()
        try:
            encoded = self.tokenizer.encode_batch(list(texts))
        finally:
            self.tokenizer.enable_padding(**{k: v for k, v in (unpadded or {}).items()
                                             if k in ("pad_id", "pad_token")})
        order = np.argsort([-len(e.ids) for e in encoded], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        budget, i = self.batch_size * TOKENS_PER_TEXT, 0
        while i < len(order):
            n = max(1, min(budget // len(encoded[order[i]].ids), MAX_BATCH))
            rows = order[i : i + n]
            out[rows] = self._pool(_padded([encoded[j] for j in rows]))
            if progress:
                progress(len(rows))
            i += n
        return out

    def embed_query_vector(self, text: str) -> np.ndarray:
        return self._embed([text])[0]
