"""A training run's state on disk (train_tagger --checkpoint), so a stopped run goes on where it was."""
from __future__ import annotations

import os
import sys

STOPPED = 75  # EX_TEMPFAIL: stopped by --stop-after-minutes, the checkpoint written; run again to go on


def run_options(args) -> dict:
    """The options that make a run what it is: a checkpoint is only taken up by a run with the same ones."""
    ignored = {"out", "threads", "checkpoint", "checkpoint_every", "stop_after_minutes"}
    return {k: v for k, v in sorted(vars(args).items()) if k not in ignored}


class Checkpoint:
    """A training run's whole state in one file, so a run stopped (killed, out of time) goes on where it
    was and ends as the uninterrupted run would: the trained parameters (what stayed frozen comes from the
    base again), AdamW's moments, the schedule's step, torch's generator (dropout) and, for the epoch under
    way, the Python generator as it was when the epoch drew its windows and order, with the batches done."""

    def __init__(self, torch, path, model, opt, sched, rng, options):
        self.torch, self.path, self.model, self.opt, self.sched, self.rng = torch, path, model, opt, sched, rng
        self.options = options

    def write(self, step: int, epoch: int, batch: int, epoch_rng) -> None:
        trained = {n for n, p in self.model.named_parameters() if p.requires_grad}
        state = {"options": self.options, "step": step, "epoch": epoch, "batch": batch, "rng": epoch_rng,
                 "torch_rng": self.torch.get_rng_state(), "optimizer": self.opt.state_dict(),
                 "schedule": self.sched.state_dict(),
                 "model": {k: v for k, v in self.model.state_dict().items() if k in trained}}
        tmp = f"{self.path}.tmp"
        self.torch.save(state, tmp)
        os.replace(tmp, self.path)  # a run killed while writing keeps the previous checkpoint

    def resume(self) -> tuple[int, int, int]:
        """(steps done, the epoch to go on in, batches of it done): (0, 0, 0) without a checkpoint."""
        if not os.path.exists(self.path):
            return 0, 0, 0
        state = self.torch.load(self.path, weights_only=False)
        if state["options"] != self.options:
            differ = sorted(k for k in set(state["options"]) | set(self.options)
                            if state["options"].get(k) != self.options.get(k))
            raise SystemExit(f"{self.path} is a checkpoint of a run with other options ({', '.join(differ)}): "
                             "give the same options, or another --checkpoint")
        unknown = self.model.load_state_dict(state["model"], strict=False).unexpected_keys
        if unknown:
            raise SystemExit(f"{self.path}: parameters this model does not have: {unknown[:3]}")
        self.opt.load_state_dict(state["optimizer"])
        self.sched.load_state_dict(state["schedule"])
        self.rng.setstate(state["rng"])
        self.torch.set_rng_state(state["torch_rng"])
        if state["epoch"] < self.options["epochs"]:
            print(f"going on from {self.path}: step {state['step']}, epoch {state['epoch'] + 1}, "
                  f"{state['batch']} batches of it done", file=sys.stderr)
        return state["step"], state["epoch"], state["batch"]
