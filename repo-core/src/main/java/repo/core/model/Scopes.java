package repo.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Inner native scopes whose result outlives them: everything {@code body} creates is freed when it returns, except
 * the result, which joins the enclosing {@link NDScope} (an {@code NDScope} registers an array with the innermost
 * scope only, so an array merely unregistered from an inner scope would live as long as its manager).
 */
final class Scopes {
    private Scopes() {
    }

    /** Runs {@code body} in its own scope; its result is kept and registered with the enclosing scope. */
    static NDArray keep(Supplier<NDArray> body) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }
}
