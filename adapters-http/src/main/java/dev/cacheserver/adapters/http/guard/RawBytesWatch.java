package dev.cacheserver.adapters.http.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/** The {@link ConnectionWatch}'s place before the HTTP decoder: it sees every byte as it arrives. */
final class RawBytesWatch extends ChannelInboundHandlerAdapter {
    private final ConnectionWatch watch;

    RawBytesWatch(ConnectionWatch watch) {
        this.watch = watch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        watch.bytesAdded(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (watch.bytesRead(msg)) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
}
