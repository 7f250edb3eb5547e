package dev.cacheserver.application.cachix;

import dev.cacheserver.application.access.AccessPolicy;
import dev.cacheserver.application.port.in.Caller;
import dev.cacheserver.application.port.in.CheckCachixCredentials;
import dev.cacheserver.domain.error.AuthenticationException;

/** The token check every Cachix API write passes before its body is read. */
final class CachixCredentials implements CheckCachixCredentials {
    private final AccessPolicy access;

    CachixCredentials(AccessPolicy access) {
        this.access = access;
    }

    @Override
    public void authenticate(Caller caller, boolean anonymousAllowed) {
        access.rejectInvalid(caller.token());
        if (caller.token().isEmpty() && !anonymousAllowed) {
            throw new AuthenticationException("this request needs a token");
        }
    }
}
