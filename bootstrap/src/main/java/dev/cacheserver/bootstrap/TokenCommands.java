package dev.cacheserver.bootstrap;

import dev.cacheserver.adapters.persistence.MetadataDatabase;
import dev.cacheserver.bootstrap.config.AppConfig;
import dev.cacheserver.domain.auth.IssuedToken;
import dev.cacheserver.domain.auth.TokenClaims;
import dev.cacheserver.domain.port.TokenRevocations;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code revoke-token ID} and {@code list-tokens}, and the record the {@code token} command keeps of tokens with
 * an id. They write the server's database directly (SQLite allows it beside a running server, which reloads
 * revocations every few seconds).
 */
final class TokenCommands {
    private TokenCommands() {
    }

    /** Records a token that has an id, so that list-tokens shows it; tokens without an id are not recorded. */
    static void record(AppConfig config, TokenClaims claims) throws Exception {
        if (claims.id() == null) {
            return;
        }
        withStore(config, store -> store.recordIssued(new IssuedToken(claims.id(), claims.subject(), claims.permission(),
                claims.expiresAt(), Instant.now(), null)), false);
    }

    static int revoke(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: cache-server revoke-token ID");
            out.println("Revokes the token with that id (list-tokens shows ids); a running server refuses it within");
            out.println("seconds. Tokens without an id (the original's) can only be revoked by changing server.key.");
            return 0;
        }
        if (args.size() != 1 || args.get(0).isBlank() || args.get(0).startsWith("-")) {
            return Main.usage(err, "revoke-token needs exactly one token ID");
        }
        AppConfig config = Main.load(configFile);
        boolean fresh = withStore(config, store -> store.revoke(args.get(0), Instant.now()), true);
        out.println(fresh ? "revoked " + args.get(0) : args.get(0) + " was already revoked");
        return 0;
    }

    static int list(List<String> args, Optional<Path> configFile, PrintStream out, PrintStream err) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.println("usage: cache-server list-tokens");
            out.println("Lists the tokens issued with an id: id, subject, permission, expiry, revocation.");
            return 0;
        }
        if (!args.isEmpty()) {
            return Main.usage(err, "list-tokens takes no arguments");
        }
        AppConfig config = Main.load(configFile);
        List<IssuedToken> tokens = withStore(config, TokenRevocations::list, false);
        out.println("ID\tSUBJECT\tPERMISSION\tEXPIRES\tREVOKED");
        for (IssuedToken t : tokens) {
            out.println(t.id() + "\t" + t.subject() + "\t" + t.permission().name().toLowerCase() + "\t"
                    + t.expiry().map(Instant::toString).orElse("never") + "\t"
                    + t.revocation().map(Instant::toString).orElse("-"));
        }
        return 0;
    }

    private static <T> T withStore(AppConfig config,
                                   Function<TokenRevocations, java.util.concurrent.CompletionStage<T>> work,
                                   boolean announceRevocation)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            MetadataDatabase db = MetadataDatabases.open(vertx, config.server()).await(1, TimeUnit.MINUTES);
            try {
                T result = work.apply(db.tokenRevocations()).toCompletableFuture().get(1, TimeUnit.MINUTES);
                if (announceRevocation) {
                    // Servers sharing the database re-read the revocations now rather than at their next reload.
                    db.events().tokenRevoked().toCompletableFuture().get(1, TimeUnit.MINUTES);
                }
                return result;
            } finally {
                db.close().await(1, TimeUnit.MINUTES);
            }
        } finally {
            vertx.close().await(1, TimeUnit.MINUTES);
        }
    }
}
