/**
 * The inbound ports: one interface per use case the server offers, with command records that carry the
 * caller's {@link dev.cacheserver.application.port.in.Caller credential}. Reading this package is the table of
 * contents of what the server does. Adapters (HTTP, commands) depend only on this package and on the domain;
 * the services behind the interfaces decide authorization, once, from the {@code Caller} in the command.
 */
package dev.cacheserver.application.port.in;
