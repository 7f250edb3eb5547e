package dev.cacheserver.domain.auth;

/** What a token allows on the cache it names; each level includes the ones before it. */
public enum Permission {
    READ, WRITE, ADMIN;

    public boolean allows(Permission needed) {
        return compareTo(needed) >= 0;
    }
}
