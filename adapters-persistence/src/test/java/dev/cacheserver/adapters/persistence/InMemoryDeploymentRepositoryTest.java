package dev.cacheserver.adapters.persistence;

import dev.cacheserver.domain.port.inmemory.InMemoryDeploymentRepository;

/** Holds the in-memory twin to the same contract as the SQLite adapter. */
class InMemoryDeploymentRepositoryTest extends DeploymentRepositoryContract {
    @Override
    protected void createRepository() {
        deployments = new InMemoryDeploymentRepository();
    }
}
