"""Fine-tune the attribution tagger (saidwhat.tagger) on PolNeAR train, on the CPU, seeded.

    python -m saidwhat.train.tagger --train ../shared/polnear/train.jsonl \
        --out src/saidwhat/data/attr_tagger.npz --seed 0

The encoder is a pretrained base (tagger/bases.py): all-MiniLM-L6-v2 (``--base minilm``, 6 layers, 384 wide)
or all-mpnet-base-v2 (``--base mpnet``, 12 layers, 768 wide). Its word-piece embeddings stay frozen and
are read from the base's package at run time; ``--freeze N`` keeps the other embeddings and the bottom
N layers as pretrained too (read from the base as well, so the file holds only what was trained);
``--adapt R`` then trains rank-R updates B A to those layers' matrices (LoRA: about 0.2 M numbers a
MPNet layer at rank 8), which the file holds and tagger/model.py adds to the base's matrices on loading.
Everything else (the layers above, a 7-way BIO head over source / cue / content, parse features fed to
the first trained layer) is trained and written to ``--out`` as float16 (``--int8``: int8 matrices,
half the size: MiniLM 10 MB; ``--int4``: int4 with a float16 scale per 32 numbers, from those
int8 values, MPNet's top six layers 23 MB). ``--crf`` adds a linear-chain CRF's loss
over learned tag-to-tag scores, which the tagger's Viterbi decoding then uses. ``--bf16`` runs the
encoder in bfloat16 (autocast; faster where the CPU has bfloat16 instructions). Needs PyTorch (``pip
install -e '.[train]'``); running the tagger does not (tagger/model.py is numpy). Never run in CI: on 2 cores
an epoch takes about 8 minutes (MiniLM) or 30 minutes (MPNet, six layers frozen). ``--checkpoint FILE``
lets a run be stopped (killed, or ``--stop-after-minutes``) and go on, with the same command, to the
weights of the unbroken run.
"""
from __future__ import annotations

import math
import random
import sys
import time

import numpy as np

from saidwhat.config import Settings
from saidwhat.eval.polnear import split_heldout
from saidwhat.nlp.setup import load
from saidwhat.tagger.bases import BASES, Base, relative_buckets
from saidwhat.tagger.decode import FORBIDDEN
from saidwhat.tagger.encoder import FEATURES, kept_from_base, quantized
from saidwhat.tagger.model import TAGS, doc_labels, feature_vocab, load_tokenizer, parse_features, windows
from saidwhat.train.checkpoint import STOPPED, Checkpoint, run_options
from saidwhat.train.cues import training_parser


