# n3ttrace: `sudo make run` to trace, `make test` to test. Both install what a fresh
# Debian machine lacks (clang, llvm, libbpf-dev, bpftool, ...) on first use.
SHELL := /bin/bash
.DEFAULT_GOAL := build

# ARCH: x86 or arm64 (`make ARCH=arm64 publish`); defaults to this machine's.
ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
RID_x86 := linux-x64
RID_arm64 := linux-arm64
RID := $(RID_$(ARCH))
# One BPF object per architecture (the CO-RE types come from this kernel's BTF and are relocated at load).
BPF_OUT := bpf/.output/$(ARCH)
BPF_OBJ := $(BPF_OUT)/n3ttrace.bpf.o
VMLINUX := bpf/.output/vmlinux.h
DOTNET ?= dotnet
CONFIG ?= Release
# libc6-dev-arm64-cross, linux-libc-dev-arm64-cross: arm64's C headers, for the libc binding's header test (tests/N3ttrace.Interop.Tests).
# The interpreters, tools and daemons after perl: the detection corpora's real processes (tests/.../Corpora).
# ksh, tcl: held-out set 2 of the attack corpus.
# rsyslog-gnutls: the TLS collector of the syslog+tls end-to-end test; groff-base, zsh: the man page and completion tests run the real groff and zsh.
DEB_PACKAGES := clickhouse-server clickhouse-client clang llvm libbpf-dev libbpf1 bpftool libbpf-tools make gcc tmux rsyslog rsyslog-gnutls groff-base zsh ksh tcl socat ncat python3 curl perl \
  libc6-dev-arm64-cross linux-libc-dev-arm64-cross \
  ruby php-cli nodejs lua5.4 lua-socket gawk mawk busybox netcat-openbsd netcat-traditional telnet openssl wget bsdutils \
  openssh-server openssh-client cron at supervisor rsync git iproute2 util-linux
RUN_ARGS ?=

.PHONY: build bpf deps run test unit-test bench publish publish-arm64-managed clean doctor fuzz

## deps: install missing Debian packages (needs root; skipped when all are present)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "error: missing packages:$$missing (run as root or install them)" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

$(VMLINUX):
	@mkdir -p $(dir $@)
	bpftool btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

bpf: $(BPF_OBJ)

$(BPF_OBJ): bpf/n3ttrace.bpf.c bpf/n3ttrace.h $(VMLINUX)
	@test -n "$(RID)" || { echo "error: ARCH=$(ARCH): n3ttrace builds for x86 and arm64" >&2; exit 1; }
	@mkdir -p $(BPF_OUT)
	clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_$(ARCH) -I$(dir $(VMLINUX)) -Ibpf -c $< -o $@.tmp
	llvm-strip -g $@.tmp
	mv $@.tmp $@

## build: BPF object + C# CLI at ./bin/n3ttrace
build: deps bpf
	$(DOTNET) build src/N3ttrace/N3ttrace.csproj -c $(CONFIG) -p:BpfArch=$(ARCH) -o bin/.app --nologo -v q
	@mkdir -p bin && printf '#!/bin/sh\nexec "%s/bin/.app/n3ttrace" "$$@"\n' "$(CURDIR)" > bin/n3ttrace && chmod +x bin/n3ttrace

## run: trace this host live (root), with the release binary (NativeAOT: no JIT warm-up, the one that ships)
run: publish
	./artifacts/publish/n3ttrace run $(RUN_ARGS)

doctor: publish
	./artifacts/publish/n3ttrace doctor

## test: unit tests and the end-to-end tests that load the real eBPF programs (and run the published binary)
test: build publish
	CONFIG=$(CONFIG) bash tests/run.sh

## fuzz: every fuzz target (tests/N3ttrace.Fuzz.Tests) for FUZZ_SECONDS each with a new seed (FUZZ_SEED to replay one);
## a crashing input is written to tests/N3ttrace.Fuzz.Tests/FuzzCorpus/<target>/ (commit it: `make test` replays it) and fails the run
FUZZ_SECONDS ?= 600
fuzz:
	@mkdir -p artifacts && rm -f artifacts/fuzz-stats.tsv
	FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_STATS=$(CURDIR)/artifacts/fuzz-stats.tsv $(DOTNET) test tests/N3ttrace.Fuzz.Tests/N3ttrace.Fuzz.Tests.csproj \
	  -c $(CONFIG) --nologo --filter "Category=Fuzz" --logger "console;verbosity=normal"; rc=$$?; \
	  printf 'target\texecs\tseconds\tcrashes\tseed\n'; cat artifacts/fuzz-stats.tsv; exit $$rc

bench: build publish
	bash bench/run.sh

## publish: NativeAOT single binary at artifacts/publish/n3ttrace (trim/AOT warnings are errors); log in artifacts/publish.log
publish: deps bpf
	@mkdir -p artifacts
	set -o pipefail; $(DOTNET) publish src/N3ttrace/N3ttrace.csproj -c Release -r $(RID) -p:PublishAot=true -p:BpfArch=$(ARCH) -o artifacts/publish --nologo 2>&1 | tee artifacts/publish.log
	@# The man page and completion scripts, printed by the binary from its own command definitions (docs/completions-and-man.md).
	@mkdir -p artifacts/publish/completions
	./artifacts/publish/n3ttrace man > artifacts/publish/n3ttrace.1
	./artifacts/publish/n3ttrace completions bash > artifacts/publish/completions/n3ttrace.bash
	./artifacts/publish/n3ttrace completions zsh > artifacts/publish/completions/_n3ttrace

## publish-arm64-managed: the managed assemblies for linux-arm64 with the arm64 BPF object embedded (no NativeAOT:
## that needs an arm64 linker and sysroot); runs under `dotnet n3ttrace.dll` on an arm64 host.
publish-arm64-managed:
	$(MAKE) ARCH=arm64 bpf
	$(DOTNET) publish src/N3ttrace/N3ttrace.csproj -c Release -r linux-arm64 --self-contained false -p:BpfArch=arm64 -o artifacts/publish-arm64 --nologo -v q

clean:
	rm -rf bin bpf/.output artifacts
	find src tests -name bin -o -name obj | xargs rm -rf
