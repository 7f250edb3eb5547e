package dev.cacheserver.adapters.http;

import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.LookUpBuildArtifact.ArtifactFile;
import dev.cacheserver.application.port.in.LookUpBuildArtifact.LookUpBuildArtifactCommand;
import dev.cacheserver.application.port.in.StoreBuildArtifact.StoreBuildArtifactCommand;
import dev.cacheserver.domain.error.InvalidInputException;
import dev.cacheserver.domain.error.PayloadTooLargeException;
import dev.cacheserver.domain.model.ArtifactKind;
import dev.cacheserver.domain.model.BuildLogName;
import dev.cacheserver.domain.model.StorePathHash;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;

/**
 * {@code /log/<drv>} and {@code /<hash>.ls}: PUT streams the body into a spool file, bounded by the configured size
 * (413 beyond), and stores it with the Content-Type and Content-Encoding it came with; GET/HEAD serve it back from
 * its file with those headers. Runs on the event loop.
 */
final class BuildArtifactRoute {
    static final String LOG_PREFIX = "/log/";
    static final String LISTING_SUFFIX = ".ls";
    private static final String LOG_TYPE = "text/plain; charset=utf-8";
    private static final String JSON_TYPE = "application/json";

    private final ProtocolFiles files;
    private final CacheResponses responses;

    BuildArtifactRoute(ProtocolFiles files, CacheResponses responses) {
        this.files = files;
        this.responses = responses;
    }

    /** True when {@code path} names a build log or NAR listing (then the request is answered). */
    boolean handle(HttpServerRequest request, String path) {
        if (path.startsWith(LOG_PREFIX)) {
            String raw = path.substring(LOG_PREFIX.length());
            serve(request, ArtifactKind.BUILD_LOG, checked(BuildLogName.parse(raw).value(), raw), files.maxLogBytes(),
                    LOG_TYPE);
            return true;
        }
        if (path.endsWith(LISTING_SUFFIX) && path.indexOf('/', 1) < 0) {
            String raw = path.substring(1, path.length() - LISTING_SUFFIX.length());
            serve(request, ArtifactKind.NAR_LISTING, checked(new StorePathHash(raw).value(), raw),
                    files.maxListingBytes(), JSON_TYPE);
            return true;
        }
        return false;
    }

    private static String checked(String name, String raw) {
        if (!name.equals(raw)) {
            throw new InvalidInputException("invalid name: " + (raw.length() <= 80 ? raw : raw.substring(0, 80) + "..."));
        }
        return name;
    }

    private void serve(HttpServerRequest request, ArtifactKind kind, String name, long maxBytes, String defaultType) {
        HttpMethod method = request.method();
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            request.pause();
            responses.future(files.lookUpArtifact().lookUp(
                    new LookUpBuildArtifactCommand(CacheResponses.caller(request), kind, name))).onComplete(found -> {
                        request.resume();
                        if (found.failed()) {
                            responses.fail(request, found.cause());
                        } else if (found.result().isEmpty()) {
                            CacheResponses.text(request, 404,
                                    "no such " + describe(kind) + " in cache " + responses.cache() + "\n");
                        } else {
                            send(request, found.result().get());
                        }
                    });
        } else if (method == HttpMethod.PUT) {
            Caller caller = CacheResponses.caller(request);
            files.storeArtifact().authorizeUpload(caller);
            receive(request, caller, kind, name, maxBytes, defaultType);
        } else {
            CacheResponses.methodNotAllowed(request, "GET, HEAD, PUT");
        }
    }

    private void receive(HttpServerRequest request, Caller caller, ArtifactKind kind, String name, long maxBytes,
                         String defaultType) {
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
        var store = files.storeArtifact();
        responses.future(store.begin()).compose(spool -> SpoolWriteStream.open(responses.context(), spool, "SHA-256",
                                maxBytes)
                        .compose(writer -> writer.receive(request, broken).map(v -> writer.count()))
                        .compose(size -> responses.future(store.store(
                                new StoreBuildArtifactCommand(caller, spool, kind, name, size, type, encoding))))
                        .recover(e -> responses.future(store.abort(spool))
                                .transform(ignored -> Future.failedFuture(e))))
                .onSuccess(stored -> CacheResponses.text(request, 200, ""))
                .onFailure(e -> responses.fail(request, e));
    }

    private void send(HttpServerRequest request, ArtifactFile file) {
        HttpServerResponse response = request.response();
        response.putHeader(HttpHeaders.CONTENT_TYPE, file.artifact().contentType());
        file.artifact().contentEncoding().ifPresent(e -> response.putHeader(HttpHeaders.CONTENT_ENCODING, e));
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(file.artifact().size()));
            response.end();
            return;
        }
        response.sendFile(file.path().toString()).onFailure(e -> {
            // The file went between the lookup and the send (a GC, a re-upload): headers may be gone already.
            if (!response.headWritten()) {
                responses.fail(request, e);
            } else {
                request.connection().close();
            }
        });
    }

    private static String describe(ArtifactKind kind) {
        return kind == ArtifactKind.BUILD_LOG ? "build log" : "NAR listing";
    }
}
