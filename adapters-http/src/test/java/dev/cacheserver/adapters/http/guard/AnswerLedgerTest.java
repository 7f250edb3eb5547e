package dev.cacheserver.adapters.http.guard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

/** When the guard's own answer would come in its turn on a connection with pipelined requests. */
class AnswerLedgerTest {
    private final AnswerLedger ledger = new AnswerLedger();

    private static DefaultHttpResponse response(HttpResponseStatus status) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    }

    @Test
    void theGuardAnswersOnlyOnceEveryEarlierRequestIsAnswered() {
        assertTrue(ledger.guardMayAnswer(false), "nothing asked yet: a refusal is the first answer");
        ledger.requestRead();
        ledger.requestRead();
        assertFalse(ledger.guardMayAnswer(false), "two answers are still due");
        assertFalse(ledger.guardMayAnswer(true), "the first of two is not answered yet");

        ledger.writing(response(HttpResponseStatus.OK));
        ledger.writing(LastHttpContent.EMPTY_LAST_CONTENT);

        assertTrue(ledger.guardMayAnswer(true), "the request being read is next in turn");
        assertFalse(ledger.guardMayAnswer(false));
    }

    @Test
    void aResponseBegunButNotEndedBlocksTheGuardsAnswer() {
        ledger.requestRead();
        ledger.writing(response(HttpResponseStatus.OK));

        assertFalse(ledger.guardMayAnswer(true), "Vert.x is writing the answer to this request");
    }

    @Test
    void informationalResponsesDoNotCountAndA101IsAnUpgrade() {
        ledger.requestRead();

        assertFalse(ledger.writing(response(HttpResponseStatus.CONTINUE)));
        assertTrue(ledger.guardMayAnswer(true), "100 Continue is not the answer");
        assertTrue(ledger.writing(response(HttpResponseStatus.SWITCHING_PROTOCOLS)));
    }
}
