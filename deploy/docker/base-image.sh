# Sourced by deploy/docker/test-image.sh and deploy/packages/test-clean-root.sh: makes the Debian 12
# base image the Dockerfiles name (docker.io/library/debian:bookworm-slim) without pulling it:
# `debootstrap --variant=minbase bookworm`, trimmed like the official slim image, cached as a
# tarball, imported into the caller's private buildah store (re-imported only when the tarball
# changed, since a new base image id invalidates every cached layer).
# Uses the caller's: bah (the buildah command with its store options), cache, mirror, arch, tmp,
# base_ref, and the functions log and fail. Also: install_missing_tools, private_buildah_store.
# install_missing_tools COMMAND:PACKAGE...: installs with apt-get the packages of the commands
# that are not on PATH.
install_missing_tools() {
  local missing=() tool
  for tool in "$@"; do
    command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# private_buildah_store: sets cache, mirror, arch and bah (buildah on a private vfs store under
# the cache: the debootstrapped "debian:bookworm-slim" never shadows a real one in the system
# store, and the vfs driver never clashes with a store another tool set up with overlay).
private_buildah_store() {
  cache=${ARCADE_IMAGE_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/arcade-mcp-cpp}
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  arch=$(dpkg --print-architecture)
  mkdir -p "$cache"
  bah=(buildah --root "$cache/containers/storage" --runroot "$cache/containers/run" --storage-driver vfs)
  export BUILDAH_ISOLATION=chroot
}

ensure_debian_base_image() {
  tarball="$cache/debian-bookworm-minbase-$arch.tar"
  if [ -s "$tarball" ]; then
    log "reusing the cached root file system $tarball"
  else
    log "debootstrap --variant=minbase bookworm from $mirror (cached as $tarball)"
    t0=$(date +%s)
    rootfs="$cache/rootfs.$$"
    rm -rf "$rootfs"
    debootstrap --variant=minbase --arch="$arch" bookworm "$rootfs" "$mirror" > "$tmp/debootstrap.log" 2>&1 \
      || { tail -30 "$tmp/debootstrap.log" >&2; rm -rf "$rootfs"; fail "debootstrap failed"; }
    if findmnt -rn -o TARGET | grep -q "^$rootfs/"; then fail "debootstrap left mounts under $rootfs"; fi
    # Make it look like the official slim image: its apt sources, its dpkg and apt settings, no
    # documentation, no package lists, no host files.
    rm -f "$rootfs/etc/apt/sources.list" "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"
    cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
    rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/* \
           "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
           "$rootfs"/var/log/* "$rootfs"/dev/* "$rootfs"/proc/* "$rootfs"/sys/* "$rootfs"/run/* "$rootfs"/tmp/*
    tar --numeric-owner -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
    log "debootstrap done in $(($(date +%s) - t0)) s ($(du -h "$tarball" | cut -f1))"
  fi

  rootfs_sha=$(sha256sum "$tarball" | cut -d' ' -f1)
  have_sha=$("${bah[@]}" inspect --type image --format '{{index .OCIv1.Config.Labels "arcade-mcp-cpp.rootfs-sha256"}}' "$base_ref" 2>/dev/null || true)
  if [ "$have_sha" = "$rootfs_sha" ]; then
    log "reusing the base image $base_ref"
  else
    # Rebuilt only when the tarball changed: a new base image id invalidates every cached layer.
    log "importing the root file system as $base_ref"
    basectx="$cache/base-context"
    rm -rf "$basectx" && mkdir -p "$basectx"
    ln "$tarball" "$basectx/rootfs.tar" 2>/dev/null || cp "$tarball" "$basectx/rootfs.tar"
    cat > "$basectx/Containerfile" <<EOF
FROM scratch
ADD rootfs.tar /
LABEL arcade-mcp-cpp.rootfs-sha256="$rootfs_sha" org.opencontainers.image.description="Debian 12 minbase from debootstrap, stand-in for debian:bookworm-slim"
CMD ["bash"]
EOF
    "${bah[@]}" bud --isolation chroot --pull=never --layers=false --timestamp 0 \
      -f "$basectx/Containerfile" -t "$base_ref" "$basectx" > "$tmp/base.log" 2>&1 \
      || { tail -30 "$tmp/base.log" >&2; fail "could not import the base image"; }
    rm -rf "$basectx"
  fi
}
