"""Training the attribution tagger (saidwhat.train.tagger, torch): the CRF loss, low-rank updates to
frozen layers read back by the numpy encoder, bfloat16 passes, and runs split by checkpoints.

torch comes with the [train] extra (`make train-deps`, which `make test` runs): without it these tests
skip locally and FAIL under CI (conftest.skip_or_fail), as they do without ../shared's PolNeAR train
(the checkpoint test reads its first two articles) or the MPNet base."""
from pathlib import Path

import numpy as np
import pytest

from conftest import skip_or_fail
from saidwhat.tagger.decode import TAGS

TRAIN = Path(__file__).resolve().parents[3] / "shared" / "polnear" / "train.jsonl"


def need_torch():
    try:
        import torch
    except ImportError as exc:
        skip_or_fail(f"torch is not installed ({exc}): `make train-deps` installs the [train] extra")
    return torch


def test_crf_loss_is_the_log_likelihood_over_all_allowed_sequences():
    torch = need_torch()
    from itertools import product

    from saidwhat.tagger.decode import ALLOWED
    from saidwhat.train.tagger import crf_nll
    g = torch.Generator().manual_seed(0)
    scores = torch.randn(2, 5, len(TAGS), generator=g)  # [CLS] + 3 pieces + [SEP]; the second row has 2 pieces
    labels = torch.tensor([[-100, 1, 2, 0, -100], [-100, 2, 0, -100, -100]])  # a window may open inside a span
    trans = torch.randn(len(TAGS), len(TAGS), generator=g)
    want = 0.0
    for row, n in ((0, 3), (1, 2)):
        em = scores[row, 1:1 + n]
        total = lambda seq: float(sum(em[i, t] for i, t in enumerate(seq)) + sum(trans[a, b] for a, b in zip(seq, seq[1:])))  # noqa: E731
        every = [s for s in product(range(len(TAGS)), repeat=n) if all(ALLOWED[a, b] for a, b in zip(s, s[1:]))]
        log_z = float(torch.logsumexp(torch.tensor([total(s) for s in every]), 0))
        want += log_z - total(tuple(int(x) for x in labels[row, 1:1 + n]))
    assert float(crf_nll(torch, scores, labels, trans)) == pytest.approx(want, rel=1e-4)


def test_adapted_frozen_layers_train_and_load_as_trained(tmp_path, monkeypatch):
    """train_tagger --adapt: only the low-rank updates of the frozen layers get gradients (the layers'
    own matrices stay pretrained), and the numpy encoder reading the saved file scores as torch does."""
    torch = need_torch()
    monkeypatch.setenv("SAIDWHAT_RUNTIME", "numpy")  # the reference pass (the int8 engine: test_runtime.py)
    from saidwhat.tagger.bases import BASES
    from saidwhat.tagger.encoder import Encoder
    from saidwhat.train.tagger import build_model, load_base, save
    base = BASES["minilm"]
    torch.manual_seed(0)
    model = build_model(torch, base, frozen=2, adapt=4)
    load_base(torch, model, base)
    for m in model.frozen_modules():
        m.requires_grad_(False)
    for p in model.adapters():
        p.requires_grad_(True)
    ids = torch.tensor([[base.cls, 2040, 2056, 2000, 1996, 3712, base.sep]])
    model(ids, torch.ones_like(ids)).sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters()}
    assert grads["layers.0.lora.qkv_b"].abs().sum() > 0 and grads["layers.0.qkv.weight"] is None
    assert "layers.3.lora.qkv_b" not in grads
    with torch.no_grad():
        for p in model.adapters():
            p.normal_(0, 0.05)
    model.eval()
    save(model, str(tmp_path / "w.npz"), base=base)
    with torch.no_grad():
        want = model(ids, torch.ones_like(ids)).numpy()
    got = Encoder(tmp_path / "w.npz").logits(ids.numpy(), np.ones((1, 7), dtype=np.int64))
    assert np.allclose(want, got, atol=5e-3)


@pytest.mark.slow
def test_bfloat16_training_pass_scores_as_float32():
    """train_tagger --bf16: the forward pass under bfloat16 autocast (MPNet's relative position scores and
    the padding mask included) gives the float32 scores to within bfloat16's precision."""
    torch = need_torch()
    from saidwhat.tagger.bases import BASES
    from saidwhat.train.tagger import build_model, load_base
    base = BASES["mpnet"]
    if not base.available():
        skip_or_fail("the MPNet base is not installed (make install: python -m saidwhat.tagger.bases)")
    torch.manual_seed(0)
    model = build_model(torch, base, frozen=6, adapt=2)
    load_base(torch, model, base)
    model.eval()
    ids = torch.tensor([[base.cls, 2040, 2056, 2000, 1996, 3712, 2006, base.sep, base.pad]])
    attn = torch.tensor([[1] * 8 + [0]])
    with torch.no_grad():
        want = model(ids, attn)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            got = model(ids, attn).float()
    assert got.dtype == torch.float32 and torch.isfinite(got).all()
    assert (got - want)[0, :8].abs().max() < 0.05 * want[0, :8].abs().max() + 0.05




@pytest.mark.slow
def test_a_stopped_training_run_goes_on_to_the_weights_of_an_unbroken_one(tmp_path):
    """train_tagger --checkpoint: a run stopped (--stop-after-minutes 0: after one step) and started again,
    four times (the epochs have three batches: stops at an epoch's last batch and inside the second), writes the same weights as the run never stopped; a
    checkpoint of a run with other options is refused."""
    need_torch()
    if not TRAIN.exists():
        skip_or_fail(f"PolNeAR train is not in ../shared ({TRAIN})")
    from saidwhat.train.tagger import STOPPED, main
    two = tmp_path / "train2.jsonl"  # its first two articles (2,258 word pieces), read by each of the 8 runs
    with TRAIN.open(encoding="utf-8") as fh:
        two.write_text(next(fh) + next(fh), encoding="utf-8")
    common = ["--train", str(two), "--max-docs", "2", "--heldout", "0", "--epochs", "2", "--batch", "4",
              "--crf", "--threads", "1"]
    assert main(common + ["--out", str(tmp_path / "whole.npz")]) == 0
    ck = ["--out", str(tmp_path / "parts.npz"), "--checkpoint", str(tmp_path / "run.pt")]
    codes = [main(common + ck + ["--stop-after-minutes", "0"]) for _ in range(4)] + [main(common + ck)]
    assert codes == [STOPPED] * 4 + [0]
    whole, parts = np.load(tmp_path / "whole.npz"), np.load(tmp_path / "parts.npz")
    assert sorted(whole.files) == sorted(parts.files)
    assert all(np.array_equal(whole[k], parts[k]) for k in whole.files)
    assert main(common + ck) == 0  # complete: nothing more to do
    with pytest.raises(SystemExit, match="other options.*lr"):
        main(common + ck + ["--lr", "1e-4"])
