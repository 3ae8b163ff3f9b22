"""Training of the learned components (CPU, seeded; never run in CI, never imported by the product):

- ``tagger``: fine-tune the attribution tagger on PolNeAR train (``python -m saidwhat.train.tagger``),
  with ``checkpoint`` for resumable runs;
- ``cues``: the cue detectors (perceptron and dense);
- ``spans``: the content-span chooser of the rules path;
- ``coder``: the PLOVER event classifier.
"""
