package dev.cacheserver.adapters.http;

import dev.cacheserver.application.AccessPolicy;
import dev.cacheserver.application.CacheProfile;
import dev.cacheserver.application.artifact.BuildArtifactUseCase.ArtifactFile;
import dev.cacheserver.domain.auth.Permission;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.BuildLogName;
import dev.cacheserver.domain.model.DrvOutputId;
import dev.cacheserver.domain.model.StorePathHash;
import dev.cacheserver.domain.narinfo.Realisation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

/**
 * {@code /log/<drv>}, {@code /<hash>.ls} and {@code /realisations/<drv hash>!<output>.doi} on a cache port: PUT
 * (write token) and GET/HEAD (read token on private caches). Logs and listings stream into a spool file, bounded by
 * the configured sizes (413 beyond), and are served from their file with the Content-Type and Content-Encoding
 * they were uploaded with. Realisations are small JSON documents, validated here. Runs on the event loop.
 */
final class ProtocolFileRoutes {
    static final String LOG_PREFIX = "/log/";
    static final String REALISATION_PREFIX = "/realisations/";
    private static final String LISTING_SUFFIX = ".ls";
    private static final String REALISATION_SUFFIX = ".doi";
    private static final String LOG_TYPE = "text/plain; charset=utf-8";
    private static final String JSON_TYPE = "application/json";

    private final ProtocolFiles files;
    private final CacheProfile cache;
    private final AccessPolicy access;
    private final Context context;
    private final BiConsumer<HttpServerRequest, Throwable> fail;

    ProtocolFileRoutes(ProtocolFiles files, CacheProfile cache, AccessPolicy access, Context context,
                       BiConsumer<HttpServerRequest, Throwable> fail) {
        this.files = files;
        this.cache = cache;
        this.access = access;
        this.context = context;
        this.fail = fail;
    }

    /** True when {@code path} is one of these files (then the request is answered), false to route elsewhere. */
    boolean handle(HttpServerRequest request, String path) {
        if (path.startsWith(LOG_PREFIX)) {
            String name = path.substring(LOG_PREFIX.length());
            artifact(request, ArtifactKind.BUILD_LOG, () -> BuildLogName.parse(name).value(), name,
                    files.maxLogBytes(), LOG_TYPE);
            return true;
        }
        if (path.startsWith(REALISATION_PREFIX)) {
            realisation(request, path.substring(REALISATION_PREFIX.length()));
            return true;
        }
        if (path.endsWith(LISTING_SUFFIX) && path.indexOf('/', 1) < 0) {
            String name = path.substring(1, path.length() - LISTING_SUFFIX.length());
            artifact(request, ArtifactKind.NAR_LISTING, () -> new StorePathHash(name).value(), name,
                    files.maxListingBytes(), JSON_TYPE);
            return true;
        }
        return false;
    }

