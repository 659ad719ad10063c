# n3ttrace: `sudo make run` to trace, `make test` to test. Both install what a fresh
# Debian machine lacks (clang, llvm, libbpf-dev, bpftool, ...) on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := build

BPF_OUT := bpf/.output
BPF_OBJ := $(BPF_OUT)/n3ttrace.bpf.o
VMLINUX := $(BPF_OUT)/vmlinux.h
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
DOTNET ?= dotnet
CONFIG ?= Release
DEB_PACKAGES := clang llvm libbpf-dev libbpf1 bpftool libbpf-tools make gcc tmux rsyslog socat ncat python3 curl perl \
  ruby php-cli nodejs lua5.4 lua-socket gawk mawk busybox netcat-openbsd netcat-traditional telnet openssl wget bsdutils \
  openssh-server openssh-client cron at supervisor rsync git
RUN_ARGS ?=

.PHONY: build bpf deps run test unit-test bench publish clean doctor

## deps: install missing Debian packages (needs root; skipped when all are present)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "error: missing packages:$$missing (run as root or install them)" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VMLINUX):
	@mkdir -p $(BPF_OUT)
	bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

bpf: $(BPF_OBJ)

$(BPF_OBJ): bpf/n3ttrace.bpf.c bpf/n3ttrace.h $(VMLINUX)
	clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) -I$(BPF_OUT) -Ibpf -c $< -o $@.tmp
	llvm-strip -g $@.tmp
	mv $@.tmp $@

## build: BPF object + C# CLI at ./bin/n3ttrace
build: deps bpf
	$(DOTNET) build src/N3ttrace/N3ttrace.csproj -c $(CONFIG) -o bin/.app --nologo -v q
	@mkdir -p bin && printf '#!/bin/sh\nexec "%s/bin/.app/n3ttrace" "$$@"\n' "$(CURDIR)" > bin/n3ttrace && chmod +x bin/n3ttrace

## run: trace this host live (root), with the release binary (NativeAOT: no JIT warm-up, the one that ships)
run: publish
	./artifacts/publish/n3ttrace run $(RUN_ARGS)

doctor: publish
	./artifacts/publish/n3ttrace doctor

## test: unit tests and the end-to-end tests that load the real eBPF programs (and run the published binary)
test: build publish
	CONFIG=$(CONFIG) bash tests/run.sh

bench: build publish
	bash bench/run.sh

## publish: NativeAOT single binary at artifacts/publish/n3ttrace (trim/AOT warnings are errors); log in artifacts/publish.log
publish: deps bpf
	@mkdir -p artifacts
	set -o pipefail; $(DOTNET) publish src/N3ttrace/N3ttrace.csproj -c Release -r linux-x64 -p:PublishAot=true -o artifacts/publish --nologo 2>&1 | tee artifacts/publish.log

clean:
	rm -rf bin $(BPF_OUT) artifacts
	find src tests -name bin -o -name obj | xargs rm -rf
