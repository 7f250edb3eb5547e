package dev.cacheserver.adapters.http;

import static dev.cacheserver.adapters.http.CachixResponses.caller;
import static dev.cacheserver.adapters.http.CachixResponses.empty;
import static dev.cacheserver.adapters.http.CachixResponses.name;

import dev.cacheserver.application.port.in.ManagePins;
import dev.cacheserver.application.port.in.ManagePins.PinCommand;
import dev.cacheserver.application.port.in.RegisterSigningKey;
import dev.cacheserver.application.port.in.RegisterSigningKey.RegisterSigningKeyCommand;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code cachix generate-keypair}'s key registration and {@code cachix pin}: both answer an empty 200. */
final class CachixKeyAndPinRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CachixKeyAndPinRoutes.class);
    private static final String CACHE = "/api/v1/cache/:name";
    private final RegisterSigningKey keys;
    private final ManagePins pins;
    private final CachixResponses responses;

    CachixKeyAndPinRoutes(RegisterSigningKey keys, ManagePins pins, CachixResponses responses) {
        this.keys = keys;
        this.pins = pins;
        this.responses = responses;
    }

    void mount(Router router) {
        router.post(CACHE + "/key").handler(this::registerKey);
        router.post(CACHE + "/pin").handler(this::pin);
    }

    private void registerKey(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        responses.reply(ctx, keys.register(new RegisterSigningKeyCommand(caller(ctx), name(ctx),
                CachixJson.string(body, "publicKey"))), key -> {
                    LOG.info("cache {}: registered public key {}", name(ctx), key);
                    empty(ctx);
                });
    }

    private void pin(RoutingContext ctx) {
        JsonObject body = CachixJson.object(ctx.body().buffer());
        responses.reply(ctx, pins.pin(new PinCommand(caller(ctx), name(ctx), CachixJson.string(body, "name"),
                CachixJson.string(body, "storePath"), CachixJson.strings(body, "artifacts"),
                CachixJson.keep(body.getValue("keep")))), pin -> empty(ctx));
    }
}
