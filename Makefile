# embedkit — two commands for a newcomer: `make lab` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.embedkit-installed
UV = $(VENV)/bin/uv pip install -q --compile-bytecode --python $(PY)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install lab test lint typecheck unit browser notebooks suite docs benchmarks clean chromium js labextension binder-check

install: $(STAMP) chromium js

$(STAMP): pyproject.toml Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv (from PyPI, into the venv) installs: it downloads, unpacks and compiles in parallel.
	# On a fresh machine pip took 52 s for the torch pair and 92 s for the rest; uv 29 s and
	# 38 s. --compile-bytecode, as pip does: with PYTHONDONTWRITEBYTECODE set (this machine
	# kind sets it) nothing else ever writes the .pyc files, and every process (each kernel,
	# each Ray worker) compiled torch again: the suite took 999 s instead of 707 s.
	# pip stays in the venv, up to date (the Binder test resolves with it).
	$(PY) -m pip install -q --upgrade pip uv
	# the torch pair that installs on this machine kind (pinned; CPU use)
	$(UV) "torch==2.14.1" "torchvision==0.29.1"
	# the JupyterLab extension is prebuilt and committed (`make labextension` rebuilds it): no npm here
	rm -f embedkit/labextension/install.json  # the wheel maps ./install.json there
	# a reinstall must not write the wheel's copy of the extension through the link that
	# `labextension develop` (below) made into the checkout
	rm -f $(VENV)/share/jupyter/labextensions/embedkit
	HATCH_JUPYTER_BUILDER_SKIP_NPM=1 $(UV) -e ".[all,test]"
	# link the checkout's embedkit/labextension so rebuilds show up in JupyterLab
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/jupyter labextension develop . --overwrite >/dev/null 2>&1
	touch $(STAMP)

# Debian's Chromium for the browser tests (Playwright cannot download a browser here)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The projector front end: js/src -> embedkit/static/projector.js (esbuild). The built
# bundle is committed, so a plain `pip install` works without node; the build is
# reproducible, so a bundle that differs from the committed one is stale.
# `npm ci` installs exactly the committed lockfile and never rewrites it (`make test`
# must leave every tracked file as it was).
js:
	cd js && npm ci --no-audit --no-fund --loglevel=error && npm run typecheck && npm run build
	cd js && npx tsc -p tsconfig.lib.json --noEmit
	@git diff --quiet -- embedkit/static/projector.js embedkit/static/projector-loader.js \
	  js/src/buildid.ts 2>/dev/null || { \
	  echo "embedkit/static/projector*.js is stale: commit the rebuilt bundles"; exit 1; }

# Rebuild the prebuilt JupyterLab extension (js/src/index.ts -> embedkit/labextension/,
# jupyter-builder from the venv) after changing js/src, and commit the result. Its chunk
# names depend on the checkout path, so `make test` typechecks it (above) but does not
# rebuild it; tests/test_labextension_wheel.py installs the committed build.
labextension: $(STAMP) js
	cd js && PATH="$(abspath $(VENV))/bin:$$PATH" npm run --silent build:labextension
	rm -f embedkit/labextension/install.json

lab: install
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(VENV)/bin/ruff check embedkit tests benchmarks tools conftest.py docs/conf.py
	$(VENV)/bin/ruff format --check embedkit tests benchmarks tools conftest.py docs/conf.py

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# Inside make test a skipped test fails (root conftest.py): every part is installed here.
# Two pytest-xdist workers (TEST_WORKERS): most tests and every notebook run on one thread
# (deterministic training), so two at once nearly halve the time on 2 cores.
# --dist loadscope keeps a module (its fixtures: one Ray cluster, one wheel) and a
# notebook (its kernel, its cells in order) on one worker. `make test` runs the notebooks,
# the unit tests and the doctests in one session (`suite`), the notebooks first: the
# longest pieces start first and the short tests fill in, so neither worker waits at the
# end of one half for the other. The browser tests run after, one at a time: JupyterLab,
# a kernel and Chromium's software WebGL need both cores, and beside another worker a
# draw could miss its timeout.
TEST_WORKERS ?= 2
XDIST = -n $(TEST_WORKERS) --dist loadscope
NBVAL = --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval-sanitize.cfg
unit: $(STAMP)
	EMBEDKIT_REQUIRE_ALL=1 $(VENV)/bin/pytest -q -rs $(XDIST) embedkit tests --ignore=tests/browser
	$(MAKE) browser

browser: $(STAMP)
	EMBEDKIT_REQUIRE_ALL=1 $(VENV)/bin/pytest -q -rs tests/browser

notebooks: $(STAMP)
	$(VENV)/bin/pytest -q -p no:doctest $(XDIST) $(NBVAL) notebooks -o addopts="" -o testpaths=notebooks

suite: $(STAMP)
	EMBEDKIT_REQUIRE_ALL=1 $(VENV)/bin/pytest -q -rs --durations=15 $(XDIST) $(NBVAL) notebooks embedkit tests --ignore=tests/browser
	$(MAKE) browser

# The documentation (docs/ -> build/docs/index.html): the API reference from the docstrings,
# the tutorials from their saved outputs (never executed), docs/architecture.md. Offline (no
# intersphinx); -W: a warning, e.g. a broken docstring, fails it; -E: a fresh read each time,
# so a changed docstring is never hidden by a cached page.
docs: $(STAMP)
	$(VENV)/bin/sphinx-build -b html -E -W --keep-going -q -d build/doctrees docs build/docs

# `make test` must leave every tracked file as it found it (lockfile, notebooks, bundles):
# the state of the tracked files is fingerprinted before and compared after.
# The steps that use one core each run side by side (-j3): the pip install beside npm and
# Chromium's apt install, then ruff, mypy and the docs build; the suite then uses both cores.
# --output-sync keeps each step's output together.
TRACKED = { git diff HEAD --binary; git ls-files -d; } 2>/dev/null | sha256sum
PARALLEL = -j3 --output-sync=target
test:
	@mkdir -p build && $(TRACKED) > build/.tracked-before
	$(MAKE) $(PARALLEL) install
	$(MAKE) $(PARALLEL) lint typecheck docs
	$(MAKE) suite
	@$(TRACKED) | cmp -s - build/.tracked-before || { \
	  echo "make test changed tracked files:"; git status --short --untracked-files=no; exit 1; }

benchmarks: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# Simulate Binder: a fresh clone, a fresh venv from binder/ files only (requirements.txt,
# then postBuild, which builds the JupyterLab extension when npm is there), then nbval on
# every notebook. Slow (installs everything); not part of `make test`.
BINDER_DIR := build/binder-check
binder-check:
	rm -rf $(BINDER_DIR) && mkdir -p $(BINDER_DIR)
	git clone -q . $(BINDER_DIR)/repo
	$(PYTHON) -m venv $(BINDER_DIR)/venv
	$(BINDER_DIR)/venv/bin/pip install -q -r $(BINDER_DIR)/repo/binder/requirements.txt nbval
	cd $(BINDER_DIR)/repo && PATH="$(abspath $(BINDER_DIR))/venv/bin:$$PATH" bash binder/postBuild
	cd $(BINDER_DIR)/repo && $(abspath $(BINDER_DIR))/venv/bin/python -m pytest -q -p no:doctest \
	  --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval-sanitize.cfg notebooks -o addopts="" -o testpaths=notebooks

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
