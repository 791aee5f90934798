#!/bin/sh
# tests/package/test_deb.sh BUILD-DIR VERSION - the Debian package of a
# build: `cpack -G DEB` into a scratch directory, the package extracted with
# `dpkg-deb -x` into a scratch root, and what it installs checked there:
# ROOT/usr/bin/renacer -V runs and says VERSION, renacer-dump too, and the
# man pages (renacer-capture(5) too), the bash and zsh completions and the
# documents are where the man pages say (the zsh ones parsed by zsh -n when
# there is a zsh). Exit 77 (skipped) without dpkg-deb or cpack.
set -eu
build=$1 version=$2
command -v dpkg-deb >/dev/null 2>&1 || { echo "no dpkg-deb: skipped"; exit 77; }
cpack=$(dirname "$(command -v cmake)")/cpack
[ -x "$cpack" ] || cpack=$(command -v cpack) || { echo "no cpack: skipped"; exit 77; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/rn-deb.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1 ||
	{ cat "$scratch/cpack.log"; fail "cpack -G DEB"; }
set -- "$scratch"/out/*.deb
[ $# -eq 1 ] && [ -f "$1" ] || fail "cpack made no single .deb in $scratch/out: $*"
deb=$1
echo "package: ${deb##*/}"
[ "$(dpkg-deb -f "$deb" Package)" = renacer ] || fail "Package: $(dpkg-deb -f "$deb" Package)"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version: $(dpkg-deb -f "$deb" Version)"
dpkg-deb -f "$deb" Architecture Depends
root=$scratch/root
dpkg-deb -x "$deb" "$root"
for f in usr/bin/renacer usr/bin/renacer-dump; do
	[ -x "$root/$f" ] || fail "no executable $f in the package"
done
zshdir=usr/share/zsh/vendor-completions
for f in usr/share/man/man1/renacer.1 usr/share/man/man1/renacer-dump.1 \
	usr/share/man/man5/renacer-capture.5 \
	usr/share/bash-completion/completions/renacer \
	usr/share/bash-completion/completions/renacer-dump \
	$zshdir/_renacer $zshdir/_renacer-dump \
	usr/share/doc/renacer/CAPTURE.md usr/share/doc/renacer/DESIGN.md \
	usr/share/doc/renacer/syscalls.md; do
	[ -s "$root/$f" ] || fail "no $f in the package"
done
for m in man1/renacer.1 man5/renacer-capture.5; do
	grep -q "share/doc/renacer/CAPTURE.md" "$root/usr/share/man/$m" ||
		fail "${m#*/} does not cite share/doc/renacer/CAPTURE.md"
done
for p in renacer renacer-dump; do
	[ "$(head -n 1 "$root/$zshdir/_$p")" = "#compdef $p" ] ||
		fail "$zshdir/_$p does not begin with #compdef $p"
	grep -q -e "--format=" "$root/$zshdir/_$p" || fail "$zshdir/_$p has no --format"
	if command -v zsh >/dev/null 2>&1; then
		zsh -n "$root/$zshdir/_$p" || fail "zsh -n $zshdir/_$p"
	fi
done
out=$("$root/usr/bin/renacer" -V) || fail "ROOT/usr/bin/renacer -V failed: $out"
echo "$out"
[ "$out" = "renacer version $version" ] || fail "renacer -V said '$out', not 'renacer version $version'"
out=$("$root/usr/bin/renacer-dump" -V) || fail "ROOT/usr/bin/renacer-dump -V failed: $out"
echo "$out"
case $out in *"$version"*) ;; *) fail "renacer-dump -V said '$out' (no $version)" ;; esac
echo "ok"
