package dev.tether.it.support;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit extension behind {@link RequiresDocker}: skips the class when Docker or the test image is
 * missing, or fails it when {@link DockerEnvironment#required()} says a skip would hide a broken setup.
 */
public final class DockerRequirementExtension implements ExecutionCondition, BeforeAllCallback {

    private static final Logger LOG = LoggerFactory.getLogger(DockerRequirementExtension.class);
    private static final AtomicBoolean SKIP_ANNOUNCED = new AtomicBoolean();

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        DockerEnvironment.Status status = DockerEnvironment.status();
        if (status.available()) {
            return ConditionEvaluationResult.enabled(status.detail());
        }
        if (DockerEnvironment.required()) {
            // Let the class start so that beforeAll can fail it; a disabled test would read as green.
            return ConditionEvaluationResult.enabled("Docker is required; the class will fail: " + status.detail());
        }
        String reason = status.detail() + ". " + DockerEnvironment.HOW_TO_RUN
                + " (Set " + DockerEnvironment.REQUIRE_ENV + "=true to make this a failure; " + DockerEnvironment.CI_ENV
                + "=true does too, as CI services set it.)";
        if (SKIP_ANNOUNCED.compareAndSet(false, true)) {
            // Build output does not show skip reasons; say it once where a developer will see it.
            LOG.warn("Integration tests that need Docker are skipped: {}", reason);
        }
        return ConditionEvaluationResult.disabled("Skipped: " + reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DockerEnvironment.Status status = DockerEnvironment.status();
        if (!status.available()) {
            throw new IllegalStateException("Integration tests require Docker (" + DockerEnvironment.REQUIRED_BY
                    + ") but " + status.detail() + ". " + DockerEnvironment.HOW_TO_RUN);
        }
    }
}
