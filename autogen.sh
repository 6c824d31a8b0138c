#!/bin/sh
# Generate ./configure and the Makefile templates.
set -e
srcdir=$(dirname "$0")
cd "$srcdir"
mkdir -p build-aux/m4
autoreconf --install --force --warnings=all
# The TAP driver runs the unit tests; automake ships it but does not copy it.
cp -f "$(automake --print-libdir)/tap-driver.sh" build-aux/tap-driver.sh