def build_model(torch, base: Base = BASES["minilm"], vocab: dict | None = None, crf: bool = False,
                frozen: int = 0, adapt: int = 0):
    """The tagger over ``base``: its embeddings and layers, parse features (``vocab``) added where
    the first trained layer reads, a 7-way head and (``crf``) learned tag-to-tag scores. The bottom
    ``frozen`` layers (and the embeddings under them) run without dropout, and without gradients
    unless ``adapt`` > 0: then each of their four matrices W gets a trained update B A of that rank
    (B from zero, so training starts from the pretrained layer; ``adapters()``)."""
    nn, F = torch.nn, torch.nn.functional
    h, heads, inter = base.hidden, base.heads, base.inter

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(h, 3 * h)
            self.o = nn.Linear(h, h)
            self.ln1 = nn.LayerNorm(h, eps=base.eps)
            self.i = nn.Linear(h, inter)
            self.out = nn.Linear(inter, h)
            self.ln2 = nn.LayerNorm(h, eps=base.eps)
            self.drop = nn.Dropout(0.1)
            self.lora = nn.ParameterDict()

        def add_adapters(self, rank):
            for n, (fan_in, fan_out) in {"qkv": (h, 3 * h), "o": (h, h), "i": (h, inter), "out": (inter, h)}.items():
                self.lora[n + "_a"] = nn.Parameter(torch.randn(rank, fan_in) / math.sqrt(fan_in))
                self.lora[n + "_b"] = nn.Parameter(torch.zeros(fan_out, rank))

        def lin(self, n, x):
            y = getattr(self, n)(x)
            if self.lora:
                y = y + (x @ self.lora[n + "_a"].T) @ self.lora[n + "_b"].T
            return y

        def forward(self, x, mask):
            b, t, _ = x.shape
            q, k, v = self.lin("qkv", x).view(b, t, 3, heads, h // heads).permute(2, 0, 3, 1, 4)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.1 if self.training else 0.0)
            x = self.ln1(x + self.drop(self.lin("o", a.transpose(1, 2).reshape(b, t, h))))
            return self.ln2(x + self.drop(self.lin("out", F.gelu(self.lin("i", x), approximate="tanh"))))

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.word = nn.Embedding(base.vocab, h)
            self.pos = nn.Embedding(514 if base.pos_offset else 512, h)
            self.typ = nn.Parameter(torch.zeros(h))
            self.ln = nn.LayerNorm(h, eps=base.eps)
            self.rel = nn.Embedding(base.buckets, heads) if base.buckets else None
            self.layers = nn.ModuleList([Layer() for _ in range(base.layers)])
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(h, len(TAGS))
            # parse features (encoder.FEATURES), zero at the start: the base model's input unchanged
            self.feat = nn.ModuleDict({k: nn.Embedding(len(vocab[k]) + 1, h) for k in FEATURES} if vocab else {})
            for e in self.feat.values():
                nn.init.zeros_(e.weight)
            # learned tag-to-tag scores (a linear-chain CRF over the head's scores), zero at the start
            self.crf = nn.ParameterDict({"trans": nn.Parameter(torch.zeros(len(TAGS), len(TAGS)))} if crf else {})
            self.frozen = frozen
            for layer in self.layers[:frozen] if adapt else []:
                layer.add_adapters(adapt)
            if base.buckets:
                self.register_buffer("buckets", torch.from_numpy(relative_buckets(512, base.buckets).copy()), persistent=False)

        def frozen_modules(self):
            mods = [self.word, self.pos, self.ln] + ([self.rel] if self.rel is not None else [])
            return mods + list(self.layers[:self.frozen]) if self.frozen else [self.word]

        def adapters(self):
            return [p for layer in self.layers for p in layer.lora.values()]

        def train(self, mode: bool = True):
            super().train(mode)
            if self.frozen:
                for m in self.frozen_modules():
                    m.train(False)
            return self

        def features(self, x, feats):
            if feats is not None:
                for j, k in enumerate(FEATURES):
                    x = x + self.feat[k](feats[..., j])
            return x

        def forward(self, ids, attn, feats=None):
            t = ids.shape[1]
            mask = attn[:, None, None, :] > 0
            if self.rel is not None:  # relative position scores, and the padding ruled out
                bias = self.rel(self.buckets[:t, :t]).permute(2, 0, 1)[None]
                mask = bias.masked_fill(~mask, float("-inf"))
            adapted = bool(self.adapters())
            with torch.set_grad_enabled(torch.is_grad_enabled() and (adapted or not self.frozen)):
                x = self.word(ids) + self.pos(torch.arange(t) + base.pos_offset)[None] + self.typ
                if not self.frozen:
                    x = self.drop(self.ln(self.features(x, feats)))
                else:
                    x = self.ln(x)
                    for layer in self.layers[:self.frozen]:
                        x = layer(x, mask)
            if self.frozen:
                x = self.features(x if adapted else x.detach(), feats)
            for layer in self.layers[self.frozen:]:
                x = layer(x, mask)
            return self.head(self.drop(x))

    return Tagger()


def load_base(torch, model, base: Base = BASES["minilm"]) -> None:
    """The base's pretrained weights into ``model`` (the head, features, CRF and adapters as they are)."""
    new = {k: torch.from_numpy(v.copy()) for k, v in base.tensors().items()}
    if model.rel is None:
        new.pop("rel.weight", None)
    for k, v in model.state_dict().items():
        if k.startswith(("head.", "feat.", "crf.")) or ".lora." in k:
            new[k] = v.detach().clone()
    model.load_state_dict(new)


def crf_nll(torch, scores, labels, trans):
    """Negative log-likelihood of the gold tag sequences under a linear-chain CRF, summed over the
    batch. ``scores`` (b, t, tags) and ``labels`` (b, t) of windows with [CLS] first (dropped here) and
    -100 after the last piece; transitions that BIO forbids (tagdecode.FORBIDDEN) are ruled out. A
    window may start inside a span, so no tag is ruled out at its first piece."""
    em, lab = scores[:, 1:], labels[:, 1:]
    mask = lab >= 0
    tags = lab.clamp(min=0)
    t = trans + torch.from_numpy(FORBIDDEN)
    gold = (em.gather(2, tags[..., None]).squeeze(-1) * mask).sum(1)
    gold = gold + (t[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]).sum(1)
    alpha = em[:, 0]
    for i in range(1, em.shape[1]):
        nxt = torch.logsumexp(alpha[:, :, None] + t[None] + em[:, i, None, :], dim=1)
        alpha = torch.where(mask[:, i, None], nxt, alpha)
    return (torch.logsumexp(alpha, 1) - gold).sum()


def batches(items, size, rng):
    rng.shuffle(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def to_tensors(torch, batch, pad: int = 0):
    width = max(len(ids) for ids, _, _ in batch)
    ids = np.full((len(batch), width), pad, dtype=np.int64)
    attn = np.zeros((len(batch), width), dtype=np.int64)
    lab = np.full((len(batch), width), -100, dtype=np.int64)
    feats = None
    if batch[0][2] is not None:
        feats = np.zeros((len(batch), width, batch[0][2].shape[1]), dtype=np.int64)
    for r, (i, l, f) in enumerate(batch):
        ids[r, :len(i)] = i
        attn[r, :len(i)] = 1
        lab[r, :len(l)] = l
        if feats is not None:
            feats[r, :len(f)] = f
    return (torch.from_numpy(ids), torch.from_numpy(attn), torch.from_numpy(lab),
            None if feats is None else torch.from_numpy(feats))


def save(model, path: str, vocab: dict | None = None, bits: int | None = None, heldout: float | None = None,
         base: Base = BASES["minilm"]) -> None:
    """The trained weights, without what stayed frozen (the word embeddings; with ``frozen`` layers,
    the embeddings and those layers too: tagger/model.py reads them from the base), as float16 or (``bits``
    8 or 4) int8 matrices or encoder.requantized's int4 of those; the parse-feature label
    lists, the base's name (``meta.base``), the frozen layer count (``meta.frozen``) and the
    held-out share of the run (``meta.heldout``); deflated (savez_compressed: an int4 file 11 % smaller)."""
    frozen = getattr(model, "frozen", 0)
    arrays = {k: v.detach().numpy().astype(np.float16) for k, v in model.state_dict().items()
              if not kept_from_base(k, frozen)}
    if bits:  # from the float16 values: the same bytes as quantizing a float16 file afterwards
        arrays = quantized(arrays, bits)
    for k, labels in (vocab or {}).items():
        arrays[f"vocab.{k}"] = np.array(labels)
    arrays["meta.base"] = np.array(base.name)
    arrays["meta.frozen"] = np.array(frozen, dtype=np.int64)
    if heldout is not None:
        arrays["meta.heldout"] = np.array(heldout, dtype=np.float32)
    np.savez_compressed(path, **arrays)


def evaluate(torch, model, data, pad: int = 0) -> str:
    model.eval()
    good = total = 0
    tp = fp = fn = 0
    with torch.no_grad():
        for batch in [data[i:i + 16] for i in range(0, len(data), 16)]:
            ids, attn, lab, feats = to_tensors(torch, batch, pad)
            pred = model(ids, attn, feats).argmax(-1)
            m = lab >= 0
            good += int((pred[m] == lab[m]).sum())
            total += int(m.sum())
            tp += int(((pred > 0) & (lab > 0)).sum())
            fp += int(((pred > 0) & (lab == 0)).sum())
            fn += int(((pred == 0) & (lab > 0)).sum())
    model.train()
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return f"tag acc {good / max(total, 1):.4f}, non-O P {p:.3f} R {r:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = training_parser(__doc__)
    ap.set_defaults(epochs=3)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--parse-features", action="store_true",
                    help="also feed the spaCy parse (tag, dependency, head side, sentence start, head's label)")
    ap.add_argument("--model", default=None, help="spaCy model for --parse-features (default: the configured one)")
    ap.add_argument("--int8", action="store_true", help="write int8 matrices (half the size)")
    ap.add_argument("--int4", action="store_true",
                    help="write int4 matrices, a float16 scale per 32 numbers (the int8 file's size less 44 %%)")
    ap.add_argument("--crf", action="store_true",
                    help="also learn tag-to-tag transition scores (a CRF loss added to the per-piece one)")
    ap.add_argument("--base", choices=sorted(BASES), default="minilm",
                    help="the pretrained encoder (tagger/bases.py): minilm (fast) or mpnet (12 layers, 768 wide)")
    ap.add_argument("--freeze", type=int, default=0,
                    help="keep the embeddings and this many bottom layers as pretrained (not written to --out)")
    ap.add_argument("--adapt", type=int, default=0,
                    help="with --freeze: train updates of this rank to the frozen layers' matrices (0: none)")
    ap.add_argument("--bf16", action="store_true",
                    help="run the encoder's forward and backward passes in bfloat16 (torch.autocast; the weights, "
                         "optimizer and CRF loss stay float32): on a 2-core AVX512-BF16 CPU, matrix products "
                         "2.7x and MPNet's training steps 1.4x faster")
    ap.add_argument("--split-seed", type=int, default=0,
                    help="seed of the held-out split alone (default 0, train_cues' split), so runs of other "
                         "--seed values are scored on the same held-out articles")
    ap.add_argument("--checkpoint", default=None,
                    help="write the run's whole state (trained weights, optimizer, schedule, random generators, "
                         "place in the epoch) here every --checkpoint-every steps and at each epoch's end; a run "
                         "started with the same options and an existing checkpoint goes on from it")
    ap.add_argument("--checkpoint-every", type=int, default=100)
    ap.add_argument("--stop-after-minutes", type=float, default=None,
                    help="with --checkpoint: after the first step past this many minutes, write the checkpoint "
                         f"and exit with status {STOPPED} (run the same command again to go on)")
    args = ap.parse_args(argv)
    if args.stop_after_minutes is not None and not args.checkpoint:
        ap.error("--stop-after-minutes needs --checkpoint")
    import json

    import torch
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    docs = [json.loads(line) for line in open(args.train, encoding="utf-8") if line.strip()]
    docs = docs[:args.max_docs] if args.max_docs else docs
    split = random.Random(args.split_seed)
    held, train = split_heldout(len(docs), args.heldout, split)
    train = sorted(train)
    # equal seeds share one generator, as before --split-seed existed (the shipped weights' run)
    rng = split if args.split_seed == args.seed else random.Random(args.seed)
    base = BASES[args.base]
    tok = load_tokenizer(base)
    enc = {}
    vocab = parsed = None
    if args.parse_features:
        nlp = load(args.model or Settings().model)
        vocab = feature_vocab(nlp)
        parsed = nlp.pipe((d["text"] for d in docs), batch_size=16)
    for i, d in enumerate(docs):
        e = tok.encode(d["text"], add_special_tokens=False)
        feats = parse_features(next(parsed), e.offsets, vocab) if parsed is not None else None
        enc[i] = (e.ids, doc_labels(d["text"], e.offsets, d["attributions"]), feats)
    held_data = [w for i in held for w in windows(enc[i][0], enc[i][1], 0, enc[i][2], base)]
    print(f"{len(train)} train docs, {len(held)} held-out; "
          f"{sum(len(enc[i][0]) for i in train)} train word pieces", file=sys.stderr)

    model = build_model(torch, base, vocab=vocab, crf=args.crf, frozen=args.freeze, adapt=args.adapt)
    load_base(torch, model, base)
    for m in model.frozen_modules():
        m.requires_grad_(False)
    adapters = model.adapters()
    for p in adapters:
        p.requires_grad_(True)
    params = [p for p in model.parameters() if p.requires_grad]
    crf = {id(p) for p in model.crf.parameters()}
    own = crf | {id(p) for p in adapters}
    decay = [p for p in params if p.dim() > 1 and id(p) not in own]
    no_decay = [p for p in params if p.dim() <= 1]
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    if crf:  # from zero, a hundred times faster than the encoder (at its rate they would barely move)
        groups.append({"params": list(model.crf.parameters()), "weight_decay": 0.0, "lr": args.lr * 100})
    if adapters:  # low-rank updates from zero: ten times the encoder's rate, the usual LoRA setting
        groups.append({"params": adapters, "weight_decay": 0.0, "lr": args.lr * 10})
    opt = torch.optim.AdamW(groups, lr=args.lr)
    # windows an epoch: a document of n pieces, its first window of random length, gives about n/254 + 1.
    # That over-counts by about half a window a document (the full windows start after the random first
    # one): on all of train 499 steps an epoch on average against 559 planned, so a 3-epoch MPNet run ends
    # at about 11 % of the peak rate rather than at 0. Finishing the decay (a fourth epoch from those
    # weights, 5.6e-6 down to 0, seed 1) scored dev exact 73.8 against 73.6, overlap 87.8 against 87.5,
    # source 94.8 against 95.1: a quarter point, less than two and three tilings of one model's windows
    # differ (0.45; README), so the count stays as it is and `make train` reproduces the shipped files.
    per_epoch = math.ceil(sum(math.ceil(len(enc[i][0]) / 254) + 1 for i in train) / args.batch)
    total = per_epoch * args.epochs
    warm = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    run = Checkpoint(torch, args.checkpoint, model, opt, sched, rng, run_options(args)) if args.checkpoint else None
    step, start, skip = run.resume() if run else (0, 0, 0)
    if start >= args.epochs:
        print(f"{args.checkpoint}: the run is complete ({args.epochs} epochs); {args.out} holds its weights",
              file=sys.stderr)
        return 0
    t0 = time.time()
    for epoch in range(start, args.epochs):
        at_start = rng.getstate()  # what regenerates this epoch's windows and order on resuming
        items = [w for i in train for w in windows(enc[i][0], enc[i][1], rng.randrange(254), enc[i][2], base)]
        for b, batch in enumerate(batches(items, args.batch, rng)):
            if b < skip:  # done before the checkpoint (the window draws and the shuffle are made above)
                continue
            ids, attn, lab, feats = to_tensors(torch, batch, base.pad)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
                scores = model(ids, attn, feats)
            scores = scores.float()
            loss = torch.nn.functional.cross_entropy(scores.reshape(-1, len(TAGS)), lab.reshape(-1))
            if args.crf:  # per piece, as the cross-entropy is
                loss = loss + crf_nll(torch, scores, lab, model.crf["trans"]) / max(int((lab >= 0).sum()), 1)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step % 50 == 0:
                print(f"step {step}/{total} loss {loss.item():.4f} {time.time() - t0:.0f}s", file=sys.stderr)
            late = args.stop_after_minutes is not None and time.time() - t0 > 60 * args.stop_after_minutes
            if run and (step % args.checkpoint_every == 0 or late):
                run.write(step, epoch, b + 1, at_start)
            if late:
                print(f"stopped at step {step}/{total} (epoch {epoch + 1}); {args.checkpoint} holds the run: "
                      "the same command goes on from it", file=sys.stderr)
                return STOPPED
        skip = 0
        save(model, args.out, vocab, 4 if args.int4 else 8 if args.int8 else None, args.heldout, base)
        scored = f"held-out {evaluate(torch, model, held_data, base.pad)}" if held_data else "no held-out articles"
        print(f"epoch {epoch + 1}: {scored}; saved {args.out}", file=sys.stderr)
        if run:
            run.write(step, epoch + 1, 0, rng.getstate())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
