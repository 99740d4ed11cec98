# The two front-door commands: `make demo` and `make test`. Each installs its dependencies first.
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
# A compiler cache when there is one (scripts/setup installs ccache): unchanged sources are read
# back instead of compiled again, also in another clone on the same machine (paths are hashed
# relative to the clone). A cold build is unchanged without it.
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_C_COMPILER_LAUNCHER=$(CCACHE) -DCMAKE_CXX_COMPILER_LAUNCHER=$(CCACHE))
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 20G

.PHONY: all setup configure build guest demo test test-asan asan tsan test-tsan bench format format-check clean fuzz fuzzers

all: build

setup:
	@scripts/setup

configure: setup
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The cross-built guest images alone (the sanitizer builds run the tests on these).
guest: configure
	@cmake --build $(BUILD) --target guest -j $(JOBS)

demo: build
	@scripts/demo $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Host code under AddressSanitizer + UBSan (guest images are the same cross-built ones).
asan: guest
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNITAG_SANITIZE=ON $(LAUNCHER) \
	  -DUNITAG_GUEST_FROM=$(abspath $(BUILD)) >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

# Guests run several times slower under ASan: the Linux programs under all five policies on 2
# harts take close to the default 120 s guest timeout (tests/linux/compare.sh).
# `repeats`: tests that run the same host paths as others kept here (e.g. most RIPE shapes).
test-asan: asan
	@UNITAG_GUEST_TIMEOUT=400 ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) \
	  -LE 'slow|repeats'

# Host code under ThreadSanitizer: the tests that run harts on parallel host threads (the
# multikernel, the library OS on several harts, multi-hart guests, the atomics units). Guest
# memory is accessed with relaxed atomics in this build (machine/bus/guest_memory.h), so what
# TSan reports is a race in unitag's own code. Not the MPI tests: Open MPI is not instrumented
# and its own locking reports falsely (docs/machine.md#threads).
TSAN_BUILD ?= build-tsan
TSAN_TESTS ?= harts|^mk\.|threads|race|parallel|^kernel\.|TwoHart|MachineRun
# Timing-sensitive under TSan's slowdown (the wake order of sleeps a few ms apart), not racy; and
# the threaded Linux programs under heap, 5-10 minutes each there (their short twin runs).
TSAN_EXCLUDE ?= \.sleep$$|^linux\.(pthreads|malloc_threads)\.tagged$$
tsan: guest
	@cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUNITAG_SANITIZE_THREAD=ON $(LAUNCHER) \
	  -DUNITAG_GUEST_FROM=$(abspath $(BUILD)) >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)

test-tsan: tsan
	@TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" UNITAG_GUEST_TIMEOUT=900 \
	  ctest --test-dir $(TSAN_BUILD) \
	  --output-on-failure -j $(JOBS) -LE slow -R '$(TSAN_TESTS)' -E '$(TSAN_EXCLUDE)'

bench: build
	@cmake --build $(BUILD) --target unitag_bench_machine
	@scripts/bench-machine $(BUILD)

# Host sources only: guest code (guest/, */guest/) follows the cross toolchain's conventions.
HOST_SOURCES = git ls-files '*.cpp' '*.h' | grep -Ev '(^|/)guest/'

format:
	@$(HOST_SOURCES) | xargs clang-format -i

# What CI runs: fails, naming each file and line, if `make format` would change anything.
format-check: setup
	@$(HOST_SOURCES) | xargs clang-format --dry-run -Werror

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)

# libFuzzer targets (docs/fuzzing.md): a clang build of their own, with ASan + UBSan, each run for
# FUZZ_SECONDS on its seeds in tests/fuzz/corpus/; a crash fails the target and is kept.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_FLAGS = -O1 -gline-tables-only -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

fuzzers: setup
	@cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DCMAKE_BUILD_TYPE=None -DUNITAG_BUILD_GUEST=OFF -DUNITAG_FUZZ=ON \
	  -DCMAKE_CXX_FLAGS="$(FUZZ_FLAGS)" -DCMAKE_C_FLAGS="$(FUZZ_FLAGS)" >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

fuzz: fuzzers build
	@scripts/fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS) $(BUILD)
