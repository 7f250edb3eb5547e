package dev.cacheserver.application.deploy;

import java.util.Optional;

/** What a verified workspace token may see and activate: one workspace, or every one for an admin token. */
record WorkspaceGrant(Optional<String> workspace) {
    public static WorkspaceGrant all() {
        return new WorkspaceGrant(Optional.empty());
    }

    public static WorkspaceGrant of(String workspace) {
        return new WorkspaceGrant(Optional.of(workspace));
    }

    public boolean covers(String otherWorkspace) {
        return workspace.map(w -> w.equals(otherWorkspace)).orElse(true);
    }
}
