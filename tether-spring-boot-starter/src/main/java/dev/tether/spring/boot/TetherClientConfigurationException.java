package dev.tether.spring.boot;

/**
 * A {@code tether.clients.<name>} configuration the starter cannot build a client from: it names the property
 * at fault and what to do about it, and fails application startup.
 */
public class TetherClientConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String property;
    private final String problem;
    private final String action;

    /**
     * @param property the property at fault, for example {@code tether.clients.orders.ssl.bundle}
     * @param problem what is wrong with it
     * @param action what the user can do
     * @param cause the underlying failure, or null
     */
    public TetherClientConfigurationException(String property, String problem, String action, Throwable cause) {
        super(property + ": " + problem + (action == null ? "" : ". " + action), cause);
        this.property = property;
        this.problem = problem;
        this.action = action;
    }

    /** The property at fault. */
    public String property() {
        return property;
    }

    /** What is wrong with the property. */
    public String problem() {
        return problem;
    }

    /** What the user can do, or null. */
    public String action() {
        return action;
    }
}
