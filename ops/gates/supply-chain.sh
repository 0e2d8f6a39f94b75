#!/bin/sh
# Gate G3 (seed 004): the release's artifacts match their signed checksums. The release
# pipeline writes SHA256SUMS (sha256sum format) and SHA256SUMS.sig, a detached ECDSA
# signature (`openssl dgst -sha256 -sign release.key -out SHA256SUMS.sig SHA256SUMS`).
# Exit 0 verified, 1 a signature or digest is wrong, 3 nothing to verify.
# RELEASE_DIR (default ./release) holds the artifacts; RELEASE_PUBLIC_KEY the PEM.
set -u
dir=${RELEASE_DIR:-release}
key=${RELEASE_PUBLIC_KEY:-ops/keys/release.pub.pem}
[ -f "$dir/SHA256SUMS" ] && [ -f "$dir/SHA256SUMS.sig" ] || { echo "no $dir/SHA256SUMS(.sig): nothing to verify"; exit 3; }
[ -f "$key" ] || { echo "no public key $key"; exit 3; }
openssl dgst -sha256 -verify "$key" -signature "$dir/SHA256SUMS.sig" "$dir/SHA256SUMS" || { echo "SHA256SUMS signature invalid"; exit 1; }
(cd "$dir" && sha256sum --check --strict SHA256SUMS) || { echo "an artifact differs from SHA256SUMS"; exit 1; }
echo "all artifacts verified against the signed SHA256SUMS"
