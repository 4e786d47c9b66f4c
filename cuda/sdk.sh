#!/bin/sh
# sdk.sh DIR: puts the parts of Debian's CUDA 11.8 packages that building
# gonote's CUDA backend needs into DIR (headers, the stub libcuda.so, nvcc,
# cicc, cudafe++, ptxas, libdevice: about 90 MB), instead of installing
# nvidia-cuda-toolkit (5.3 GB with its dependencies). It enables Debian's
# non-free component when it is off. Nothing happens when DIR is complete.
set -eu
DIR=${1:?usage: sdk.sh DIR}
if [ -f "$DIR/include/cuda.h" ] && [ -x "$DIR/bin/nvcc" ] && [ -f "$DIR/lib/stubs/libcuda.so" ]; then
	exit 0
fi
SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )
if ! apt-cache show nvidia-cuda-toolkit >/dev/null 2>&1; then
	echo "sdk.sh: enabling Debian's contrib and non-free components"
	$SUDO sh -c 'cat > /etc/apt/sources.list.d/nonfree.sources' <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	$SUDO apt-get update -q
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "sdk.sh: downloading nvidia-cuda-dev and nvidia-cuda-toolkit (860 MB, extracting 90 MB into $DIR)"
(cd "$tmp" && apt-get download -q nvidia-cuda-dev nvidia-cuda-toolkit)
mkdir -p "$tmp/x"
dpkg-deb --fsys-tarfile "$tmp"/nvidia-cuda-dev_*.deb |
	tar -x -C "$tmp/x" ./usr/include ./usr/lib/x86_64-linux-gnu/stubs/libcuda.so
dpkg-deb --fsys-tarfile "$tmp"/nvidia-cuda-toolkit_*.deb |
	tar -x -C "$tmp/x" ./usr/bin/ptxas ./usr/bin/cudafe++ \
		./usr/lib/nvidia-cuda-toolkit/bin/nvcc ./usr/lib/nvidia-cuda-toolkit/bin/cicc \
		./usr/lib/nvidia-cuda-toolkit/bin/crt ./usr/lib/nvidia-cuda-toolkit/libdevice
rm -rf "$DIR"
mkdir -p "$DIR/bin" "$DIR/lib/stubs"
x=$tmp/x
mv "$x/usr/include" "$DIR/include"
mv "$x/usr/lib/x86_64-linux-gnu/stubs/libcuda.so" "$DIR/lib/stubs/"
mv "$x/usr/lib/nvidia-cuda-toolkit/bin/nvcc" "$x/usr/lib/nvidia-cuda-toolkit/bin/cicc" \
	"$x/usr/lib/nvidia-cuda-toolkit/bin/crt" "$x/usr/bin/ptxas" "$x/usr/bin/cudafe++" "$DIR/bin/"
mv "$x/usr/lib/nvidia-cuda-toolkit/libdevice" "$DIR/libdevice"
# nvcc reads nvcc.profile next to itself; _HERE_ is its own directory.
cat > "$DIR/bin/nvcc.profile" <<'PROFILE'
TOP = $(_HERE_)/..
NVVMIR_LIBRARY_DIR = $(TOP)/libdevice
PATH += $(_HERE_):
INCLUDES += "-I$(TOP)/include" $(_SPACE_)
LIBRARIES =+ $(_SPACE_) "-L$(TOP)/lib/stubs"
PROFILE
echo "sdk.sh: CUDA build files in $DIR"
