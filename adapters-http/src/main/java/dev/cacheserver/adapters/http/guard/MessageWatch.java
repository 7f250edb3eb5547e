package dev.cacheserver.adapters.http.guard;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/** The {@link ConnectionWatch}'s place between the HTTP codec and Vert.x: decoded requests in, responses out. */
final class MessageWatch extends ChannelDuplexHandler {
    private final ConnectionWatch watch;

    MessageWatch(ConnectionWatch watch) {
        this.watch = watch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        watch.messagesAdded(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        watch.closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        watch.messageRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        watch.writing(ctx.pipeline(), msg);
        ctx.write(msg, promise);
    }
}
