package dev.cacheserver.application.port.in;

import dev.cacheserver.domain.deploy.LogLine;

/** Someone reading a deployment's log (the activate client's viewer socket). Implementations never block. */
public interface LogViewer {

    void send(LogLine line);

    /** Ends the stream; the activate client waits for this once the deployment is over. */
    void close();
}
