package dev.cacheserver.adapters.http.guard;

import dev.cacheserver.adapters.http.ConnectionLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one HTTP/1.1 connection from inside its Netty pipeline, on its event loop: the raw bytes before the
 * decoder ({@link RawBytesWatch}), the decoded requests and the responses between the codec and Vert.x
 * ({@link MessageWatch}). It enforces the framing rules
 * ({@link FramingRules}), the header deadline and the minimum body rate of {@link ConnectionLimits}, and answers
 * broken chunk framing with 400. Once a request is refused, nothing more is read from the connection: a
 * pipelined request behind a smuggling attempt is never answered.
 */
final class ConnectionWatch {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);
    private final ConnectionLimits limits;
    private ChannelHandlerContext bytes;
    private ChannelHandlerContext messages;
    private final RequestLineStart requestLineStart = new RequestLineStart();
    private final AnswerLedger answers = new AnswerLedger();
    /** Set by the decoder when a head had both Content-Length and chunked Transfer-Encoding. */
    private boolean lengthWithChunked;
    private ScheduledFuture<?> timer;
    private boolean readingHead = true;
    private boolean readingBody;
    private boolean refused;
    private long bodyBytesInWindow;

    private ConnectionWatch(ConnectionLimits limits) {
        this.limits = limits;
    }

    /** Adds the watch around the HTTP codec of a new connection's pipeline; event loop only. */
    static ConnectionWatch install(ChannelPipeline pipeline, HttpServerOptions options, ConnectionLimits limits) {
        ConnectionWatch watch = new ConnectionWatch(limits);
        pipeline.replace("httpDecoder", "httpDecoder", new GuardedRequestDecoder(options, watch));
        pipeline.addBefore("httpDecoder", "guardBytes", new RawBytesWatch(watch));
        pipeline.addBefore("handler", "guardMessages", new MessageWatch(watch));
        return watch;
    }

    /** Refuses a connection that has sent nothing yet (the connection cap). */
    void refuseNow(int status, String message) {
        refuse(status, message, false);
    }

    private void startHeadTimer() {
        readingHead = true;
        schedule(limits.headerTimeout().toMillis(), this::headTimedOut);
    }

    private void headTimedOut() {
        timer = null;
        if (!readingHead || refused) {
            return;
        }
        if (!messages.channel().config().isAutoRead()) {
            // Vert.x stopped reading (a pipelined response is being written): the client is not the slow one.
            startHeadTimer();
            return;
        }
        LOG.debug("{}: request head not complete within {}", messages.channel().remoteAddress(), limits.headerTimeout());
        refuse(408, "request head not received in time", false);
    }

    private void bodyWindowEnded() {
        timer = null;
        if (!readingBody || refused) {
            return;
        }
        boolean serverPaused = !messages.channel().config().isAutoRead();
        if (!serverPaused && bodyBytesInWindow < limits.bodyBytesPerWindow()) {
            LOG.info("{}: request body slower than {} bytes/s, connection closed", messages.channel().remoteAddress(),
                    limits.bodyMinRate());
            refused = true;
            messages.close();
            return;
        }
        bodyBytesInWindow = 0;
        schedule(limits.bodyTimeout().toMillis(), this::bodyWindowEnded);
    }

    private void schedule(long millis, Runnable task) {
        cancelTimer();
        timer = messages.executor().schedule(task, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Answers with {@code status} and closes; nothing more is read. The answer is written only where it is the next
     * one due: for the request being read ({@code current}) if Vert.x has not begun answering it, else when every
     * request is answered. Otherwise the connection just closes.
     */
    private void refuse(int status, String message, boolean current) {
        refused = true;
        cancelTimer();
        if (answers.guardMayAnswer(current)) {
            bytes.writeAndFlush(GuardResponses.closing(status, message)).addListener(ChannelFutureListener.CLOSE);
        } else {
            // What Vert.x has written so far still goes out first.
            messages.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Called by {@link GuardedRequestDecoder}, which sees the head before Netty drops its Content-Length. */
    void contentLengthWithChunked() {
        lengthWithChunked = true;
    }

    /** Before the decoder ({@link RawBytesWatch}): false when {@code msg} must not go on. */
    boolean bytesRead(Object msg) {
        if (refused) {
            return false;
        }
        if (msg instanceof ByteBuf buffer) {
            if (readingBody) {
                bodyBytesInWindow += buffer.readableBytes();
            } else if (!readingHead && buffer.isReadable()) {
                startHeadTimer();
            }
            if (!readingBody && requestLineStart.whitespaceFirst(buffer)) {
                // Netty would skip it; RFC 9112 section 2.2 allows only empty lines before a request line.
                refuse(400, "whitespace before the request line", false);
                return false;
            }
        }
        return true;
    }

    void messagesAdded(ChannelHandlerContext ctx) {
        messages = ctx;
        if (ctx.channel().isActive()) {
            startHeadTimer();
        }
    }

    void bytesAdded(ChannelHandlerContext ctx) {
        bytes = ctx;
    }

    void closed() {
        cancelTimer();
    }

    /** Between the codec and Vert.x ({@link MessageWatch}): checks each head, follows the requests. */
    void messageRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpRequest request) {
            onHead(ctx, request);
        } else if (msg instanceof HttpContent content) {
            onContent(ctx, content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
        readingHead = false;
        cancelTimer();
        answers.requestRead();
        FramingViolation violation = null;
        if (lengthWithChunked) {
            lengthWithChunked = false;
            // Netty would drop Content-Length and read chunks: the classic request-smuggling disagreement.
            violation = new FramingViolation(400, "Content-Length and Transfer-Encoding together are not allowed");
        } else if (request.decoderResult().isSuccess()) {
            violation = FramingRules.check(request);
        }
        if (violation != null || !request.decoderResult().isSuccess()) {
            // Vert.x's invalid-request handler answers it (InvalidRequestAnswer), then closes the connection.
            refused = true;
            FramingRules.passRefused(ctx, request, violation);
            return;
        }
        if (request instanceof LastHttpContent) {
            ctx.fireChannelRead(request);
            startIdle();
            return;
        }
        if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0) {
            readingBody = true;
            bodyBytesInWindow = 0;
            schedule(limits.bodyTimeout().toMillis(), this::bodyWindowEnded);
        }
        ctx.fireChannelRead(request);
    }

    private void onContent(ChannelHandlerContext ctx, HttpContent content) {
        if (!content.decoderResult().isSuccess()) {
            // Broken chunk framing: Netty discards the rest; Vert.x would close without a word. The request sees its
            // connection close (a client error, logged at INFO), not a decoder exception.
            readingBody = true;
            ReferenceCountUtil.release(content);
            refuse(400, GuardResponses.chunkError(content.decoderResult().cause()), true);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        ctx.fireChannelRead(content);
        if (last) {
            startIdle();
        }
    }

    private void startIdle() {
        readingBody = false;
        requestLineStart.nextRequest();
        cancelTimer();
    }

    /** Follows what Vert.x writes: which answers are complete, and the switch to a WebSocket. */
    void writing(ChannelPipeline pipeline, Object msg) {
        if (answers.writing(msg)) {
            // A WebSocket from here on: its frames are not HTTP requests.
            detach(pipeline);
        }
    }

    private void detach(ChannelPipeline pipeline) {
        cancelTimer();
        readingHead = false;
        readingBody = false;
        pipeline.remove("guardBytes");
        pipeline.remove("guardMessages");
    }
}
