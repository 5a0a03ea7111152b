# Build: a static binary (no cgo), then a small non-root image with nothing else in it.
# The toolchain go.mod asks for (the official images set GOTOOLCHAIN=local).
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/arena ./server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/arena /arena
COPY --from=build --chown=65532:65532 /out/data /data
ENV ARENA_ADDR=:8080 ARENA_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
# Numeric (distroless's nonroot), so runAsNonRoot can check it without a passwd file.
USER 65532:65532
# The image has no shell or curl: the binary checks its own /healthz.
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s CMD ["/arena", "--healthcheck"]
ENTRYPOINT ["/arena"]
