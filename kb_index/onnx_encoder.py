"""The sentence encoder's network run by ONNX Runtime: the same vectors, a third of the time.

One short query through sentence-transformers costs ~13 ms on one core here, most of it
PyTorch's per-operator overhead; the same graph exported to ONNX and run by ONNX Runtime
takes ~4 ms and returns the same vector (cosine 1.0000, see bench/README.md).  Only models
made of a Transformer, mean or CLS pooling and optional normalisation are exported; any
other architecture keeps the PyTorch path (`supported()` says which).

The export (~10 s) happens once per model, into a cache folder, written atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np

EXPORT_FORMAT = "1"  # bump when the export below changes, so cached files are redone
_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"
_WEIGHTS = ("model.safetensors", "pytorch_model.bin")


def pooling_mode(model_dir: Path) -> str | None:
    """'mean' or 'cls' when the model can run on ONNX Runtime, else None."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        types = [m["type"] for m in modules]
        if types[:2] != [_TRANSFORMER, _POOLING] or any(t != _NORMALIZE for t in types[2:]):
            return None
        if not (model_dir / "tokenizer.json").is_file():
            return None
        config = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, IndexError):
        return None
    enabled = [k for k, v in config.items() if k.startswith("pooling_mode_") and v]
    return {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(enabled[0]) \
        if len(enabled) == 1 else None


def cached_file(model_dir: Path, cache_dir: Path) -> Path:
    """Where the export of this exact model lives: named by a hash of its config and weights."""
    digest = hashlib.sha256(EXPORT_FORMAT.encode())
    for name in ("config.json", "tokenizer.json", *_WEIGHTS):
        path = model_dir / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):  # noqa: B023 - handle is this loop's
                    digest.update(block)
    return cache_dir / f"{model_dir.name}-{digest.hexdigest()[:16]}.onnx"


def export(sentence_transformer: Any, target: Path) -> None:
    """Export the Transformer module of a loaded SentenceTransformer to `target`, atomically."""
    import torch

    transformer = sentence_transformer[0].auto_model.eval()
    sample = sentence_transformer.tokenizer(["where is my order", "환불은 언제 되나요?"], return_tensors="pt",
                                            padding=True)
    inputs = (sample["input_ids"], sample["attention_mask"], torch.zeros_like(sample["input_ids"]))

    class _Hidden(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    token_type_ids: torch.Tensor) -> torch.Tensor:
            return self.transformer(input_ids=input_ids, attention_mask=attention_mask,
                                    token_type_ids=token_type_ids).last_hidden_state

    axes = {0: torch.export.Dim("batch"), 1: torch.export.Dim("seq")}
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".onnx", dir=target.parent)
    os.close(fd)
    try:
        with warnings.catch_warnings(), torch.inference_mode():
            # the exporter's own notices (axis renaming, deprecations inside torch) are not ours to fix
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                _Hidden(), inputs, input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_shapes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes},
                dynamo=True, external_data=False, verbose=False,
            )
        if program is None:
            raise RuntimeError("torch.onnx.export returned no program")
        program.save(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


class OnnxEncoder:
    def __init__(self, model_dir: Path, onnx_file: Path, pooling: str, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        self._pooling = pooling
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        max_length = json.loads((model_dir / "sentence_bert_config.json").read_text()).get("max_seq_length", 256) \
            if (model_dir / "sentence_bert_config.json").is_file() else 256
        self._tokenizer.enable_truncation(max_length)
        padding = self._tokenizer.padding or {}
        self._tokenizer.enable_padding(pad_id=padding.get("pad_id", 0), pad_token=padding.get("pad_token", "[PAD]"))

    @property
    def dimension(self) -> int:
        return int(self._session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), np.float32)
        # batches of similar length pad little (as sentence-transformers does); rows go back in order
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        ordered = [texts[i] for i in order]
        chunks = [self._encode_batch(ordered[i:i + batch_size]) for i in range(0, len(ordered), batch_size)]
        vectors = np.empty((len(texts), chunks[0].shape[1]), np.float32)
        vectors[order] = np.concatenate(chunks)
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {name: feeds[name] for name in self._inputs})[0]
        if self._pooling == "cls":
            pooled = hidden[:, 0]
        else:
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
