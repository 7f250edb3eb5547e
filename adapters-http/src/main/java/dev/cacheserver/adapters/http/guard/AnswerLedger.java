package dev.cacheserver.adapters.http.guard;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Counts, on one connection, the requests handed to Vert.x and the final responses it finished, so the guard
 * writes an answer of its own only where no answer of Vert.x's is due first. Event loop only.
 */
final class AnswerLedger {
    private long requests;
    private long responses;
    private boolean responseStarted;

    /** A request head went on to Vert.x. */
    void requestRead() {
        requests++;
    }

    /** Follows what Vert.x writes; true when it is the switch to another protocol (101, a WebSocket). */
    boolean writing(Object msg) {
        boolean upgrade = false;
        if (msg instanceof HttpResponse response) {
            if (response.status().code() == 101) {
                upgrade = true;
            } else if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
                responseStarted = true;
            }
        }
        if (msg instanceof LastHttpContent && responseStarted) {
            responses++;
            responseStarted = false;
        }
        return upgrade;
    }

    /**
     * Whether an answer written now comes in its turn: for the request being read ({@code current}) if Vert.x has
     * not begun answering it, else once every request is answered.
     */
    boolean guardMayAnswer(boolean current) {
        long due = current ? requests - 1 : requests;
        return responses == due && !responseStarted;
    }
}
