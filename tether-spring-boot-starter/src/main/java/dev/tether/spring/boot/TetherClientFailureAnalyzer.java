package dev.tether.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link TetherClientConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
class TetherClientFailureAnalyzer extends AbstractFailureAnalyzer<TetherClientConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TetherClientConfigurationException cause) {
        String action = cause.action() != null ? cause.action()
                : "Fix " + cause.property() + " in the application's configuration.";
        return new FailureAnalysis(cause.property() + ": " + cause.problem(), action, cause);
    }
}
