package dev.cacheserver.adapters.http;

import static dev.cacheserver.adapters.http.CachixResponses.caller;
import static dev.cacheserver.adapters.http.CachixResponses.json;

import dev.cacheserver.application.port.in.QueryOriginalDht;
import dev.cacheserver.application.port.in.QueryOriginalDht.DhtGetCommand;
import dev.cacheserver.application.port.in.QueryOriginalDht.DhtPutCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The original server's DHT calls on the Cachix API port: {@code GET /api/v1/dht/get/{key}} answers
 * {@code {"value": [urls]}} or {@code {"value": null}}; {@code POST /api/v1/dht/put} is refused (501) for admins.
 */
final class OriginalDhtRoutes {
    private final QueryOriginalDht dht;
    private final CachixResponses responses;

    OriginalDhtRoutes(QueryOriginalDht dht, CachixResponses responses) {
        this.dht = dht;
        this.responses = responses;
    }

    void mount(Router router) {
        router.get("/api/v1/dht/get/:key").handler(this::get);
        router.post("/api/v1/dht/put").handler(this::put);
    }

    private void get(RoutingContext ctx) {
        responses.reply(ctx, dht.get(new DhtGetCommand(caller(ctx), ctx.pathParam("key"))), urls -> {
            JsonObject answer = new JsonObject();
            if (urls.isEmpty()) {
                answer.putNull("value");
            } else {
                answer.put("value", new JsonArray(new java.util.ArrayList<>(urls.get())));
            }
            json(ctx, answer.toBuffer());
        });
    }

    private void put(RoutingContext ctx) {
        dht.authorizePut(caller(ctx));
        JsonObject body = CachixJson.object(ctx.body().buffer());
        responses.reply(ctx, dht.put(new DhtPutCommand(caller(ctx), CachixJson.string(body, "key"),
                CachixJson.string(body, "value"))), v -> json(ctx, new JsonObject().toBuffer()));
    }
}
