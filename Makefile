# Every target creates what it needs: a fresh clone runs `make demo` or `make test` and nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_DIR := examples/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
KUBECTL := $(VENV)/bin/kubectl
# Test peers in other languages (the real kube-apiserver, real clients) are built here; Go's, Maven's and
# cargo's own caches make every build after the first quick.
PEERS := .cache/peers

.PHONY: all venv bytecode clients demo test lint bench report soak clean realkube peers fidelity peers-go peers-helm peers-java peers-rust

all: test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# An editable install compiles nothing ahead, where `pip install` of the package does; and where
# PYTHONDONTWRITEBYTECODE is set (as on some CI machines) Python compiles every module again in every process.
# Compiled here (0.5 s once, 0.05 s when nothing changed), so each watchproxy process the tests and the demo
# start reads bytecode as an installed watchproxy does: a replay is ready 0.3-0.4 s sooner. (The bench compiles
# what it measures itself.)
bytecode: $(STAMP)
	$(PY) -m compileall -q proxy

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(KUBECTL): tests/clients/install_kubectl.py | $(STAMP)
	$(PY) tests/clients/install_kubectl.py $(KUBECTL)

clients: $(STAMP) $(NODE_STAMP) $(KUBECTL)

# The real kube-apiserver + etcd (tests/peers/realkube/run builds it the same way when driven directly).
realkube:
	tests/peers/realkube/build

# The Go client peers (client-go, controller-runtime): one binary, see tests/peers/goclients/main.go.
peers-go:
	cd tests/peers/goclients && go build -o ../../../$(PEERS)/goclients .

# Helm 4 itself, built from its Go module at the version tests/peers/helm/go.mod pins (no source of ours). Linking it
# takes 20 s even from Go's cache, so, as kube-rs, it is built once per machine and version into the user's cache.
HELM_VERSION := $(shell sed -n 's/^require helm.sh\/helm\/v4 //p' tests/peers/helm/go.mod)
HELM_BUILD ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/watchproxy/helm-$(HELM_VERSION)

peers-helm:
	test -x $(HELM_BUILD) || (cd tests/peers/helm && go build -o $(HELM_BUILD) helm.sh/helm/v4/cmd/helm)
	mkdir -p $(PEERS) && cp $(HELM_BUILD) $(PEERS)/helm

# The client peers in Java (fabric8, kubernetes-client/java; the Java Operator SDK, with the fabric8 it brings, in a
# project of its own) and Rust (kube-rs): tests/peers/java, tests/peers/josdk, tests/peers/rust.
peers-java: $(PEERS)/java/java-peers.jar $(PEERS)/josdk/josdk-peer.jar

$(PEERS)/java/java-peers.jar: tests/peers/java/pom.xml $(wildcard tests/peers/java/src/main/java/watchproxy/peer/*.java)
	@command -v mvn >/dev/null || { echo "peers-java needs Maven 3 and a JDK 17 (Debian: apt-get install maven)"; exit 1; }
	mvn -q -B -f tests/peers/java/pom.xml package

$(PEERS)/josdk/josdk-peer.jar: tests/peers/josdk/pom.xml $(wildcard tests/peers/josdk/src/main/java/watchproxy/josdk/*.java)
	@command -v mvn >/dev/null || { echo "peers-java needs Maven 3 and a JDK 17 (Debian: apt-get install maven)"; exit 1; }
	mvn -q -B -f tests/peers/josdk/pom.xml package

# kube-rs is compiled once per machine, not once per checkout (84 s on 2 cores): cargo keeps no compiled crates
# between target directories, so the target directory is the user's cache; the peer is copied out of it.
RUST_TARGET ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/watchproxy/rust-target

peers-rust:
	CARGO_TARGET_DIR=$(RUST_TARGET) cargo build -q --locked --manifest-path tests/peers/rust/Cargo.toml
	mkdir -p $(PEERS) && cp $(RUST_TARGET)/debug/kube-peer $(PEERS)/kube-peer

peers: realkube peers-go peers-helm peers-java peers-rust

lint: $(STAMP)
	$(PY) -m ruff check proxy tests $(wildcard bench)
	$(PY) -m mypy

# Two workers: half the suite's time is spent waiting on real servers and clients, which a second worker
# fills (each worker starts its own real apiserver when it first needs one). Three gain little on 2 cores (the
# tests in 8 min 15 s against 8 min 50 s, once the tests that needed an idle machine waited on conditions instead)
# and load the real apiservers more: not worth a rarer kind of failure.
test: lint clients peers bytecode
	$(PY) -m pytest -q -p no:cacheprovider -n 2 --dist worksteal

demo: $(STAMP) $(NODE_STAMP) bytecode
	$(PY) examples/demo.py recordings/nginx-deploy.msgpack

soak: clients
	WATCHPROXY_SOAK_SECONDS=180 $(PY) -m pytest -q -p no:cacheprovider tests/test_soak.py

bench: $(STAMP) $(KUBECTL) realkube
	$(PY) -m bench

# Emulate against the real apiserver: writes docs/fidelity.md (tests/test_fidelity.py runs the same catalogue).
fidelity: $(STAMP) realkube
	$(PY) -m tests.fidelity

report: clients peers-go peers-java peers-rust
	$(PY) tests/clients/make_report.py

clean:
	rm -rf $(VENV) $(NODE_DIR)/node_modules .mypy_cache .ruff_cache .cache
