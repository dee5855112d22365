#!/bin/sh
# The fuzzer's bounded sweep (tests/fuzz/run; make fuzz runs it longer):
# a fixed set of seeds, so that the same tree gives the same calls. TAP.
NTLAB=${NTLAB:-build/ntlab}
echo "1..1"
if out=$(NTLAB=$NTLAB sh tests/fuzz/run seeds 1 40 2>&1); then
    echo "ok 1 - 40 seeds of hostile calls and IOCTLs: no stop, no hang, no host signal, every pool block back"
else
    echo "not ok 1 - the fuzzer's sweep"
    echo "$out" | sed 's/^/#   /'
fi
