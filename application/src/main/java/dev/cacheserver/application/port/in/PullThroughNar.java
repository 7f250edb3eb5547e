package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.narinfo.NarInfo;
import java.util.concurrent.CompletionStage;

/**
 * Use case: keep a copy of a NAR that this node streams from elsewhere (an upstream cache or a cluster peer, named by
 * {@code N}, whose narinfo was verified when it was looked up). It goes through the one NAR ingest sequence: the
 * adapter only moves bytes into the spool from {@link #openCopy} (hashing them on the way) and hands the outcome to
 * {@link #keepCopy}, which checks FileSize and FileHash against the narinfo (HashMismatchException), stores the NAR,
 * publishes the narinfo (NarHash and NarSize checked by decompressing), or leaves nothing behind. No caller: a copy is
 * the server's own doing on behalf of a read that was already allowed. Non-blocking; thread-safe.
 */
public interface PullThroughNar<N> {

    /** A spool for a copy of {@code nar}'s NAR. */
    CompletionStage<NarSpool> openCopy(N nar);

    /** Ingests what was {@code written} into {@code spool}; fails like an upload and a publish, spool deleted. */
    CompletionStage<NarInfo> keepCopy(N nar, NarSpool spool, CompletionStage<SpooledBytes> written);
}
