/** Access decisions as the services behind the inbound ports ask them, from the caller's token. */
package dev.cacheserver.application.access;
