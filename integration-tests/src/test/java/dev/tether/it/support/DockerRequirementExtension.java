package dev.tether.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension behind {@link RequiresDocker}: skips the class when Docker or the test image is
 * missing, or fails it when {@link DockerEnvironment#required()} says a skip would hide a broken setup.
 */
public final class DockerRequirementExtension implements ExecutionCondition, BeforeAllCallback {

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
        return ConditionEvaluationResult.disabled("Skipped: " + status.detail() + ". " + DockerEnvironment.HOW_TO_RUN
                + " (Set " + DockerEnvironment.REQUIRE_ENV + "=true to make this a failure, as CI does.)");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        DockerEnvironment.Status status = DockerEnvironment.status();
        if (!status.available()) {
            throw new IllegalStateException("Integration tests require Docker (" + DockerEnvironment.REQUIRE_ENV
                    + " or -D" + DockerEnvironment.REQUIRE_PROPERTY + " is true) but " + status.detail() + ". "
                    + DockerEnvironment.HOW_TO_RUN);
        }
    }
}
