# The Connaisseur webhook image: `docker build -t connaisseur .` (BuildKit, Docker's default
# builder since 23.0), or `scripts/image` (buildah: no Docker daemon, no image registry). Debian
# packages only.
#
# Runs as uid 65532 with a read-only root filesystem: the binary writes nothing but its log
# (stdout). The entrypoint reads the files the helm chart mounts (helm/templates/deployment.yaml):
#   /app/config/config.yaml   the values (application + alerting)
#   /app/certs/tls.crt, .key  the serving certificate (re-read when it changes)
#   /app/secrets/<name>/      validator credentials
# and listens on 0.0.0.0:5000. Arguments after the image name are appended to `serve` (e.g.
# `--listen 127.0.0.1:5000`); `--entrypoint connaisseur` runs any other command.

# --- builder: compiles only the `connaisseur` target ----------------------------------------------
FROM debian:bookworm AS builder
# GoogleTest and Google Benchmark are only needed because CMake configures the test targets too;
# nothing from them reaches the runtime stage.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      liblua5.4-dev libssl-dev libcurl4-openssl-dev nlohmann-json3-dev libyaml-cpp-dev \
      libcivetweb-dev libre2-dev libsodium-dev libhiredis-dev libgtest-dev libgmock-dev libbenchmark-dev \
      ccache \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# -O2 as the tested RelWithDebInfo build, without the debug info. No RUNPATH: the OpenSSL 3 shim
# is found on the library path of the runtime stage instead of in this build tree. The compiler
# cache lives in a build cache mount (BuildKit and buildah), so a rebuild after a source change
# recompiles only what changed.
ENV CCACHE_DIR=/ccache
RUN --mount=type=cache,target=/ccache,id=connaisseur-ccache \
    cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" \
      -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_SKIP_RPATH=ON >/dev/null \
 && cmake --build /build --target connaisseur -j"$(nproc)" \
 && mkdir -p /out/lib \
 && strip --strip-unneeded -o /out/connaisseur /build/runtime/cli/connaisseur \
 && cp /build/openssl3_shim/libssl.so /out/lib/libssl.so

# --- runtime: the binary, its shared libraries and CA certificates ----------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      liblua5.4-0 libssl3 libcurl4 libyaml-cpp0.7 libcivetweb1 libre2-9 libsodium23 libhiredis0.14 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/*
COPY --from=builder /out/connaisseur /usr/local/bin/connaisseur
# The OpenSSL 3 shim (runtime/http/openssl3_shim.c) has the SONAME libssl.so: the binary needs it
# by that name, and civetweb dlopen()s "libssl.so" and "libcrypto.so" (names only -dev packages
# provide). Both live in a folder of their own on the library path, so nothing else in the image
# resolves to the shim.
COPY --from=builder /out/lib/libssl.so /usr/local/lib/connaisseur/libssl.so
RUN ln -s "$(readlink -f /usr/lib/*-linux-gnu/libcrypto.so.3)" \
      /usr/local/lib/connaisseur/libcrypto.so \
 && echo /usr/local/lib/connaisseur > /etc/ld.so.conf.d/connaisseur.conf \
 && ldconfig \
 && connaisseur --version
# GnuTLS is loaded only as a dependency of libcurl's rtmp and ldap back-ends, which the webhook never
# uses (its transfers are https only, through OpenSSL): skipping its load-time initialisation saves
# about 0.5 MiB of resident memory per process (BENCHMARKS.md "Webhook").
ENV GNUTLS_NO_IMPLICIT_INIT=1
USER 65532:65532
WORKDIR /app
EXPOSE 5000
ENTRYPOINT ["connaisseur", "serve", "--config", "/app/config/config.yaml", \
            "--tls-cert", "/app/certs/tls.crt", "--tls-key", "/app/certs/tls.key"]
