package dev.cacheserver.bootstrap.archunit;

import static com.tngtech.archunit.base.DescribedPredicate.alwaysTrue;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.onionArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The dependency rules of DESIGN.md: adapters → application → domain, core in plain Java, adapters apart. */
@AnalyzeClasses(packages = "dev.cacheserver",
        importOptions = {ImportOption.DoNotIncludeTests.class, HexagonalArchitectureTest.NoTestJars.class})
class HexagonalArchitectureTest {

    /** Test fixtures reach this classpath as {@code *-tests.jar} files, which DoNotIncludeTests does not cover. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar") && !location.contains("/test-classes/");
        }
    }

    @ArchTest
    static final ArchRule hexagon = onionArchitecture()
            .domainModels("dev.cacheserver.domain.model..", "dev.cacheserver.domain.narinfo..",
                    "dev.cacheserver.domain.signing..", "dev.cacheserver.domain.auth..", "dev.cacheserver.domain.error..",
                    "dev.cacheserver.domain.retention..", "dev.cacheserver.domain.storage..",
                    "dev.cacheserver.domain.upload..", "dev.cacheserver.domain.deploy..")
            .domainServices("dev.cacheserver.domain.port..")
            .applicationServices("dev.cacheserver.application..")
            .adapter("http", "dev.cacheserver.adapters.http..")
            .adapter("httpclient", "dev.cacheserver.adapters.httpclient..")
            .adapter("storage", "dev.cacheserver.adapters.storage..")
            .adapter("dht", "dev.cacheserver.adapters.dht..")
            .adapter("persistence", "dev.cacheserver.adapters.persistence..")
            .withOptionalLayers(true)
            .ignoreDependency(resideInAPackage("dev.cacheserver.bootstrap.."), alwaysTrue());

    @ArchTest
    static final ArchRule coreIsPlainJava = classes()
            .that().resideInAnyPackage("dev.cacheserver.domain..", "dev.cacheserver.application..")
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.cacheserver.domain..", "dev.cacheserver.application..", "java..", "javax.crypto..");

    @ArchTest
    static final ArchRule onlyBootstrapSeesBootstrap = noClasses()
            .that().resideOutsideOfPackage("dev.cacheserver.bootstrap..")
            .should().dependOnClassesThat().resideInAPackage("dev.cacheserver.bootstrap..");

    @ArchTest
    static final ArchRule noJdbcOutsidePersistence = noClasses()
            .that().resideOutsideOfPackages("dev.cacheserver.adapters.persistence..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "io.vertx.jdbcclient..", "io.vertx.sqlclient..");

    /** The deploy adapter reaches the application only through its inbound ports (issue 14). */
    @ArchTest
    static final ArchRule deployAdapterUsesOnlyInboundPorts = noClasses()
            .that().resideInAPackage("dev.cacheserver.adapters.http.deploy..")
            .should().dependOnClassesThat(resideInAPackage("dev.cacheserver.application..")
                    .and(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage(
                            "dev.cacheserver.application.port.in..")));

    /**
     * Adapters reach the application only through its ports: the inbound use cases they call
     * ({@code application.port.in}) and the few outbound ports in application types they implement
     * ({@code application.port.out}); services stay behind them (issue 14).
     */
    @ArchTest
    static final ArchRule adaptersUseOnlyTheApplicationsPorts = noClasses()
            .that().resideInAPackage("dev.cacheserver.adapters..")
            .should().dependOnClassesThat(resideInAPackage("dev.cacheserver.application..")
                    .and(com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages(
                            "dev.cacheserver.application.port.in..", "dev.cacheserver.application.port.out..")));
}