    private void artifact(HttpServerRequest request, ArtifactKind kind, java.util.function.Supplier<String> parse,
                          String raw, long maxBytes, String defaultType) {
        String name = parse.get();
        if (!name.equals(raw)) {
            throw new InvalidInputException("invalid name: " + abbreviate(raw));
        }
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            access.check(cache, Permission.READ, token(request));
            request.pause();
            future(files.artifacts().find(kind, name)).onComplete(found -> {
                request.resume();
                if (found.failed()) {
                    fail.accept(request, found.cause());
                } else if (found.result().isEmpty()) {
                    text(request, 404, "no such " + describe(kind) + " in cache " + cache.name() + "\n");
                } else {
                    sendArtifact(request, found.result().get());
                }
            });
        } else if (method == HttpMethod.PUT) {
            access.check(cache, Permission.WRITE, token(request));
            receive(request, kind, name, maxBytes, defaultType);
        } else {
            request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, PUT");
            text(request, 405, "method not allowed\n");
        }
    }

    private void receive(HttpServerRequest request, ArtifactKind kind, String name, long maxBytes, String defaultType) {
        long declared = DeclaredLength.of(request);
        if (declared > maxBytes) {
            throw new PayloadTooLargeException("a " + describe(kind) + " may have at most " + maxBytes + " bytes");
        }
        String type = Optional.ofNullable(request.getHeader(HttpHeaders.CONTENT_TYPE)).map(String::strip)
                .filter(t -> !t.isEmpty() && t.length() <= 200).orElse(defaultType);
        Optional<String> encoding = Optional.ofNullable(request.getHeader(HttpHeaders.CONTENT_ENCODING))
                .map(String::strip).filter(e -> !e.isEmpty() && !e.equalsIgnoreCase("identity"));
        if (encoding.isPresent() && !encoding.get().matches("[A-Za-z0-9-]{1,32}")) {
            throw new InvalidInputException("invalid Content-Encoding");
        }
        RequestFailure broken = RequestFailure.watch(request);
        request.pause();
        future(files.artifacts().begin()).compose(spool -> SpoolWriteStream.open(context, spool, "SHA-256", maxBytes)
                        .compose(writer -> writer.receive(request, broken).map(v -> writer.count()))
                        .compose(size -> future(files.artifacts().complete(spool, kind, name, size, type, encoding)))
                        .recover(e -> future(files.artifacts().abort(spool)).transform(ignored -> Future.failedFuture(e))))
                .onSuccess(stored -> text(request, 200, ""))
                .onFailure(e -> fail.accept(request, e));
    }

    private void sendArtifact(HttpServerRequest request, ArtifactFile file) {
        HttpServerResponse response = request.response();
        response.putHeader(HttpHeaders.CONTENT_TYPE, file.artifact().contentType());
        file.artifact().contentEncoding().ifPresent(e -> response.putHeader(HttpHeaders.CONTENT_ENCODING, e));
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(file.artifact().size()));
            response.end();
            return;
        }
        Path path = file.path();
        response.sendFile(path.toString()).onFailure(e -> {
            // The file went between the lookup and the send (a GC, a re-upload): headers may be gone already.
            if (!response.headWritten()) {
                fail.accept(request, e);
            } else {
                request.connection().close();
            }
        });
    }

    private void realisation(HttpServerRequest request, String rawName) {
        String name = percentDecoded(rawName);
        if (!name.endsWith(REALISATION_SUFFIX)) {
            throw new InvalidInputException("a realisation is named <drv hash>!<output>.doi");
        }
        DrvOutputId id = DrvOutputId.parse(name.substring(0, name.length() - REALISATION_SUFFIX.length()));
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            access.check(cache, Permission.READ, token(request));
            future(files.realisations().find(id)).onComplete(found -> {
                if (found.failed()) {
                    fail.accept(request, found.cause());
                } else if (found.result().isEmpty()) {
                    text(request, 404, "no such realisation in cache " + cache.name() + "\n");
                } else {
                    send(request, 200, JSON_TYPE, Buffer.buffer(found.result().get().toJson()));
                }
            });
        } else if (method == HttpMethod.PUT) {
            access.check(cache, Permission.WRITE, token(request));
            if (DeclaredLength.of(request) > Realisation.MAX_JSON_BYTES) {
                throw new PayloadTooLargeException("a realisation may have at most " + Realisation.MAX_JSON_BYTES
                        + " bytes");
            }
            ExpectContinue.answer(request);
            BoundedBody.read(request, Realisation.MAX_JSON_BYTES)
                    .compose(body -> future(files.realisations().publish(id, RealisationJson.parse(body))))
                    .onSuccess(saved -> text(request, 200, ""))
                    .onFailure(e -> fail.accept(request, e));
        } else {
            request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, PUT");
            text(request, 405, "method not allowed\n");
        }
    }

    /** Nix sends {@code :} and {@code !} as they are; other clients may escape them. */
    static String percentDecoded(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        return raw.replace("%21", "!").replace("%3A", ":").replace("%3a", ":");
    }

    private static String describe(ArtifactKind kind) {
        return kind == ArtifactKind.BUILD_LOG ? "build log" : "NAR listing";
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    private static Optional<String> token(HttpServerRequest request) {
        return Credentials.token(request.getHeader(HttpHeaders.AUTHORIZATION));
    }

    private <T> Future<T> future(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    private static void text(HttpServerRequest request, int status, String body) {
        send(request, status, "text/plain; charset=utf-8", Buffer.buffer(body));
    }

    private static void send(HttpServerRequest request, int status, String type, Buffer body) {
        HttpServerResponse response = request.response().setStatusCode(status);
        response.putHeader(HttpHeaders.CONTENT_TYPE, type);
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            response.end(body);
        }
    }
}
